/** STOMP frames as the gateway sees them. */

export type StompVersion = '1.0' | '1.1' | '1.2';

export interface StompFrame {
  command: string;
  /** Header names to values; when a header repeats, the first one counts (STOMP 1.2). */
  headers: ReadonlyMap<string, string>;
  body: Buffer;
}

export type StompErrorCode =
  | 'MALFORMED_FRAME'
  | 'FRAME_TOO_LARGE'
  | 'BAD_HEADER_ESCAPE'
  | 'BAD_CONTENT_LENGTH'
  | 'BAD_UTF8'
  | 'TOO_MANY_HEADERS';

/** Limits a client went over (flood control, slow consumers, capacity). */
export type StompLimitCode =
  | 'FLOOD'
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'TOO_MANY_SESSIONS'
  | 'TOO_MANY_SESSIONS_FROM_ADDRESS'
  | 'SLOW_CONSUMER'
  | 'CONNECT_TIMEOUT';

/** Why a session is closed with ERROR: the `code` of the gateway's 'protocol-error' event. */
export type StompCloseCode =
  | StompErrorCode
  | StompLimitCode
  | 'UNKNOWN_COMMAND'
  | 'PROTOCOL_VIOLATION'
  | 'FORBIDDEN_DESTINATION'
  | 'FIELD_TOO_LONG';

/** A client sent bytes that are not STOMP. The connection is answered with ERROR and closed. */
export class StompProtocolError extends Error {
  override readonly name = 'StompProtocolError';
  constructor(
    readonly code: StompCloseCode,
    message: string,
  ) {
    super(message);
  }
}
