import fc from 'fast-check';

/**
 * What a browser — or anything pretending to be one — could send to the gateway: STOMP frames
 * drawn from a grammar close to the real API (so that fuzzing reaches listen, dial and
 * subscription handling), then mutated at the byte level (flipped bytes, NUL, invalid UTF-8,
 * stray LF/colon/backslash, truncation) and cut at random byte boundaries.
 */

/** APEX sessions of the fuzz directory (see `FUZZ_DIRECTORY` in gateway-properties.ts). */
export const APEX_SESSIONS = ['apex-a', 'apex-a2', 'apex-b', 'apex-nophone', 'apex-down'];

const apexValue = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...APEX_SESSIONS) },
  { weight: 1, arbitrary: fc.constantFrom('', 'nobody', 'x'.repeat(200), 'a b', 'a\tb') },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

/** Numbers as pages type them, and numbers meant to break a TapiServer line. */
const numberValue = fc.oneof(
  fc.constantFrom(
    '201',
    '+48 (22) 555-01-02',
    '*72#',
    '1'.repeat(33),
    '12 34 CALL 999',
    '201\r\nUNLISTEN 202',
    '201\nCALL 201 1',
    '12\t34',
    '+48\u00a0123',
    '',
    '٣٣',
  ),
  fc.stringMatching(/^\+?[0-9 *#().-]{1,40}$/),
  fc.string({ maxLength: 40 }),
);

const dialBody = fc.oneof(
  { weight: 4, arbitrary: numberValue.map((n) => JSON.stringify({ toNumber: n })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', 'not json', '{"toNumber":12}', '[]', '{"number":"1"}', 'null'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
);

/** Destinations for SUBSCRIBE, given the client ids that may appear in `-user{id}` forms. */
export function subscribeDestination(ids: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc.constantFrom(
        '/user/queue/incoming-call',
        '/topic/is-listen-init',
        '/user/queue/errors',
      ),
    },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        ...ids.map((id) => `/user/queue/incoming-call-user${id}`),
        ...APEX_SESSIONS.map((a) => `/user/queue/incoming-call-user${a}`),
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  );
}

const sendDestination = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('/tapi/listen', '/tapi/call') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '/tapi/frob',
      '/topic/x',
      '/queue/y',
      '/user/queue/incoming-call',
      '',
      '/tapi/',
      'tapi/listen',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

/** A header value as a client might escape it (or get the escaping wrong). */
const rawValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('\\c', '\\n', '\\\\', '\\r', '\\x', '\\', 'a:b', ' ') },
);

export interface FrameSpec {
  command: string;
  headers: Array<[string, string]>;
  body: string;
  /** Whether to add a (correct or wrong) content-length. */
  contentLength: 'none' | 'right' | 'short' | 'long' | 'junk';
  crlf: boolean;
}

const extraHeaders = fc.array(
  fc.tuple(
    fc.oneof(
      fc.constantFrom('receipt', 'id', 'destination', 'content-type', 'ack', 'transaction'),
      fc.string({ maxLength: 8 }),
    ),
    rawValue,
  ),
  { maxLength: 3 },
);

const contentLength = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom<FrameSpec['contentLength']>('none', 'right') },
  { weight: 1, arbitrary: fc.constantFrom<FrameSpec['contentLength']>('short', 'long', 'junk') },
);

export const connectFrame: fc.Arbitrary<FrameSpec> = fc.record({
  command: fc.constantFrom('CONNECT', 'CONNECT', 'STOMP'),
  headers: fc
    .tuple(
      fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom('1.2', '1.1,1.0', '1.0', '1.1', '1.2,1.1,1.0') },
        { weight: 1, arbitrary: fc.constantFrom('2.0', '') },
      ),
      fc.oneof(
        {
          weight: 12,
          arbitrary: fc.constantFrom('0,0', '10000,10000', '1000,0', '5,5', undefined),
        },
        { weight: 1, arbitrary: fc.constant('x') },
      ),
      fc.boolean(),
    )
    .map(([version, beat, login]) => {
      const h: Array<[string, string]> = [['accept-version', version]];
      if (beat !== undefined) h.push(['heart-beat', beat]);
      if (login) h.push(['login', 'mylogin'], ['passcode', 'mypasswd']);
      return h;
    }),
  body: fc.constant(''),
  contentLength: fc.constant('none' as const),
  crlf: fc.boolean(),
});

