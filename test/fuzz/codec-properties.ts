import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameDecoder } from '../../src/main/stomp/frame-codec.js';
import { StompProtocolError } from '../../src/main/stomp/frame.js';
import {
  LineSplitter,
  MAX_LINE_BYTES,
  UnsafeLineError,
  encodeCommand,
  parseLine,
} from '../../src/main/tapi/line-codec.js';
import {
  TAPI_CALL_STATES,
  type TapiCommand,
  type TapiMessage,
} from '../../src/main/core/tapi-port.js';
import {
  connectFrame,
  encodeSpec,
  frameSpec,
  mutate,
  mutation,
  splitAt,
} from './stomp-arbitraries.js';

/**
 * Properties of the two codecs, fed generated-then-mutated input cut at random byte
 * boundaries (invalid UTF-8 and NUL bytes included). Used by `test/unit/codec-fuzz.test.ts`
 * with a few thousand cases and by `npm run fuzz` with FUZZ_RUNS.
 */

// ---- STOMP frame decoder ----

type Outcome = { frames: string[]; error: string | null };

/** Decodes chunk by chunk, resuming after CONNECT as the session does (version 1.2). */
function decode(chunks: readonly Buffer[]): Outcome {
  const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
  const frames: string[] = [];
  const take = (items: ReturnType<FrameDecoder['push']>): void => {
    for (const item of items) {
      if (item.type === 'frame') {
        const { command, headers, body } = item.frame;
        frames.push(JSON.stringify([command, [...headers], body.toString('base64')]));
        if (command === 'CONNECT' || command === 'STOMP') decoder.setVersion('1.2');
      } else frames.push('heart-beat');
    }
  };
  try {
    for (const chunk of chunks) {
      take(decoder.push(chunk));
      while (decoder.holding && !decoder.failure) take(decoder.resume());
      if (decoder.failure) throw decoder.failure;
    }
    return { frames, error: null };
  } catch (error) {
    if (!(error instanceof StompProtocolError)) throw error;
    return { frames, error: error.code };
  }
}

/**
 * Whatever the bytes, the decoder only ever fails with a StompProtocolError, and how the bytes
 * were cut into chunks changes nothing: same frames, same error.
 */
export const decoderProperty = fc.property(
  fc.array(fc.oneof(connectFrame, frameSpec(['c0'])), { minLength: 1, maxLength: 6 }),
  fc.array(mutation, { maxLength: 4 }),
  fc.array(fc.nat(), { maxLength: 12 }),
  (specs, mutations, cuts) => {
    const bytes = mutate(Buffer.concat(specs.map(encodeSpec)), mutations);
    const whole = decode([bytes]);
    const pieces = decode(splitAt(bytes, cuts));
    assert.deepEqual(pieces, whole);
    if (bytes.length <= 600) {
      assert.deepEqual(decode([...bytes].map((b) => Buffer.from([b]))), whole);
    }
  },
);

// ---- TapiServer line codec ----

const token = fc.stringMatching(/^[0-9A-Za-z+*#._-]{1,12}$/);
const ext = fc.stringMatching(/^[0-9A-Za-z*#+._-]{1,32}$/);

/** A line TapiServer may send, with the message it must parse to. */
const serverLine: fc.Arbitrary<[string, TapiMessage]> = fc.oneof(
  fc
    .tuple(ext, token, fc.option(token, { nil: undefined }), fc.constantFrom('', 'Jan Kowalski'))
    .map(([e, caller, callId, name]): [string, TapiMessage] => [
      [
        'INCOMING',
        e,
        caller,
        ...(callId === undefined ? [] : [callId, ...(name ? [name] : [])]),
      ].join(' '),
      {
        kind: 'incoming',
        ext: e,
        caller,
        callId: callId ?? null,
        name: callId !== undefined && name ? name : null,
      },
    ]),
  fc
    .tuple(ext, token, fc.constantFrom(...TAPI_CALL_STATES), fc.option(token, { nil: null }))
    .map(([e, id, state, detail]): [string, TapiMessage] => [
      `CALLSTATE ${e} ${id} ${state}${detail === null ? '' : ` ${detail}`}`,
      { kind: 'callstate', ext: e, callId: id, state, detail },
    ]),
  fc
    .tuple(fc.constantFrom('OK', 'ERROR'), fc.constantFrom('LISTEN', 'CALL'), token)
    .map(([verb, acked, arg]): [string, TapiMessage] => [
      `${verb} ${acked} ${arg}`,
      { kind: verb === 'OK' ? 'ok' : 'error', verb: acked, args: [arg] },
    ]),
  fc.constant<[string, TapiMessage]>(['PONG', { kind: 'pong' }]),
);

/**
 * Unmutated lines parse to exactly what was sent, however the stream is cut; mutated ones
 * never throw, never yield a line over the limit or with an LF in it.
 */
export const lineCodecProperty = fc.property(
  fc.array(fc.tuple(serverLine, fc.boolean()), { minLength: 1, maxLength: 8 }),
  fc.array(mutation, { maxLength: 4 }),
  fc.array(fc.nat(), { maxLength: 10 }),
  (lines, mutations, cuts) => {
    const text = lines.map(([[line], crlf]) => line + (crlf ? '\r\n' : '\n')).join('');
    const bytes = mutate(Buffer.from(text, 'utf8'), mutations);
    const splitter = new LineSplitter();
    const parsed: TapiMessage[] = [];
    for (const chunk of splitAt(bytes, cuts)) {
      for (const piece of splitter.push(chunk)) {
        if (piece.type === 'overlong') {
          assert.ok(piece.bytes > MAX_LINE_BYTES);
          continue;
        }
        assert.ok(piece.bytes.length <= MAX_LINE_BYTES);
        assert.ok(!piece.bytes.includes(0x0a));
        const result = parseLine(piece.bytes);
        if (result.ok) parsed.push(result.message);
      }
    }
    if (mutations.length === 0) {
      assert.deepEqual(
        parsed,
        lines.map(([[, message]]) => message),
      );
    }
  },
);

const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^[0-9A-Za-z*#+._ \r\n\t-]{0,40}$/),
);

/** Whatever strings reach the encoder, a line is one verb and allowed tokens, or nothing. */
export const encoderProperty = fc.property(
  fc.constantFrom<TapiCommand['verb']>('LISTEN', 'UNLISTEN', 'CALL', 'PING'),
  anyText,
  anyText,
  (verb, e, number) => {
    const command: TapiCommand =
      verb === 'CALL' ? { verb, ext: e, number } : verb === 'PING' ? { verb } : { verb, ext: e };
    let line: string;
    try {
      line = encodeCommand(command);
    } catch (error) {
      assert.ok(error instanceof UnsafeLineError);
      return;
    }
    assert.match(
      line,
      /^(?:(?:LISTEN|UNLISTEN) [0-9A-Za-z*#+._-]{1,32}|CALL [0-9A-Za-z*#+._-]{1,32} \+?[0-9*#]{1,32}|PING)\n$/,
    );
  },
);
