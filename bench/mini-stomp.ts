/**
 * The least STOMP a benchmark client needs, kept cheap so that 1,000 sessions in one process
 * cost the clients little: frames are split on NUL (the bodies here never hold one) and read
 * lazily, one header at a time. Not a general client: no header unescaping, no content-length.
 */

export function encodeClientFrame(
  command: string,
  headers: Readonly<Record<string, string>>,
  body = '',
): string {
  let out = command + '\n';
  for (const [name, value] of Object.entries(headers)) out += name + ':' + value + '\n';
  return out + '\n' + body + '\0';
}

/** Splits a text stream into frames; EOLs between frames (heart-beats) are dropped. */
export class FrameSplitter {
  #pending = '';

  push(text: string): string[] {
    const data = this.#pending + text;
    const frames: string[] = [];
    let at = 0;
    for (;;) {
      while (at < data.length && (data[at] === '\n' || data[at] === '\r')) at++;
      const end = data.indexOf('\0', at);
      if (end < 0) break;
      frames.push(data.slice(at, end));
      at = end + 1;
    }
    this.#pending = data.slice(at);
    return frames;
  }
}

export function commandOf(frame: string): string {
  const lf = frame.indexOf('\n');
  return lf < 0 ? frame : frame.slice(0, lf).replace(/\r$/, '');
}

/** The first value of header `name`, or undefined. */
export function headerOf(frame: string, name: string): string | undefined {
  const headEnd = frame.indexOf('\n\n');
  const head = headEnd < 0 ? frame : frame.slice(0, headEnd);
  const key = '\n' + name + ':';
  const start = head.indexOf(key);
  if (start < 0) return undefined;
  const from = start + key.length;
  const lf = head.indexOf('\n', from);
  return head.slice(from, lf < 0 ? head.length : lf).replace(/\r$/, '');
}

export function bodyOf(frame: string): string {
  const headEnd = frame.indexOf('\n\n');
  return headEnd < 0 ? '' : frame.slice(headEnd + 2);
}

/** The value of the JSON string field `"callId"` in a screen-pop body, without parsing it all. */
export function callIdOf(body: string): string | undefined {
  const key = '"callId":"';
  const start = body.indexOf(key);
  if (start < 0) return undefined;
  const end = body.indexOf('"', start + key.length);
  return end < 0 ? undefined : body.slice(start + key.length, end);
}