export const heartbeat: FrameSpec = {
  command: '',
  headers: [],
  body: '',
  contentLength: 'none',
  crlf: false,
};

/**
 * A frame a client might send. `chaos` adds frames that end a session (unknown commands,
 * forbidden destinations, oversize bodies, wrong content-lengths); without it a session lives
 * long enough to reach the flood, subscription and slow-consumer limits.
 */
export function frameSpec(ids: readonly string[], chaos = true): fc.Arbitrary<FrameSpec> {
  const length = chaos
    ? contentLength
    : fc.constantFrom<FrameSpec['contentLength']>('none', 'right');
  const subscribe = fc.record({
    command: fc.constant('SUBSCRIBE'),
    headers: fc
      .tuple(subscribeDestination(ids), fc.constantFrom('0', '1', '2', '3', '4', '5', 's'))
      .map(([d, id]): Array<[string, string]> => [
        ['destination', d],
        ['id', id],
      ]),
    body: fc.constant(''),
    contentLength: fc.constant('none' as const),
    crlf: fc.boolean(),
  });
  const unsubscribe = fc.record({
    command: fc.constant('UNSUBSCRIBE'),
    headers: fc
      .constantFrom('0', '1', '2', 's', 'nope')
      .map((id): Array<[string, string]> => [['id', id]]),
    body: fc.constant(''),
    contentLength: fc.constant('none' as const),
    crlf: fc.boolean(),
  });
  const listen = fc.record({
    command: fc.constant('SEND'),
    headers: apexValue.map((a): Array<[string, string]> => [
      ['destination', '/tapi/listen'],
      ['apex_session', a],
    ]),
    body: fc.constant(''),
    contentLength: length,
    crlf: fc.boolean(),
  });
  const dial = fc.record({
    command: fc.constant('SEND'),
    headers: fc.constant<Array<[string, string]>>([
      ['destination', '/tapi/call'],
      ['content-type', 'application/json'],
    ]),
    body: dialBody,
    contentLength: length,
    crlf: fc.boolean(),
  });
  const anySend = fc.record({
    command: fc.constant('SEND'),
    headers: fc
      .tuple(sendDestination, extraHeaders)
      .map(([d, rest]): Array<[string, string]> => [['destination', d], ...rest]),
    body: fc.string({ maxLength: 40 }),
    contentLength,
    crlf: fc.boolean(),
  });
  const harmless = fc.record({
    command: fc.constantFrom('ACK', 'NACK', 'BEGIN', 'COMMIT', 'ABORT'),
    headers: fc.constantFrom<Array<[string, string]>>([], [['receipt', 'r1']], [['id', '1']]),
    body: fc.constant(''),
    contentLength: fc.constant('none' as const),
    crlf: fc.boolean(),
  });
  const other = fc.record({
    command: fc.constantFrom(
      'DISCONNECT',
      'CONNECT',
      'FROB',
      'send',
      'CONNECTED',
      'MESSAGE',
      'ACK',
    ),
    headers: extraHeaders,
    body: fc.constantFrom('', '', 'x'),
    contentLength,
    crlf: fc.boolean(),
  });
  const big = fc.record({
    command: fc.constant('SEND'),
    headers: fc.constant<Array<[string, string]>>([['destination', '/tapi/frob']]),
    body: fc.integer({ min: 900, max: 1500 }).map((n) => 'z'.repeat(n)),
    contentLength,
    crlf: fc.constant(false),
  });
  const unknownApp = fc.record({
    command: fc.constant('SEND'),
    headers: fc.constant<Array<[string, string]>>([
      ['destination', '/tapi/frob'],
      ['receipt', 'r2'],
    ]),
    body: fc.string({ maxLength: 40 }),
    contentLength: length,
    crlf: fc.boolean(),
  });
  const calm = [
    { weight: 8, arbitrary: withReceipt(subscribe) },
    { weight: 2, arbitrary: withReceipt(unsubscribe) },
    { weight: 8, arbitrary: withReceipt(listen) },
    { weight: 6, arbitrary: withReceipt(dial) },
    { weight: 1, arbitrary: unknownApp },
    { weight: 2, arbitrary: harmless },
    { weight: 2, arbitrary: fc.constant(heartbeat) },
  ];
  if (!chaos) return fc.oneof(...calm);
  return fc.oneof(
    ...calm,
    { weight: 2, arbitrary: anySend },
    { weight: 1, arbitrary: other },
    { weight: 1, arbitrary: big },
  );
}

