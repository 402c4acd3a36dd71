/**
 * The call lifecycle's vocabulary, shared by the core (line codec, call tracker, page events)
 * and the dashboard. docs/protocol.md describes what each value means.
 */

/** `in`: TapiServer rang an extension (INCOMING); `out`: a page dialled (`OK CALL … <callId>`). */
export type CallDirection = 'in' | 'out';

/** What pages and the dashboard see of a call's state. */
export const CALL_STATES = ['ringing', 'dialing', 'answered', 'held', 'ended'] as const;
export type CallState = (typeof CALL_STATES)[number];

/** The causes TapiServer may give with `CALLSTATE <ext> <callId> DISCONNECTED <cause>`. */
export const DISCONNECT_CAUSES = [
  'NORMAL',
  'NOANSWER',
  'BUSY',
  'CANCELLED',
  'REJECT',
  'FORWARDED',
  'PICKUP',
  'UNREACHABLE',
  'CONGESTION',
  'UNKNOWN',
] as const;
export type DisconnectCause = (typeof DISCONNECT_CAUSES)[number];

/**
 * Why a call ended: TapiServer's cause, or the agent's own — `LINK_LOST` (the TapiServer link
 * dropped) or `TIMEOUT` (no line about the call for `tapi.callTimeoutMs`).
 */
/** Identifies a call in the log and on the dashboard: extension and call id. */
export function callKey(call: {
  extension: string;
  callId: string | null;
  /** Tells apart calls of old logs, which have no id. */
  at: number;
}): string {
  return `${call.extension} ${call.callId ?? `@${call.at}`}`;
}

export const END_CAUSES = [...DISCONNECT_CAUSES, 'LINK_LOST', 'TIMEOUT'] as const;
export type EndCause = (typeof END_CAUSES)[number];
