import type sockjs from 'sockjs';
import type { Corkable } from './write-batch.js';

/**
 * The things the gateway needs that sockjs 0.3.24 does not expose: how much output a
 * connection has queued, and its socket (to cut off a client that stopped reading, and to
 * hold its writes until the end of a turn, `write-batch.ts`). All are
 * read from the session object of `lib/transport.js` (`conn._session`): `send_buffer` holds
 * messages waiting for the next poll or stream, and `recv` is the receiver of the moment —
 * `recv.connection` the socket of a WebSocket, `recv.response` the open HTTP response of a
 * streaming or polling transport. sockjs 0.3.24 is the last release (2021), so this shape is
 * frozen; anything unexpected reads as "nothing queued, no socket", never as an exception.
 * `test/integration/slow-consumers.test.ts` checks it against the real library.
 */

interface WritableLike {
  readonly writableLength?: unknown;
  readonly writableCorked?: unknown;
  destroy?: unknown;
  cork?: unknown;
  uncork?: unknown;
}

interface ResponseLike extends WritableLike {
  readonly socket?: WritableLike | null;
}

interface SessionInternals {
  send_buffer?: unknown;
  recv?: { connection?: WritableLike | null; response?: ResponseLike | null } | null;
}

function sessionOf(conn: sockjs.Connection): SessionInternals | null {
  const session: unknown = (conn as unknown as { _session?: unknown })._session;
  return typeof session === 'object' && session !== null ? (session as SessionInternals) : null;
}

function lengthOf(stream: WritableLike | null | undefined): number {
  const length = stream?.writableLength;
  return typeof length === 'number' && Number.isFinite(length) ? length : 0;
}

/** Characters queued in SockJS plus bytes its current socket has not taken yet. */
export function sockjsPendingBytes(conn: sockjs.Connection): number {
  const session = sessionOf(conn);
  if (!session) return 0;
  let total = 0;
  if (Array.isArray(session.send_buffer)) {
    for (const message of session.send_buffer as unknown[]) {
      if (typeof message === 'string') total += message.length;
    }
  }
  const recv = session.recv;
  if (recv) total += recv.response ? lengthOf(recv.response) : lengthOf(recv.connection);
  return total;
}

/**
 * What a SockJS connection writes to right now, if its writes may be held until the end of
 * the turn: the open response of a streaming or polling transport (ended, never destroyed, by
 * sockjs). Null between polls, and for SockJS's WebSocket transport: its library (faye)
 * destroys the socket the moment a close handshake completes, which would drop frames held
 * for the turn — an ERROR frame followed by the client's own close in the same read was lost
 * that way (found by the socket fuzz) — so those frames are written at once.
 */
export function sockjsWritable(conn: sockjs.Connection): Corkable | null {
  const target = sessionOf(conn)?.recv?.response;
  if (
    target &&
    typeof target.writableCorked === 'number' &&
    typeof target.cork === 'function' &&
    typeof target.uncork === 'function'
  ) {
    return target as Corkable;
  }
  return null;
}

/**
 * Closes a SockJS connection with a numeric code. sockjs writes the code into its close frame
 * as given (`c[4002,"…"]`), and pages read `event.code` as a number; `@types/sockjs` types it
 * as a string, which would put `"4002"` on the wire.
 */
export function closeSockjs(conn: sockjs.Connection, code: number, reason: string): void {
  (conn.close as unknown as (code: number, reason: string) => boolean).call(conn, code, reason);
}

/**
 * Cuts a SockJS connection off: closes the session (so SockJS forgets it) and destroys the
 * socket it had at that moment, dropping whatever output was still queued for it.
 */
export function abortSockjs(conn: sockjs.Connection, code: number, reason: string): void {
  const recv = sessionOf(conn)?.recv;
  const socket = recv?.response ? recv.response.socket : recv?.connection;
  closeSockjs(conn, code, reason);
  if (socket && typeof socket.destroy === 'function') {
    (socket.destroy as (this: WritableLike) => void).call(socket);
  }
}