/** Half of them ask for a RECEIPT (output the client must read). */
function withReceipt(frames: fc.Arbitrary<FrameSpec>): fc.Arbitrary<FrameSpec> {
  return fc
    .tuple(frames, fc.boolean())
    .map(([f, receipt]) =>
      receipt
        ? { ...f, headers: [...f.headers, ['receipt', `r-${f.command}`] as [string, string]] }
        : f,
    );
}

export function encodeSpec(spec: FrameSpec): Buffer {
  if (spec.command === '') return Buffer.from(spec.crlf ? '\r\n' : '\n');
  const eol = spec.crlf ? '\r\n' : '\n';
  const body = Buffer.from(spec.body, 'utf8');
  let head = spec.command + eol;
  for (const [name, value] of spec.headers) head += `${name}:${value}${eol}`;
  const n = body.length;
  if (spec.contentLength === 'right') head += `content-length:${n}${eol}`;
  else if (spec.contentLength === 'short') head += `content-length:${Math.max(0, n - 1)}${eol}`;
  else if (spec.contentLength === 'long') head += `content-length:${n + 5}${eol}`;
  else if (spec.contentLength === 'junk') head += `content-length:1e3${eol}`;
  return Buffer.concat([Buffer.from(head + eol, 'utf8'), body, Buffer.from([0])]);
}

export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insert'; at: number; bytes: readonly number[] }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.oneof(
      fc.constantFrom(
        [0x00],
        [0xff],
        [0xc3, 0x28],
        [0xe2, 0x82],
        [0xf0, 0x9f, 0x98],
        [0xed, 0xa0, 0x80],
        [0x0a],
        [0x0d],
        [0x3a],
        [0x5c],
        [0x0a, 0x0a],
      ),
      fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 6 }),
    ),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

export function mutate(input: Buffer, mutations: readonly Mutation[]): Buffer {
  let bytes = input;
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
    switch (m.kind) {
      case 'flip':
        if (at < bytes.length) {
          bytes = Buffer.from(bytes);
          bytes[at] = (bytes[at] as number) ^ (1 << m.bit);
        }
        break;
      case 'insert':
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
        break;
      case 'delete':
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
        break;
      case 'truncate':
        bytes = bytes.subarray(0, at);
        break;
    }
  }
  return bytes;
}

/** Cuts `bytes` at the given points (taken modulo its length); empty pieces are dropped. */
export function splitAt(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    if (p > last) out.push(bytes.subarray(last, p));
    last = Math.max(last, p);
  }
  if (last < bytes.length) out.push(bytes.subarray(last));
  return out;
}

/** Some frames, maybe mutated, cut into pieces: one burst of what a client sends. */
export interface Burst {
  frames: readonly FrameSpec[];
  mutations: readonly Mutation[];
  cuts: readonly number[];
}

export function burst(ids: readonly string[], chaos = true): fc.Arbitrary<Burst> {
  return fc.record({
    frames: fc.array(frameSpec(ids, chaos), { minLength: 1, maxLength: 4 }),
    mutations: !chaos
      ? fc.constant([])
      : fc.oneof(
          { weight: 10, arbitrary: fc.constant([]) },
          { weight: 1, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) },
        ),
    cuts: fc.array(fc.nat(), { maxLength: 4 }),
  });
}

export function burstBytes(b: Burst): Buffer[] {
  const whole = mutate(Buffer.concat(b.frames.map(encodeSpec)), b.mutations);
  return splitAt(whole, b.cuts);
}

/** How a client opens: a clean CONNECT, or with chaos anything at all. */
export function opening(chaos = true): fc.Arbitrary<Burst> {
  if (!chaos) {
    return fc.record({
      frames: connectFrame.map((f) => [f]),
      mutations: fc.constant([]),
      cuts: fc.array(fc.nat(), { maxLength: 3 }),
    });
  }
  return openingWithChaos;
}

const openingWithChaos: fc.Arbitrary<Burst> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      frames: connectFrame.map((f) => [f]),
      mutations: fc.oneof(
        { weight: 12, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 2 }) },
      ),
      cuts: fc.array(fc.nat(), { maxLength: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      frames: fc.constant([]),
      mutations: fc.array(
        mutation.filter((m) => m.kind === 'insert'),
        { minLength: 1, maxLength: 4 },
      ),
      cuts: fc.array(fc.nat(), { maxLength: 3 }),
    }),
  },
);
