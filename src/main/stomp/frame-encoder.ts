import type { StompVersion } from './frame.js';

/** Frames → text. The gateway's transports (SockJS, WebSocket) carry STOMP as text messages. */

/** STOMP 1.1 escapes LF, colon and backslash; 1.2 also CR; 1.0 nothing. */
export function escapeHeader(value: string, version: StompVersion): string {
  if (version === '1.0') return value.replace(/[\r\n]/g, ' ');
  if (!/[\\\r\n:]/.test(value)) return value;
  let out = '';
  for (const ch of value) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === ':') out += '\\c';
    else if (ch === '\r') out += version === '1.2' ? '\\r' : ' ';
    else out += ch;
  }
  return out;
}

export type HeaderList = ReadonlyArray<readonly [string, string]>;

/**
 * Encodes a frame. `content-length` is added for any non-empty body (in UTF-8 bytes).
 * CONNECTED is never escaped (STOMP 1.2 §Value Encoding).
 */
export function encodeFrame(
  command: string,
  headers: HeaderList,
  body: string,
  version: StompVersion,
): string {
  const escape = command === 'CONNECTED' ? '1.0' : version;
  let out = command + '\n';
  for (const [name, value] of headers) {
    out += escapeHeader(name, escape) + ':' + escapeHeader(value, escape) + '\n';
  }
  if (body.length > 0) out += 'content-length:' + Buffer.byteLength(body, 'utf8') + '\n';
  return out + '\n' + body + '\0';
}

/**
 * A MESSAGE body prepared once for many subscribers: the fan-out of one screen-pop to every
 * tab of a user serialises the JSON and counts its bytes once, not once per subscription.
 */
export interface PreparedBody {
  readonly text: string;
  /** `content-type` and `content-length` header lines and the blank line, ready to append. */
  readonly tail: string;
}

/**
 * The last body prepared. A screen-pop hands the same body string to every session bound to the
 * phone, and each session prepares it: this makes the second and later ones a pointer compare
 * instead of a UTF-8 byte count and two concatenations.
 */
let last: { body: string; contentType: string; prepared: PreparedBody } | null = null;

export function prepareBody(body: string, contentType = 'application/json'): PreparedBody {
  if (last !== null && last.body === body && last.contentType === contentType) return last.prepared;
  const tail =
    'content-type:' + contentType + '\ncontent-length:' + Buffer.byteLength(body, 'utf8') + '\n\n';
  const prepared: PreparedBody = { text: body, tail };
  last = { body, contentType, prepared };
  return prepared;
}

/** A MESSAGE frame for one subscription, reusing a prepared body. */
export function encodeMessage(
  destination: string,
  subscription: string,
  messageId: string,
  body: PreparedBody,
  version: StompVersion,
): string {
  return (
    'MESSAGE\ndestination:' +
    escapeHeader(destination, version) +
    '\nsubscription:' +
    escapeHeader(subscription, version) +
    '\nmessage-id:' +
    messageId +
    '\n' +
    body.tail +
    body.text +
    '\0'
  );
}
