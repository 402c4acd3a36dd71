import { z } from 'zod';
import { EXTENSION_PATTERN, NUMBER_PATTERN } from '../core/number-rules.js';
import type { RemoteCommand } from '../core/cluster-port.js';
import { TAPI_CALL_STATES, type TapiCallEvent } from '../core/tapi-port.js';

/**
 * What agents send each other over the exchange (docs/cluster.md §3), validated on arrival like
 * any outside input: a bad message is logged and dropped, nothing else is affected.
 */

const ext = z.string().regex(EXTENSION_PATTERN);
const agentId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const token = z.string().regex(/^[\x21-\x7e\u00a0-\uffff]{1,64}$/);

export const heartbeatSchema = z.object({
  type: z.literal('heartbeat'),
  from: agentId,
  /** The patterns this agent's TapiServer serves. */
  extensions: z.array(z.string().min(1).max(32)).max(1000),
  link: z.enum(['connected', 'down']),
  intervalMs: z.number().int().min(1),
  /** Remote extensions this agent's pages listen on (every agent keeps its own subset). */
  listens: z.array(ext).max(100000),
  /** Sent once by an agent that stops cleanly. */
  leaving: z.boolean().optional(),
});

const commandSchema: z.ZodType<RemoteCommand> = z.discriminatedUnion('verb', [
  z.object({ verb: z.literal('LISTEN'), ext }),
  z.object({ verb: z.literal('UNLISTEN'), ext }),
  z.object({ verb: z.literal('CALL'), ext, number: z.string().regex(NUMBER_PATTERN) }),
]);

const callEventSchema: z.ZodType<TapiCallEvent> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('incoming'),
    ext,
    caller: token,
    callId: token.nullable(),
    name: z.string().max(200).nullable(),
  }),
  z.object({
    kind: z.literal('callstate'),
    ext,
    callId: token,
    state: z.enum(TAPI_CALL_STATES),
    detail: z.string().max(200).nullable(),
  }),
  z.object({ kind: z.literal('ok'), verb: z.literal('CALL'), args: z.tuple([ext, token, token]) }),
]);

export const clusterMessageSchema = z.discriminatedUnion('type', [
  heartbeatSchema,
  z.object({ type: z.literal('command'), from: agentId, command: commandSchema }),
  z.object({ type: z.literal('event'), from: agentId, event: callEventSchema }),
  /** The serving agent could not pass a command on (its TapiServer link is down). */
  z.object({ type: z.literal('refused'), from: agentId, ext, reason: z.string().max(500) }),
]);

export type Heartbeat = z.infer<typeof heartbeatSchema>;
export type ClusterMessage = z.infer<typeof clusterMessageSchema>;

export type Decoded = { ok: true; message: ClusterMessage } | { ok: false; problem: string };

export function decodeClusterMessage(body: unknown): Decoded {
  let raw: unknown = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      raw = JSON.parse(body.toString());
    } catch {
      return { ok: false, problem: 'the body is not JSON' };
    }
  }
  const parsed = clusterMessageSchema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, problem: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
}

// ---- routing keys (docs/cluster.md §3) ----

/** Every agent's heartbeats. */
export const HEARTBEAT_KEY = 'heartbeat';

/** Messages for one agent: commands for its extensions, refusals of its commands. */
export function agentKey(agentId: string): string {
  return `agent.${agentId}`;
}

/**
 * Call events of one extension. `.`, `*`, `#` and `%` (legal in an extension, special in a
 * routing key) are written `%2E`, `%2A`, `%23`, `%25`, so one extension is always one word.
 */
export function eventKey(extension: string): string {
  return `event.${extension.replace(/[.*#%]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
