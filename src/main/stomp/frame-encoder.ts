import type { StompVersion } from './frame.js';
import type { MessageBody } from '../core/client-session.js';

/** Frames → text. The gateway's transports (SockJS, WebSocket) carry STOMP as text messages. */

/** Characters a header value may need escaped (module constants: a literal is a new object per call). */
const LINE_BREAKS = /[\r\n]/g;
const ESCAPED = /[\\\r\n:]/;

/** STOMP 1.1 escapes LF, colon and backslash; 1.2 also CR; 1.0 nothing. */
export function escapeHeader(value: string, version: StompVersion): string {
  if (version === '1.0') return value.replace(LINE_BREAKS, ' ');
  if (!ESCAPED.test(value)) return value;
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
 * The start of every MESSAGE frame a subscription gets, up to the message id: the same for
 * each message, so a session keeps it per subscription (`messageHead`).
 */
export function messageHead(
  destination: string,
  subscription: string,
  version: StompVersion,
): string {
  return (
    'MESSAGE\ndestination:' +
    escapeHeader(destination, version) +
    '\nsubscription:' +
    escapeHeader(subscription, version) +
    '\nmessage-id:'
  );
}

/** A MESSAGE frame: its subscription's `messageHead`, the message id and a body prepared once for all. */
export function completeMessage(head: string, messageId: string, body: MessageBody): string {
  return (
    head +
    messageId +
    '\ncontent-type:application/json\ncontent-length:' +
    body.bytes +
    '\n\n' +
    body.json +
    '\0'
  );
}
