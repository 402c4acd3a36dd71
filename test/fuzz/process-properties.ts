import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import fc from 'fast-check';
import WebSocket from 'ws';
import { AgentProcess } from '../helpers/agent-process.js';
import { burst, burstBytes, opening, type Burst } from './stomp-arbitraries.js';
import { FUZZ_DIRECTORY } from './socket-properties.js';

/**
 * Fuzzing the real program: the built CLI runs in a child process and every input reaches it
 * as a client would send it, over raw STOMP WebSocket, SockJS's WebSocket transport, SockJS
 * xhr/xhr_streaming + xhr_send, and raw HTTP requests (request line, path, headers, body) to
 * the STOMP port and the dashboard port. Values up to 64 KiB in headers and fields, JSON of
 * every kind in SockJS messages. After each batch: the process is alive, a page connected all
 * along still gets its screen-pop, and TapiServer has seen only well-formed lines.
 */

/** Every line TapiServer may ever see: allowed verbs and tokens only. */
const LINE =
  /^(?:(?:LISTEN|UNLISTEN) [0-9A-Za-z*#+._-]{1,32}|CALL [0-9A-Za-z*#+._-]{1,32} \+?[0-9*#]{1,32}|PING)$/;

/** Cases of one batch; the process-level checks run after each batch. */
export const BATCH = 100;

// ---- values ----

/** A long value: a short seed repeated up to 64 KiB. */
const long: fc.Arbitrary<string> = fc
  .tuple(
    fc.string({ minLength: 1, maxLength: 6, unit: 'binary' }),
    fc.integer({ min: 200, max: 65536 }),
  )
  .map(([seed, size]) => seed.repeat(Math.ceil(size / seed.length)).slice(0, size));

const shortText = fc.string({ maxLength: 16, unit: 'binary' });
const value = fc.oneof({ weight: 8, arbitrary: shortText }, { weight: 1, arbitrary: long });

/** JSON a SockJS client may frame (or a hostile one): anything but only arrays of strings are right. */
function sockjsMessage(stomp: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.array(stomp, { minLength: 1, maxLength: 3 }).map((a) => JSON.stringify(a)),
    },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null') },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.oneof(stomp, fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 3 })
        .map((a) => JSON.stringify(a)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '[{"length":50000000}]',
        '{"length":50000000}',
        '[null]',
        'null',
        '5',
        '{}',
        '[',
        '',
        '["\\ud800"]',
        '{"__proto__":null}',
        '[{"__proto__":null}]',
      ),
    },
    { weight: 1, arbitrary: value },
    { weight: 1, arbitrary: long.map((l) => JSON.stringify([l])) },
  );
}

/** A STOMP frame with a long value in one of its fields. */
const longFrame: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(fc.constantFrom('SEND', 'SUBSCRIBE', 'UNSUBSCRIBE', 'CONNECT', 'ACK'), long),
    fc.constantFrom('destination', 'id', 'content-length', 'apex_session', 'receipt', 'x'),
    long,
    fc.constantFrom('/tapi/call', '/tapi/listen', '/topic/x', '/user/queue/errors'),
  )
  .map(([command, name, text, destination]) =>
    command.length > 100
      ? `${command}\n\n\0`
      : `${command}\ndestination:${destination}\n${name}:${text}\n\n${text.length % 3 === 0 ? text : ''}\0`,
  );

const ids = ['x0', 'x1'];
const stompText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: burst(ids).map((b) => Buffer.concat(burstBytes(b)).toString('utf8')) },
  { weight: 1, arbitrary: longFrame },
);

// ---- inputs ----

export type ProcessInput =
  | {
      kind: 'raw-ws';
      headers: Record<string, string>;
      protocols: string[];
      opening: Burst;
      bursts: Burst[];
      extra: string[];
    }
  | { kind: 'sockjs-ws'; server: string; session: string; messages: string[] }
  | { kind: 'xhr'; streaming: boolean; session: string; bodies: string[] }
  | { kind: 'http'; port: 'stomp' | 'dashboard'; request: string };

