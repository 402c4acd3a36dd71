/**
 * The public API of the browser SDK, the only types a page sees. Self-contained on purpose:
 * the served `tapi-messenger.d.ts` is this file's declarations (tools/build-sdk.ts).
 */

/** How many open tabs of one origin raise a call: every tab, or one elected among them. */
export type PopInPolicy = 'every-tab' | 'one-tab';

export interface ConnectOptions {
  /**
   * The agent's SockJS endpoint, e.g. `https://agent.example.com:8081/tapi-messenger`.
   * Default: the agent that served the script.
   */
  url?: string;
  /** The page's APEX session id (`$v('pInstance')` in APEX). */
  apexSession: string;
  /** Turn clicks on `tel:`/`callto:` links and `[data-tapi-dial]` elements into dials. */
  clickToDial?: boolean;
  /** Default `'every-tab'`. */
  popIn?: PopInPolicy;
  /**
   * Ask before a click dials: `true` asks with `window.confirm`, a function decides itself
   * (return or resolve `true` to dial).
   */
  confirmDial?: boolean | ((number: string) => boolean | Promise<boolean>);
}

export type ConnectionState = 'connecting' | 'listening' | 'reconnecting' | 'closed';

export interface Status {
  state: ConnectionState;
  /** The extension this page listens on (while `listening`). */
  phone: string | null;
  /** The user the APEX session belongs to (while `listening`). */
  user: string | null;
  /**
   * Why the client is `reconnecting` or `closed`: a code such as `SESSION_NOT_FOUND`,
   * `NO_PHONE`, `DIRECTORY_UNAVAILABLE`, `CLOSED_BY_PAGE`, or the reason the connection ended.
   */
  reason: string | null;
}

export type CallDirection = 'in' | 'out';
export type CallState = 'ringing' | 'dialing' | 'answered' | 'held' | 'ended';

/** One step of a call on this page's extension. */
export interface CallEvent {
  callId: string;
  extension: string;
  direction: CallDirection;
  state: CallState;
  /** The calling number. */
  from: string | null;
  /** The called number. */
  to: string | null;
  /** The caller's name from the directory, or null. */
  name: string | null;
  answeredBy: string | null;
  cause: string | null;
  missed: boolean;
  startedAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  /** Whether this tab should raise the call (always true with `popIn: 'every-tab'`). */
  shown: boolean;
}

/**
 * Error codes: the agent's (`BAD_NUMBER`, `NOT_LISTENING`, `LINK_DOWN`, `BAD_REQUEST`,
 * listen refusals such as `SESSION_NOT_FOUND`, STOMP errors such as `FLOOD`) and the SDK's own
 * (`CONNECTION_LOST`: the connection ended before the agent answered a dial; `CLOSED`).
 */
export type ErrorCode =
  | 'BAD_NUMBER'
  | 'NOT_LISTENING'
  | 'LINK_DOWN'
  | 'BAD_REQUEST'
  | 'SESSION_NOT_FOUND'
  | 'NO_PHONE'
  | 'DIRECTORY_UNAVAILABLE'
  | 'CONNECTION_LOST'
  | 'CLOSED'
  | (string & {});

export interface TapiMessengerError extends Error {
  code: ErrorCode;
}

export interface ClientEvents {
  call: CallEvent;
  status: Status;
  error: TapiMessengerError;
}

export interface TapiMessengerClient {
  readonly status: Status;
  /** Whether this tab raises calls now (`shown` of the next call event). */
  readonly raisesPops: boolean;
  /** Adds a listener; returns the client, so that calls chain. */
  on<K extends keyof ClientEvents>(
    event: K,
    listener: (value: ClientEvents[K]) => void,
  ): TapiMessengerClient;
  off<K extends keyof ClientEvents>(
    event: K,
    listener: (value: ClientEvents[K]) => void,
  ): TapiMessengerClient;
  /**
   * Asks the agent to dial `number` from this page's extension. Resolves when the agent
   * accepted the request; rejects with a `TapiMessengerError`.
   */
  dial(number: string): Promise<void>;
  /** Disconnects for good, removes the click-to-dial listener, reports `closed`. */
  close(): void;
}

export type Connect = (options: ConnectOptions) => TapiMessengerClient;
