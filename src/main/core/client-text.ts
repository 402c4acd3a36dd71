/**
 * Text that came from a client (a header, a destination, a path) on its way into a close
 * reason, an ERROR header, a log line or a metric label: control characters (CR, LF, NUL, …)
 * become `?`, and it is cut to a number of UTF-8 bytes on a character boundary, with `…` when
 * something was cut. Pure.
 */

/** The WebSocket protocol's limit for a close reason (RFC 6455 §5.5: 125 bytes less the code). */
export const CLOSE_REASON_BYTES = 123;
/** What an ERROR frame's `message` header or a log line quotes of a client's text at most. */
export const QUOTE_BYTES = 200;

// Control characters are exactly what this must find.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ELLIPSIS = '…';
const ELLIPSIS_BYTES = 3;

/** `text` without control characters, at most `maxBytes` UTF-8 bytes (cut on a character). */
export function cleanText(text: string, maxBytes = QUOTE_BYTES): string {
  const clean = text.replace(CONTROL, '?').replace(LONE_SURROGATE, '\uFFFD');
  if (Buffer.byteLength(clean) <= maxBytes) return clean;
  const room = Math.max(0, maxBytes - ELLIPSIS_BYTES);
  let bytes = 0;
  let end = 0;
  for (const char of clean) {
    const size = Buffer.byteLength(char);
    if (bytes + size > room) break;
    bytes += size;
    end += char.length;
  }
  return maxBytes >= ELLIPSIS_BYTES ? `${clean.slice(0, end)}${ELLIPSIS}` : clean.slice(0, end);
}

/** A client's text fit for a WebSocket close reason (≤ 123 UTF-8 bytes). */
export function closeReason(text: string): string {
  return cleanText(text, CLOSE_REASON_BYTES);
}

/** A client's text quoted in a message: cleaned, bounded and in double quotes. */
export function quote(text: string, maxBytes = 64): string {
  return JSON.stringify(cleanText(text, maxBytes));
}