const sessionId = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z0-9]{6,12}$/) },
  { weight: 1, arbitrary: fc.constantFrom('a.b', 'a\\b', '%2e', '..', '', 'x'.repeat(300)) },
);

const headerValue = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('http://127.0.0.1', 'null', 'http://evil.example', 'localhost', ''),
  },
  { weight: 1, arbitrary: value },
);

const rawWs: fc.Arbitrary<ProcessInput> = fc.record({
  kind: fc.constant('raw-ws' as const),
  headers: fc.dictionary(
    fc.constantFrom('Origin', 'Referer', 'X-Forwarded-For', 'Cookie', 'User-Agent'),
    headerValue,
    {
      maxKeys: 2,
    },
  ),
  protocols: fc.subarray(['v12.stomp', 'v11.stomp', 'v10.stomp', 'mqtt']),
  opening: opening(),
  bursts: fc.array(burst(ids), { maxLength: 3 }),
  extra: fc.array(longFrame, { maxLength: 1 }),
});

const sockjsWs: fc.Arbitrary<ProcessInput> = fc.record({
  kind: fc.constant('sockjs-ws' as const),
  server: fc.constantFrom('000', '123', 'a'),
  session: sessionId,
  messages: fc.array(sockjsMessage(stompText), { minLength: 1, maxLength: 4 }),
});

const xhr: fc.Arbitrary<ProcessInput> = fc.record({
  kind: fc.constant('xhr' as const),
  streaming: fc.boolean(),
  session: sessionId,
  bodies: fc.array(sockjsMessage(stompText), { minLength: 1, maxLength: 3 }),
});

const SOCKJS_TAILS = [
  'info',
  'info?t=1',
  'iframe.html',
  'iframe-abc.html',
  'websocket',
  '000/s1/xhr',
  '000/s1/xhr_send',
  '000/s1/xhr_streaming',
  '000/s1/eventsource',
  '000/s1/htmlfile?c=x',
  '000/s1/jsonp?c=cb',
  '000/s1/jsonp_send',
  '000/s1/websocket',
];
const pathPiece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SOCKJS_TAILS) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '/',
      '//',
      '\\',
      '%2f',
      '%5c',
      '%',
      '%zz',
      '[',
      ':99999',
      '..',
      '.',
      '?',
      '#',
      ' ',
      '\t',
      'é',
      '%00',
    ),
  },
  { weight: 1, arbitrary: value },
);
const target = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          '/tapi-messenger/',
          '/tapi-messenger-client/',
          '/',
          '//',
          '/tapi-messenger\\',
        ),
        fc.array(pathPiece, { maxLength: 3 }),
      )
      .map(([prefix, pieces]) => prefix + pieces.join('')),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '/health',
      '/metrics',
      '/api/snapshot',
      '/bridge',
      '/',
      '/index.html',
      '//[',
      '//%',
      '//a:99999',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('*', 'http://127.0.0.1/health', '') },
  { weight: 1, arbitrary: value },
);
const requestHeader = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.tuple(
      fc.constantFrom(
        'Host',
        'Origin',
        'Referer',
        'Connection',
        'Upgrade',
        'Content-Length',
        'Transfer-Encoding',
        'Sec-WebSocket-Key',
        'Sec-WebSocket-Version',
        'Sec-WebSocket-Protocol',
        'Content-Type',
      ),
      headerValue,
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<[string, string]>(
      ['Connection', 'Upgrade'],
      ['Upgrade', 'websocket'],
      ['Upgrade', 'foo'],
      ['Sec-WebSocket-Version', '13'],
      ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
      ['Transfer-Encoding', 'chunked'],
      ['Content-Length', '5'],
      ['Content-Length', '-1'],
      ['Content-Length', '99999999999'],
    ),
  },
  { weight: 1, arbitrary: fc.tuple(shortText, value) },
);
const httpRequest: fc.Arbitrary<ProcessInput> = fc.record({
  kind: fc.constant('http' as const),
  port: fc.constantFrom('stomp' as const, 'stomp' as const, 'dashboard' as const),
  request: fc
    .tuple(
      fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom('GET', 'POST', 'OPTIONS', 'HEAD') },
        { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'CONNECT', 'PRI', 'G\0T', '') },
      ),
      target,
      fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2', 'HTTP/1.1\r\nHost: 127.0.0.1'),
      fc.array(requestHeader, { maxLength: 5 }),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant('') },
        { weight: 2, arbitrary: sockjsMessage(stompText) },
      ),
    )
    .map(
      ([method, path, version, headers, body]) =>
        `${method} ${path} ${version}\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}${headers.length ? '\r\n' : ''}\r\n${body}`,
    ),
});

