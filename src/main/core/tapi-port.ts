import type { LinkView } from '../../shared/bridge.js';

/**
 * What the core needs of TapiServer (docs/protocol.md §3), in the core's words: the messages it
 * hears, the commands it sends, the link they travel on. The core owns these types; the line
 * codec (src/main/tapi/line-codec.ts) turns them into lines and back, the link
 * (src/main/tapi/tapi-link.ts) carries them.
 */

/** `CALLSTATE` states: TAPI's names for inbound calls, plus the outbound DIALING and RINGBACK. */
export const TAPI_CALL_STATES = [
  'RINGING',
  'DIALING',
  'RINGBACK',
  'CONNECTED',
  'ONHOLD',
  'DISCONNECTED',
  'IDLE',
] as const;
export type TapiCallState = (typeof TAPI_CALL_STATES)[number];

/** TapiServer → agent. */
export type TapiMessage =
  | { kind: 'incoming'; ext: string; caller: string; callId: string | null; name: string | null }
  | {
      kind: 'callstate';
      ext: string;
      callId: string;
      state: TapiCallState;
      /** CONNECTED: the answering extension; DISCONNECTED: the cause; else whatever followed. */
      detail: string | null;
    }
  | { kind: 'ok'; verb: string; args: string[] }
  | { kind: 'error'; verb: string; args: string[] }
  | { kind: 'pong' };

/** `OK CALL <ext> <number> <callId>`: TapiServer names the call a `CALL` placed (§3.5). */
export interface DialledCall {
  kind: 'ok';
  verb: 'CALL';
  args: [ext: string, number: string, callId: string];
}

/**
 * A TapiServer line about a call (its pop, its states, the outbound call a `CALL` placed), as the
 * link parsed it: what a cluster relays to the agents whose pages listen on its extension.
 */
export type TapiCallEvent = Extract<TapiMessage, { kind: 'incoming' | 'callstate' }> | DialledCall;

/** Whether a TapiServer line is about a call (a plain `OK CALL` of version 1 is not). */
export function isCallEvent(message: TapiMessage): message is TapiCallEvent {
  if (message.kind === 'incoming' || message.kind === 'callstate') return true;
  return message.kind === 'ok' && message.verb === 'CALL' && message.args.length === 3;
}

/** The extension a call event is about. */
export function callEventExtension(event: TapiCallEvent): string {
  return event.kind === 'ok' ? event.args[0] : event.ext;
}

/** Agent → TapiServer. */
export type TapiCommand =
  | { verb: 'LISTEN'; ext: string }
  | { verb: 'UNLISTEN'; ext: string }
  | { verb: 'CALL'; ext: string; number: string }
  | { verb: 'PING' };

/** The command sink: what the router needs of the TapiServer link. */
export interface LinkPort {
  readonly isConnected: boolean;
  /** Returns false when the link is down; nothing is queued. */
  send(command: TapiCommand): boolean;
}

/** The event source: what the link tells its owner. */
export interface LinkEvents {
  /** The link's state changed (status, error, attempt count). */
  state: [LinkView];
  /** Connected (again): the owner re-sends LISTEN for every bound phone. */
  connected: [];
  message: [TapiMessage];
}
