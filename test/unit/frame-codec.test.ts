import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameDecoder, unescapeHeader, type Decoded } from '../../src/main/stomp/frame-codec.js';
import {
  completeMessage,
  encodeFrame,
  escapeHeader,
  messageHead,
} from '../../src/main/stomp/frame-encoder.js';
import { messageBody } from '../../src/main/core/client-session.js';
import { StompProtocolError, type StompVersion } from '../../src/main/stomp/frame.js';

const MAX = 4096;

function decodeAll(chunks: Buffer[], version: StompVersion = '1.2'): Decoded[] {
  const decoder = new FrameDecoder({ maxFrameBytes: MAX });
  decoder.setVersion(version);
  const out: Decoded[] = [];
  for (const chunk of chunks) out.push(...decoder.push(chunk));
  return out;
}

function frames(
  decoded: Decoded[],
): Array<{ command: string; headers: Record<string, string>; body: string }> {
  return decoded.flatMap((d) =>
    d.type === 'frame'
      ? [
          {
            command: d.frame.command,
            headers: Object.fromEntries(d.frame.headers),
            body: d.frame.body.toString('utf8'),
          },
        ]
      : [],
  );
}

function splitAt(buffer: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buffer.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    out.push(buffer.subarray(last, p));
    last = p;
  }
  out.push(buffer.subarray(last));
  return out;
}

test('decodes frames, heart-beats (LF and CR LF), bodies with and without content-length', () => {
  const input = Buffer.from(
    '\n\r\nSEND\ndestination:/tapi/call\n\n{"toNumber":"1"}\0' +
      'SEND\r\ndestination:/a\r\ncontent-length:3\r\n\r\na\0b\0',
  );
  const decoded = decodeAll([input]);
  assert.equal(decoded.filter((d) => d.type === 'heartbeat').length, 2);
  assert.deepEqual(frames(decoded), [
    { command: 'SEND', headers: { destination: '/tapi/call' }, body: '{"toNumber":"1"}' },
    { command: 'SEND', headers: { destination: '/a', 'content-length': '3' }, body: 'a\0b' },
  ]);
});

test('the first of repeated headers wins; 1.2 unescapes, 1.0 does not', () => {
  const text = 'SEND\ndestination:/a\\cb\ndestination:/other\n\n\0';
  assert.equal(frames(decodeAll([Buffer.from(text)], '1.2'))[0]?.headers.destination, '/a:b');
  assert.equal(frames(decodeAll([Buffer.from(text)], '1.0'))[0]?.headers.destination, '/a\\cb');
});

test('CONNECT is never unescaped, and the bytes after it wait for the negotiated version', () => {
  const decoder = new FrameDecoder({ maxFrameBytes: MAX });
  const first = decoder.push(
    Buffer.from('CONNECT\nlogin:a\\b\n\n\0SEND\ndestination:/x\\cy\n\n\0'),
  );
  assert.deepEqual(
    frames(first).map((f) => f.headers),
    [{ login: 'a\\b' }],
  );
  assert.equal(decoder.holding, true);
  decoder.setVersion('1.1');
  assert.equal(frames(decoder.resume())[0]?.headers.destination, '/x:y');
});

const bad: Array<[string, string, string]> = [
  ['no command', ':x\n\n\0', 'MALFORMED_FRAME'],
  ['lower-case command', 'send\n\n\0', 'MALFORMED_FRAME'],
  ['header without colon', 'SEND\nnocolon\n\n\0', 'MALFORMED_FRAME'],
  ['undefined escape', 'SEND\na:\\t\n\n\0', 'BAD_HEADER_ESCAPE'],
  ['\\r escape in 1.1', 'SEND\na:\\r\n\n\0', 'BAD_HEADER_ESCAPE'],
  ['non-numeric content-length', 'SEND\ncontent-length:12a\n\nx\0', 'BAD_CONTENT_LENGTH'],
  ['negative content-length', 'SEND\ncontent-length:-1\n\nx\0', 'BAD_CONTENT_LENGTH'],
  ['body longer than content-length', 'SEND\ncontent-length:1\n\nxy\0', 'MALFORMED_FRAME'],
  ['huge content-length', 'SEND\ncontent-length:99999999\n\n', 'FRAME_TOO_LARGE'],
  ['invalid UTF-8 header', 'SEND\na:\xff\n\n\0', 'BAD_UTF8'],
];