export const processInput: fc.Arbitrary<ProcessInput> = fc.oneof(
  { weight: 3, arbitrary: rawWs },
  { weight: 3, arbitrary: sockjsWs },
  { weight: 2, arbitrary: xhr },
  { weight: 4, arbitrary: httpRequest },
);

export const processBatch = fc.array(processInput, { minLength: BATCH, maxLength: BATCH });

// ---- the target ----

/** How long one input may take before its connections are cut (a client that went away). */
const INPUT_MS = 300;

function settle(work: (done: () => void) => () => void): Promise<void> {
  return new Promise((resolve) => {
    let finished = false;
    let cleanup: () => void = () => undefined;
    const done = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      cleanup();
      resolve();
    };
    const timer = setTimeout(done, INPUT_MS);
    try {
      cleanup = work(done);
    } catch {
      // The client library refused to send it (e.g. a header value Node will not write).
      done();
    }
  });
}

/** What the fuzz reached (for the run's diagnostic line). */
export const processCoverage = new Map<string, number>();
const count = (what: string): void =>
  void processCoverage.set(what, (processCoverage.get(what) ?? 0) + 1);

export class ProcessFuzz {
  readonly #bystanderFrames: string[] = [];
  readonly #wakers: Array<() => void> = [];
  #rings = 0;

