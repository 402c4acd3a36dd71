import { z } from 'zod';
import { EXTENSION_PATTERN, NUMBER_PATTERN } from '../core/number-rules.js';
import { TAPI_CALL_STATES, type TapiCommand, type TapiMessage } from '../core/tapi-port.js';

/**
 * The TapiServer line protocol (docs/protocol.md §3, with its call lifecycle), both ways.
 * Pure: bytes in, messages out; commands in, lines out. Nothing leaves as a line unless every token matches its pattern.
 */

export const MAX_LINE_BYTES = 1024;

const LF = 0x0a;
const CR = 0x0d;

export type SplitResult = { type: 'line'; bytes: Buffer } | { type: 'overlong'; bytes: number };

/**
 * Cuts a byte stream into lines. A line longer than `maxBytes` is discarded up to the next LF
 * and reported once as `overlong`; what follows it is read normally.
 */
export class LineSplitter {
  #parts: Buffer[] = [];
  #length = 0;
  #discarding = false;
  #discarded = 0;

  constructor(private readonly maxBytes = MAX_LINE_BYTES) {}

  push(chunk: Buffer): SplitResult[] {
    const out: SplitResult[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const lf = chunk.indexOf(LF, pos);
      const stop = lf === -1 ? chunk.length : lf;
      if (this.#discarding) {
        this.#discarded += stop - pos;
      } else if (this.#length + (stop - pos) > this.maxBytes + 1) {
        // +1 leaves room for the CR of a CR LF ending.
        this.#discarding = true;
        this.#discarded = this.#length + (stop - pos);
        this.#parts = [];
        this.#length = 0;
      } else if (stop > pos) {
        this.#parts.push(chunk.subarray(pos, stop));
        this.#length += stop - pos;
      }
      if (lf === -1) break;
      pos = lf + 1;
      if (this.#discarding) {
        out.push({ type: 'overlong', bytes: this.#discarded });
        this.#discarding = false;
        this.#discarded = 0;
        continue;
      }
      let line =
        this.#parts.length === 1
          ? (this.#parts[0] as Buffer)
          : Buffer.concat(this.#parts, this.#length);
      this.#parts = [];
      this.#length = 0;
      if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
      if (line.length > this.maxBytes) out.push({ type: 'overlong', bytes: line.length });
      else out.push({ type: 'line', bytes: line });
    }
    return out;
  }
}

// ---- TapiServer → agent ----

export type ParsedLine = { ok: true; message: TapiMessage } | { ok: false; problem: string };

const token = z.string().regex(/^[\x21-\x7e\u00a0-\uffff]{1,64}$/, 'must be one printable token');
const ext = z.string().regex(EXTENSION_PATTERN, 'is not an extension');
/** Printable text for a display name; control characters are not. */
const name = z
  .string()
  .max(200)
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  .regex(/^[^\x00-\x1f\x7f]*$/, 'has control characters');

const incomingSchema = z.tuple([ext, token, token.optional()]).rest(z.string());
const callstateSchema = z
  .tuple([
    ext,
    token,
    z.enum(TAPI_CALL_STATES, { error: (i) => `is not a call state (${String(i.input)})` }),
  ])
  .rest(z.string());

const utf8 = new TextDecoder('utf-8', { fatal: true });

function problemOf(error: z.ZodError): string {
  return error.issues
    .map(
      (i) =>
        `token ${i.path.map((p) => (typeof p === 'number' ? p + 2 : String(p))).join('.')} ${i.message}`,
    )
    .join('; ');
}

/** Parses one line (without its LF). Never throws: a bad line is a `problem` to log. */
export function parseLine(bytes: Buffer): ParsedLine {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, problem: 'line is not valid UTF-8' };
  }
  if (text.length === 0) return { ok: false, problem: 'empty line' };
  const [verb = '', ...args] = text.split(' ');
  switch (verb) {
    case 'INCOMING': {
      const fixed = args.slice(0, 3);
      const parsed = incomingSchema.safeParse(fixed);
      if (!parsed.success) return { ok: false, problem: `INCOMING: ${problemOf(parsed.error)}` };
      const rest = args.slice(3).join(' ').trim();
      const display = name.safeParse(rest);
      if (!display.success)
        return {
          ok: false,
          problem: `INCOMING: caller name ${display.error.issues[0]?.message ?? 'is invalid'}`,
        };
      const [e, caller, callId] = parsed.data;
      return {
        ok: true,
        message: {
          kind: 'incoming',
          ext: e,
          caller,
          callId: callId ?? null,
          name: rest === '' ? null : rest,
        },
      };
    }
    case 'CALLSTATE': {
      const parsed = callstateSchema.safeParse(args);
      if (!parsed.success) return { ok: false, problem: `CALLSTATE: ${problemOf(parsed.error)}` };
      const [e, callId, state, ...rest] = parsed.data;
      const detail = rest.join(' ').trim();
      const checked = name.safeParse(detail);
      if (!checked.success)
        return {
          ok: false,
          problem: `CALLSTATE: detail ${checked.error.issues[0]?.message ?? 'is invalid'}`,
        };
      return {
        ok: true,
        message: {
          kind: 'callstate',
          ext: e,
          callId,
          state,
          detail: detail === '' ? null : detail,
        },
      };
    }
    case 'OK':
    case 'ERROR': {
      const [acked, ...rest] = args;
      if (acked === undefined || acked === '')
        return { ok: false, problem: `${verb} without a verb` };
      return {
        ok: true,
        message: { kind: verb === 'OK' ? 'ok' : 'error', verb: acked, args: rest },
      };
    }
    case 'PONG':
      return { ok: true, message: { kind: 'pong' } };
    default:
      return { ok: false, problem: `unknown verb "${verb.slice(0, 32)}"` };
  }
}

// ---- agent → TapiServer ----

/** A command whose tokens would break the line protocol. A bug upstream if ever thrown. */
export class UnsafeLineError extends Error {
  override readonly name = 'UnsafeLineError';
}

/** Encodes a command as one line with its LF, or throws UnsafeLineError. */
export function encodeCommand(command: TapiCommand): string {
  const checkExt = (value: string): string => {
    if (!EXTENSION_PATTERN.test(value))
      throw new UnsafeLineError(`refusing to send extension ${JSON.stringify(value)}`);
    return value;
  };
  switch (command.verb) {
    case 'PING':
      return 'PING\n';
    case 'LISTEN':
    case 'UNLISTEN':
      return `${command.verb} ${checkExt(command.ext)}\n`;
    case 'CALL':
      if (!NUMBER_PATTERN.test(command.number)) {
        throw new UnsafeLineError(`refusing to dial ${JSON.stringify(command.number)}`);
      }
      return `CALL ${checkExt(command.ext)} ${command.number}\n`;
  }
}
