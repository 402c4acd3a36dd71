import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  LineSplitter,
  encodeCommand,
  parseLine,
  UnsafeLineError,
} from '../../src/main/tapi/line-codec.js';

const lines = (splitter: LineSplitter, ...chunks: string[]): string[] =>
  chunks
    .flatMap((c) => splitter.push(Buffer.from(c)))
    .map((r) => (r.type === 'line' ? r.bytes.toString() : `<${r.bytes}>`));

test('splits lines across chunks; CR LF accepted', () => {
  assert.deepEqual(lines(new LineSplitter(), 'INCOMING 2', '01 555\r\nPO', 'NG\n'), [
    'INCOMING 201 555',
    'PONG',
  ]);
});

test('a line over 1024 bytes is discarded up to the next LF, the next line is read', () => {
  const splitter = new LineSplitter();
  assert.deepEqual(lines(splitter, 'x'.repeat(600), 'x'.repeat(600), 'y\nPONG\n'), [
    '<1201>',
    'PONG',
  ]);
  assert.deepEqual(lines(new LineSplitter(), 'a'.repeat(1024) + '\n'), ['a'.repeat(1024)]);
  assert.deepEqual(lines(new LineSplitter(), 'a'.repeat(1024) + '\r\n'), ['a'.repeat(1024)]);
});

test('parses every TapiServer verb of docs/protocol.md §3', () => {
  const parse = (text: string) => parseLine(Buffer.from(text));
  assert.deepEqual(parse('INCOMING 201 +48123'), {
    ok: true,
    message: { kind: 'incoming', ext: '201', caller: '+48123', callId: null, name: null },
  });
  assert.deepEqual(parse('INCOMING 201 UNKNOWN c-9 Jan  Maria Kowalska'), {
    ok: true,
    message: {
      kind: 'incoming',
      ext: '201',
      caller: 'UNKNOWN',
      callId: 'c-9',
      name: 'Jan  Maria Kowalska',
    },
  });
  assert.deepEqual(parse('CALLSTATE 201 c-9 CONNECTED'), {
    ok: true,
    message: { kind: 'callstate', ext: '201', callId: 'c-9', state: 'CONNECTED', detail: null },
  });
  assert.deepEqual(parse('CALLSTATE 201 c-9 DISCONNECTED NOANSWER'), {
    ok: true,
    message: {
      kind: 'callstate',
      ext: '201',
      callId: 'c-9',
      state: 'DISCONNECTED',
      detail: 'NOANSWER',
    },
  });
  assert.deepEqual(parse('OK LISTEN 201'), {
    ok: true,
    message: { kind: 'ok', verb: 'LISTEN', args: ['201'] },
  });
  assert.deepEqual(parse('ERROR CALL 201 12 line busy'), {
    ok: true,
    message: { kind: 'error', verb: 'CALL', args: ['201', '12', 'line', 'busy'] },
  });
  assert.deepEqual(parse('PONG'), { ok: true, message: { kind: 'pong' } });
});

test('malformed lines are problems, never exceptions', () => {
  for (const text of [
    '',
    'INCOMING',
    'INCOMING 2@1 5',
    'INCOMING 2\t01 5',
    'INCOMING 201 5 c \u0007bell',
    'CALLSTATE 201',
    'CALLSTATE 201 c-9 ALERTING',
    'CALLSTATE 201 c-9 CONNECTED \u0007',
    'OK',
    'WHAT 1',
  ]) {
    const parsed = parseLine(Buffer.from(text));
    assert.equal(parsed.ok, false, text);
  }
  assert.deepEqual(parseLine(Buffer.from([0xc3, 0x28])), {
    ok: false,
    problem: 'line is not valid UTF-8',
  });
});

test('commands encode to one safe line each; unsafe tokens are refused', () => {
  assert.equal(encodeCommand({ verb: 'LISTEN', ext: '201' }), 'LISTEN 201\n');
  assert.equal(
    encodeCommand({ verb: 'CALL', ext: '201', number: '+48*12#' }),
    'CALL 201 +48*12#\n',
  );
  assert.equal(encodeCommand({ verb: 'PING' }), 'PING\n');
  assert.throws(() => encodeCommand({ verb: 'LISTEN', ext: '201 202' }), UnsafeLineError);
  assert.throws(
    () => encodeCommand({ verb: 'CALL', ext: '201', number: '1\nCALL 2' }),
    UnsafeLineError,
  );
});

test('property: any bytes in any pieces never throw, and only whole lines ≤ 1024 bytes come out', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 700 }), { maxLength: 8 }), (chunks) => {
      const splitter = new LineSplitter();
      for (const chunk of chunks) {
        for (const piece of splitter.push(Buffer.from(chunk))) {
          if (piece.type === 'line') {
            assert.ok(piece.bytes.length <= 1024);
            assert.ok(!piece.bytes.includes(0x0a));
            parseLine(piece.bytes);
          }
        }
      }
    }),
    { numRuns: 2000 },
  );
});

test('property: an encoded command never holds anything but the allowed tokens', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (ext, number) => {
      try {
        const line = encodeCommand({ verb: 'CALL', ext, number });
        assert.match(line, /^CALL [0-9A-Za-z*#+._-]{1,32} \+?[0-9*#]{1,32}\n$/);
      } catch (error) {
        assert.ok(error instanceof UnsafeLineError);
      }
    }),
    { numRuns: 2000 },
  );
});