  private constructor(
    readonly agent: AgentProcess,
    readonly bystander: WebSocket,
  ) {
    bystander.on('message', (data: Buffer) => {
      this.#bystanderFrames.push(data.toString());
      if (this.#bystanderFrames.length > 100) this.#bystanderFrames.splice(0, 50);
      for (const wake of this.#wakers.splice(0)) wake();
    });
  }

  static async start(): Promise<ProcessFuzz> {
    const agent = await AgentProcess.start({}, FUZZ_DIRECTORY);
    const bystander = new WebSocket(`ws://127.0.0.1:${agent.port}/tapi-messenger/websocket`, [
      'v12.stomp',
    ]);
    bystander.on('error', () => undefined);
    await new Promise((resolve) => bystander.once('open', resolve));
    const fuzz = new ProcessFuzz(agent, bystander);
    bystander.send('CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0');
    bystander.send('SUBSCRIBE\nid:pop\ndestination:/user/queue/incoming-call\n\n\0');
    bystander.send('SUBSCRIBE\nid:init\ndestination:/topic/is-listen-init\n\n\0');
    bystander.send('SEND\ndestination:/tapi/listen\napex_session:apex-by\n\n\0');
    await fuzz.#bystanderSaw('"listening":true');
    await agent.sim.waitForLine('LISTEN 299').catch(() => undefined);
    return fuzz;
  }

  #bystanderSaw(text: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `the bystander page never got ${text}; last frames ${JSON.stringify(this.#bystanderFrames.slice(-3))}\n${this.agent.alive ? '' : this.agent.describeExit()}`,
            ),
          ),
        timeoutMs,
      );
      const check = (): void => {
        if (this.#bystanderFrames.some((f) => f.includes(text))) {
          clearTimeout(timer);
          resolve();
        } else this.#wakers.push(check);
      };
      check();
    });
  }

  /** Runs one batch concurrently, then checks the process-level invariants. */
  async run(batch: readonly ProcessInput[]): Promise<void> {
    try {
      await this.#run(batch);
    } catch (error) {
      // fast-check prints the seed and the (large) counterexample; say plainly what broke.
      console.error(`process fuzz: ${(error as Error).message.slice(0, 2000)}`);
      throw error;
    }
  }

  async #run(batch: readonly ProcessInput[]): Promise<void> {
    await Promise.all(batch.map((input) => this.#send(input)));
    assert.ok(this.agent.alive, this.agent.describeExit());
    assert.equal(this.bystander.readyState, WebSocket.OPEN, 'the bystander page was disconnected');
    const caller = `+${++this.#rings}`;
    this.agent.sim.ring('299', caller, `fuzz-${this.#rings}`);
    await this.#bystanderSaw(`"callId":"fuzz-${this.#rings}"`);
    const bad = this.agent.sim.lines.filter((line) => !LINE.test(line));
    assert.deepEqual(bad, [], 'TapiServer got a malformed line');
    this.agent.sim.lines.length = 0;
    assert.ok(this.agent.alive, this.agent.describeExit());
  }

  #send(input: ProcessInput): Promise<void> {
    count(input.kind);
    switch (input.kind) {
      case 'raw-ws':
        return this.#rawWs(input);
      case 'sockjs-ws':
        return this.#sockjsWs(input);
      case 'xhr':
        return this.#xhr(input);
      case 'http':
        return this.#http(input);
    }
  }

  #rawWs(input: Extract<ProcessInput, { kind: 'raw-ws' }>): Promise<void> {
    return settle((done) => {
      const ws = new WebSocket(
        `ws://127.0.0.1:${this.agent.port}/tapi-messenger/websocket`,
        input.protocols,
        {
          headers: input.headers,
        },
      );
      ws.on('error', done);
      ws.on('close', done);
      ws.on('unexpected-response', done);
      ws.once('open', () => {
        for (const piece of burstBytes(input.opening)) ws.send(piece);
        for (const b of input.bursts) for (const piece of burstBytes(b)) ws.send(piece);
        for (const frame of input.extra) ws.send(frame);
        ws.close();
      });
      return () => ws.terminate();
    });
  }

  #sockjsWs(input: Extract<ProcessInput, { kind: 'sockjs-ws' }>): Promise<void> {
    return settle((done) => {
      const ws = new WebSocket(
        `ws://127.0.0.1:${this.agent.port}/tapi-messenger/${input.server}/${encodeURIComponent(input.session)}/websocket`,
      );
      ws.on('error', done);
      ws.on('close', done);
      ws.on('unexpected-response', done);
      ws.on('message', (data: Buffer) => {
        if (data.toString() !== 'o') return;
        for (const message of input.messages) ws.send(message);
        ws.close();
      });
      return () => ws.terminate();
    });
  }

  async #xhr(input: Extract<ProcessInput, { kind: 'xhr' }>): Promise<void> {
    const base = `/tapi-messenger/000/${encodeURIComponent(input.session)}`;
    const requests: http.ClientRequest[] = [];
    const post = (path: string, body: string, keepOpen = false): Promise<void> =>
      settle((done) => {
        const req = http.request({
          host: '127.0.0.1',
          port: this.agent.port,
          path,
          method: 'POST',
          agent: false,
        });
        requests.push(req);
        req.on('error', done);
        req.on('response', (res) => {
          res.on('error', done);
          if (keepOpen) res.once('data', done);
          else {
            res.resume();
            res.on('end', done);
          }
        });
        req.end(body);
        return () => undefined;
      });
    await post(`${base}/${input.streaming ? 'xhr_streaming' : 'xhr'}`, '', input.streaming);
    for (const body of input.bodies) await post(`${base}/xhr_send`, body);
    for (const req of requests) req.destroy();
  }

  #http(input: Extract<ProcessInput, { kind: 'http' }>): Promise<void> {
    const port = input.port === 'stomp' ? this.agent.port : this.agent.dashboardPort;
    return settle((done) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.on('error', done);
      socket.on('close', done);
      socket.on('data', () => socket.end());
      socket.on('connect', () => {
        socket.write(input.request, 'latin1');
      });
      return () => socket.destroy();
    });
  }

  async stop(): Promise<void> {
    this.bystander.terminate();
    await this.agent.stop();
  }
}