for (const [what, text, code] of bad) {
  test(`refuses ${what} with ${code}`, () => {
    const decoder = new FrameDecoder({ maxFrameBytes: MAX });
    decoder.setVersion(what.includes('1.1') ? '1.1' : '1.2');
    const bytes = Buffer.from(text, 'latin1');
    assert.throws(
      () => decoder.push(bytes),
      (e: unknown) => e instanceof StompProtocolError && e.code === code,
    );
    // A failed decoder stays failed: the connection is closed, nothing more is read.
    assert.throws(() => decoder.push(Buffer.from('\n')), StompProtocolError);
  });
}

test('a frame over the limit fails as soon as the limit is passed, before the frame ends', () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 100 });
  assert.throws(
    () => decoder.push(Buffer.from('SEND\ndestination:/x\n\n' + 'a'.repeat(200))),
    (e: unknown) => e instanceof StompProtocolError && e.code === 'FRAME_TOO_LARGE',
  );
  const headers = new FrameDecoder({ maxFrameBytes: 100 });
  assert.throws(() => headers.push(Buffer.from('SEND\nx:' + 'a'.repeat(200))), /exceeds the limit/);
});

test('a header name or value that starts with U+FEFF keeps it (finding of the round-trip property)', () => {
  const decoder = new FrameDecoder({ maxFrameBytes: MAX });
  decoder.setVersion('1.2');
  const [decoded] = frames(
    decoder.push(Buffer.from('SEND\n\uFEFFkey:\uFEFFvalue\ndestination:/x\n\n\0', 'utf8')),
  );
  assert.deepEqual(decoded?.headers, { '\uFEFFkey': '\uFEFFvalue', destination: '/x' });
});

test('too many headers is refused', () => {
  const decoder = new FrameDecoder({ maxFrameBytes: MAX, maxHeaders: 3 });
  assert.throws(
    () => decoder.push(Buffer.from('SEND\na:1\nb:2\nc:3\nd:4\n\n\0')),
    /at most 3 headers/,
  );
});

const headerText = fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !s.includes('\0'));
const frameArb = fc.record({
  command: fc.constantFrom('SEND', 'SUBSCRIBE', 'MESSAGE', 'ACK'),
  headers: fc.array(
    fc.tuple(
      headerText.filter((s) => s.length > 0),
      headerText,
    ),
    { maxLength: 5 },
  ),
  body: fc.string({ unit: 'binary', maxLength: 200 }),
});

test('property: encode → split anywhere → decode gives the frames back (1.2)', () => {
  fc.assert(
    fc.property(
      fc.array(frameArb, { minLength: 1, maxLength: 4 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      (list, cuts) => {
        const text = list.map((f) => encodeFrame(f.command, f.headers, f.body, '1.2')).join('\n');
        const decoded = frames(decodeAll(splitAt(Buffer.from(text, 'utf8'), cuts)));
        assert.equal(decoded.length, list.length);
        decoded.forEach((got, i) => {
          const want = list[i];
          assert.ok(want);
          assert.equal(got.command, want.command);
          assert.equal(got.body, want.body);
          const firstOf = new Map<string, string>();
          for (const [k, v] of want.headers) if (!firstOf.has(k)) firstOf.set(k, v);
          for (const [k, v] of firstOf) assert.equal(got.headers[k], v);
        });
      },
    ),
    { numRuns: 1500 },
  );
});

test('property: random bytes never throw anything but StompProtocolError', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 10 }), (chunks) => {
      const decoder = new FrameDecoder({ maxFrameBytes: 256 });
      try {
        for (const chunk of chunks) decoder.push(Buffer.from(chunk));
      } catch (error) {
        assert.ok(error instanceof StompProtocolError, String(error));
      }
    }),
    { numRuns: 3000 },
  );
});

test('escape and unescape are inverse for 1.1 and 1.2 where the version defines them', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'binary' }),
      fc.constantFrom<StompVersion>('1.1', '1.2'),
      (value, version) => {
        const input = version === '1.1' ? value.replace(/\r/g, '') : value;
        assert.equal(unescapeHeader(escapeHeader(input, version), version), input);
      },
    ),
  );
});

test('a MESSAGE counts its body in UTF-8 bytes and escapes its headers', () => {
  assert.equal(
    completeMessage(
      messageHead('/user/queue/a:b', 'sub-0', '1.2'),
      'm-1',
      messageBody('{"a":"ą"}'),
    ),
    'MESSAGE\ndestination:/user/queue/a\\cb\nsubscription:sub-0\nmessage-id:m-1\n' +
      'content-type:application/json\ncontent-length:10\n\n{"a":"ą"}\0',
  );
});
