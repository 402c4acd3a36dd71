import { StompProtocolError, type StompFrame, type StompVersion } from './frame.js';

/**
 * A STOMP frame decoder fed by chunks of any size: a frame may be split over many chunks and a
 * chunk may hold many frames (stompjs 2.3.3 splits frames at 16 KiB). Limits are checked as
 * bytes arrive, before any work is done on them. Pure: no I/O, no timers.
 */

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const COLON = 0x3a;

/** `ignoreBOM`: a header that starts with U+FEFF keeps it (by default each decode drops one). */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface DecoderOptions {
  maxFrameBytes: number;
  maxHeaders?: number;
}

export type Decoded = { type: 'frame'; frame: StompFrame } | { type: 'heartbeat' };

type State = 'idle' | 'command' | 'headers' | 'body' | 'body-end';

/** Grows by doubling; avoids copying the whole frame on every small chunk. */
class ByteBuffer {
  #buf = Buffer.allocUnsafe(256);
  #len = 0;
  get length(): number {
    return this.#len;
  }
  append(src: Buffer, start: number, end: number): void {
    const n = end - start;
    if (n <= 0) return;
    if (this.#len + n > this.#buf.length) {
      let size = this.#buf.length * 2;
      while (size < this.#len + n) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.#buf.copy(next, 0, 0, this.#len);
      this.#buf = next;
    }
    src.copy(this.#buf, this.#len, start, end);
    this.#len += n;
  }
  /** A copy of the contents; the buffer is then empty. */
  take(): Buffer {
    const out = Buffer.from(this.#buf.subarray(0, this.#len));
    this.#len = 0;
    return out;
  }
}

function decodeText(bytes: Buffer, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new StompProtocolError('BAD_UTF8', `${what} is not valid UTF-8`);
  }
}

/** STOMP 1.1/1.2 header unescaping; an undefined escape is a protocol error. */
export function unescapeHeader(value: string, version: StompVersion): string {
  if (version === '1.0' || !value.includes('\\')) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = value[++i];
    if (next === 'n') out += '\n';
    else if (next === 'c') out += ':';
    else if (next === '\\') out += '\\';
    else if (next === 'r' && version === '1.2') out += '\r';
    else
      throw new StompProtocolError(
        'BAD_HEADER_ESCAPE',
        `undefined escape sequence "\\${next ?? ''}" in a header`,
      );
  }
  return out;
}

export class FrameDecoder {
  readonly #max: number;
  readonly #maxHeaders: number;
  #version: StompVersion = '1.0';
  #state: State = 'idle';
  #line = new ByteBuffer();
  #body = new ByteBuffer();
  #frameBytes = 0;
  #command = '';
  #headers = new Map<string, string>();
  #contentLength = -1;
  #failed: StompProtocolError | null = null;
  /** Bytes after a CONNECT frame, held until the session has negotiated the version. */
  #held: Buffer | null = null;

  constructor(options: DecoderOptions) {
    this.#max = options.maxFrameBytes;
    this.#maxHeaders = options.maxHeaders ?? 64;
  }

  /** Header escaping follows the negotiated version (1.0 has none). */
  setVersion(version: StompVersion): void {
    this.#version = version;
  }

  /**
   * Consumes a chunk and returns what it completed. Bad input is a StompProtocolError: thrown
   * at once when the chunk completed nothing before it, else the frames before it are
   * returned and the error is in `failure` (so how the bytes were cut never changes which
   * frames count). Either way the decoder then stays failed (the connection is to be closed).
   *
   * Decoding stops after a CONNECT/STOMP frame: the bytes after it depend on the version the
   * session negotiates, so they are held until `resume()` is called.
   */
  push(chunk: Buffer): Decoded[] {
    if (this.#failed) throw this.#failed;
    const input = this.#held ? Buffer.concat([this.#held, chunk]) : chunk;
    this.#held = null;
    const out: Decoded[] = [];
    try {
      this.#push(input, out);
      return out;
    } catch (error) {
      if (!(error instanceof StompProtocolError)) throw error;
      this.#failed = error;
      if (out.length === 0) throw error;
      return out;
    }
  }

  /** The error that ended decoding, if any (see `push`). */
  get failure(): StompProtocolError | null {
    return this.#failed;
  }

  /** Whether bytes are held after a CONNECT frame. */
  get holding(): boolean {
    return this.#held !== null;
  }

  /** Decodes the bytes held after a CONNECT frame. */
  resume(): Decoded[] {
    return this.push(Buffer.alloc(0));
  }

  #count(n: number): void {
    this.#frameBytes += n;
    if (this.#frameBytes > this.#max) {
      throw new StompProtocolError(
        'FRAME_TOO_LARGE',
        `frame exceeds the limit of ${this.#max} bytes`,
      );
    }
  }

