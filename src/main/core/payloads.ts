import { z } from 'zod';
import type { CallDirection, CallState, EndCause } from '../../shared/calls.js';
import { isMissed, type TrackedCall } from './call-tracker.js';

/**
 * What browsers send, validated at the edge (docs/protocol.md §2), and what they are sent.
 * Handlers only ever see these types.
 */

/** `apex_session` header of `SEND /tapi/listen`: APEX session ids are numbers, but any token is looked up. */
export const apexSessionSchema = z
  .string({ error: 'the apex_session header is missing' })
  .min(1, 'the apex_session header is empty')
  .max(128, 'the apex_session header is longer than 128 characters')
  .regex(/^[\x21-\x7e]+$/, 'the apex_session header may only hold printable ASCII without spaces');

/** Body of `SEND /tapi/call`. */
export const dialRequestSchema = z.object({
  toNumber: z
    .string({ error: 'toNumber must be a string such as "+48 123 456 789"' })
    .max(64, 'toNumber is longer than 64 characters'),
});

/** Body of a listen reply on `/topic/is-listen-init`. */
export type ListenReply =
  { listening: true; phone: string; user: string } | { listening: false; reason: ListenRefusal };

export type ListenRefusal =
  'SESSION_NOT_FOUND' | 'NO_PHONE' | 'DIRECTORY_UNAVAILABLE' | 'BAD_REQUEST';

/** Codes on `/user/queue/errors`: a documented, stable list. */
export type ErrorCode =
  'NOT_LISTENING' | 'BAD_NUMBER' | 'LINK_DOWN' | 'BAD_REQUEST' | 'RATE_LIMITED';

/** Parses a JSON body with a schema; the error is a message a page author can act on. */
export function parseJsonBody<T>(
  schema: z.ZodType<T>,
  body: Buffer,
): { ok: true; value: T } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return { ok: false, message: 'the body must be JSON, such as {"toNumber":"201"}' };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, message: parsed.error.issues.map((i) => i.message).join('; ') };
}

/**
 * Body of a call event on `/user/queue/call-events` (docs/protocol.md). Times are ISO 8601;
 * whatever is not known is null.
 */
export interface CallEvent {
  callId: string;
  extension: string;
  direction: CallDirection;
  state: CallState;
  from: string;
  to: string;
  name: string | null;
  answeredBy: string | null;
  cause: EndCause | null;
  /** True on `ended` of an inbound call that was never answered. */
  missed: boolean;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function callEventOf(call: TrackedCall): CallEvent {
  return {
    callId: call.callId,
    extension: call.extension,
    direction: call.direction,
    state: call.state,
    from: call.from,
    to: call.to,
    name: call.name,
    answeredBy: call.answeredBy,
    cause: call.cause,
    missed: isMissed(call),
    startedAt: new Date(call.startedAt).toISOString(),
    answeredAt: iso(call.answeredAt),
    endedAt: iso(call.endedAt),
  };
}