  #push(chunk: Buffer, out: Decoded[]): void {
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      switch (this.#state) {
        case 'idle': {
          const byte = chunk[pos];
          if (byte === LF) {
            out.push({ type: 'heartbeat' });
            pos++;
          } else if (byte === CR) {
            pos++; // CR of a CR LF heart-beat
          } else {
            this.#state = 'command';
            this.#frameBytes = 0;
          }
          break;
        }
        case 'command':
        case 'headers': {
          const lf = chunk.indexOf(LF, pos);
          const stop = lf === -1 ? end : lf;
          this.#count(stop - pos + (lf === -1 ? 0 : 1));
          this.#line.append(chunk, pos, stop);
          pos = stop;
          if (lf === -1) break;
          pos++;
          let raw = this.#line.take();
          if (raw.length > 0 && raw[raw.length - 1] === CR) raw = raw.subarray(0, raw.length - 1);
          if (this.#state === 'command') this.#onCommand(raw);
          else if (raw.length === 0) this.#onHeadersEnd();
          else this.#onHeader(raw);
          break;
        }
        case 'body': {
          if (this.#contentLength >= 0) {
            const need = this.#contentLength - this.#body.length;
            const take = Math.min(need, end - pos);
            this.#count(take);
            this.#body.append(chunk, pos, pos + take);
            pos += take;
            if (this.#body.length === this.#contentLength) this.#state = 'body-end';
          } else {
            const nul = chunk.indexOf(NUL, pos);
            const stop = nul === -1 ? end : nul;
            this.#count(stop - pos);
            this.#body.append(chunk, pos, stop);
            pos = stop;
            if (nul !== -1) {
              pos++;
              if (this.#emit(out, chunk, pos)) return;
            }
          }
          break;
        }
        case 'body-end': {
          if (chunk[pos] !== NUL) {
            throw new StompProtocolError(
              'MALFORMED_FRAME',
              'frame body is longer than its content-length header says',
            );
          }
          pos++;
          if (this.#emit(out, chunk, pos)) return;
          break;
        }
      }
    }
  }

  /** Adds the finished frame; returns true (holding the rest) when it was a CONNECT. */
  #emit(out: Decoded[], chunk: Buffer, pos: number): boolean {
    const decoded = this.#finish();
    out.push(decoded);
    const command = decoded.type === 'frame' ? decoded.frame.command : '';
    if ((command === 'CONNECT' || command === 'STOMP') && pos < chunk.length) {
      this.#held = Buffer.from(chunk.subarray(pos));
      return true;
    }
    return false;
  }

  #onCommand(raw: Buffer): void {
    const command = decodeText(raw, 'frame command');
    if (!/^[A-Z]{1,16}$/.test(command)) {
      throw new StompProtocolError(
        'MALFORMED_FRAME',
        'a frame must start with a command such as SEND',
      );
    }
    this.#command = command;
    this.#headers = new Map();
    this.#contentLength = -1;
    this.#state = 'headers';
  }

  #onHeader(raw: Buffer): void {
    const colon = raw.indexOf(COLON);
    if (colon <= 0) {
      throw new StompProtocolError('MALFORMED_FRAME', 'a header line must be "name:value"');
    }
    if (this.#headers.size >= this.#maxHeaders) {
      throw new StompProtocolError(
        'TOO_MANY_HEADERS',
        `a frame may have at most ${this.#maxHeaders} headers`,
      );
    }
    // CONNECT and STOMP frames are never escaped (STOMP 1.2), so old clients can negotiate.
    const version =
      this.#command === 'CONNECT' || this.#command === 'STOMP' ? '1.0' : this.#version;
    const name = unescapeHeader(decodeText(raw.subarray(0, colon), 'header name'), version);
    const value = unescapeHeader(decodeText(raw.subarray(colon + 1), 'header value'), version);
    if (!this.#headers.has(name)) this.#headers.set(name, value);
  }

  #onHeadersEnd(): void {
    const declared = this.#headers.get('content-length');
    if (declared !== undefined) {
      if (!/^[0-9]{1,10}$/.test(declared)) {
        throw new StompProtocolError(
          'BAD_CONTENT_LENGTH',
          `content-length "${declared}" is not a number of bytes`,
        );
      }
      const length = Number(declared);
      if (this.#frameBytes + length + 1 > this.#max) {
        throw new StompProtocolError(
          'FRAME_TOO_LARGE',
          `frame exceeds the limit of ${this.#max} bytes`,
        );
      }
      this.#contentLength = length;
    }
    this.#state = this.#contentLength === 0 ? 'body-end' : 'body';
  }

  #finish(): Decoded {
    this.#state = 'idle';
    const frame: StompFrame = {
      command: this.#command,
      headers: this.#headers,
      body: this.#body.take(),
    };
    this.#headers = new Map();
    return { type: 'frame', frame };
  }
}
