import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import WebSocket from 'ws';
import { onAgentEvent, startHarness, waitUntil, type Harness } from '../helpers/harness.js';
import { connectModern, type ModernClient } from '../helpers/stomp-clients.js';
import type { Logger } from '../../src/main/core/log.js';
import { burst, burstBytes, opening, type Burst } from './stomp-arbitraries.js';

/**
 * The gateway fuzz over real loopback sockets: generated, mutated frames cut at random byte
 * boundaries, sent by raw STOMP-over-WebSocket clients (binary messages, so invalid UTF-8 and
 * NUL bytes arrive as sent) and SockJS WebSocket clients (JSON-framed text), while calls ring.
 * After each case every client has gone and the agent must be back where it was: one session
 * (the bystander, which noticed nothing and still gets its calls), one LISTEN, no errors.
 */

/** The fuzz directory: also the process-level fuzz's (`process-properties.ts`). */
export const FUZZ_DIRECTORY = {
  sessions: {
    'apex-a': 'ALICE',
    'apex-a2': 'alice',
    'apex-b': 'BOB',
    'apex-nophone': 'CAROL',
    'apex-by': 'BYSTANDER',
  },
  users: { ALICE: '201', BOB: '202', BYSTANDER: '299' },
};

/** What the cases reached, summed over a run. */
export const socketCoverage = new Map<string, number>();
const count = (what: string): void => {
  socketCoverage.set(what, (socketCoverage.get(what) ?? 0) + 1);
};

const LINE =
  /^(?:(?:LISTEN|UNLISTEN) [0-9A-Za-z*#+._-]{1,32}|CALL [0-9A-Za-z*#+._-]{1,32} \+?[0-9*#]{1,32}|PING)$/;

/** Close codes that are the WebSocket layer's, not STOMP's: no ERROR frame is owed. */
const TRANSPORT_CLOSES = new Set([1009]);

export interface SocketCase {
  clients: Array<{ via: 'raw' | 'sockjs'; opening: Burst }>;
  steps: Array<
    | { kind: 'send'; client: number; burst: Burst }
    | { kind: 'ring'; ext: string }
    | { kind: 'vanish'; client: number }
  >;
}

export const socketCase: fc.Arbitrary<SocketCase> = fc.boolean().chain((chaos) =>
  fc.record({
    clients: fc.array(
      fc.record({
        via: fc.constantFrom('raw' as const, 'sockjs' as const),
        opening: opening(chaos),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    steps: fc.array(
      fc.oneof(
        {
          weight: 8,
          arbitrary: fc.record({
            kind: fc.constant('send' as const),
            client: fc.nat(3),
            burst: burst(['c0'], chaos),
          }),
        },
        {
          weight: 2,
          arbitrary: fc.record({
            kind: fc.constant('ring' as const),
            ext: fc.constantFrom('201', '202', '299', '999'),
          }),
        },
        {
          weight: 1,
          arbitrary: fc.record({ kind: fc.constant('vanish' as const), client: fc.nat(3) }),
        },
      ),
      { maxLength: 12 },
    ),
  }),
);

/** One client connection and what it saw. */
class FuzzClient {
  readonly frames: string[] = [];
  closeCode: number | null = null;
  /** We closed it first (a page going away), so no ERROR is owed. */
  leftFirst = false;
  readonly closed: Promise<void>;
  readonly opened: Promise<void>;
  readonly #ws: WebSocket;

  constructor(
    readonly via: 'raw' | 'sockjs',
    h: Harness,
  ) {
    const url =
      via === 'raw'
        ? h.wsUrl
        : `${h.base.replace('http', 'ws')}/tapi-messenger/000/${randomBytes(6).toString('hex')}/websocket`;
    this.#ws =
      via === 'raw'
        ? new WebSocket(url, ['v12.stomp', 'v11.stomp', 'v10.stomp'])
        : new WebSocket(url);
    this.#ws.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      this.#ws.once('close', (code: number) => {
        this.closeCode ??= code;
        resolve();
      }),
    );
    this.opened = new Promise((resolve, reject) => {
      this.#ws.once('close', () => reject(new Error(`${via} client closed before opening`)));
      if (via === 'raw') this.#ws.once('open', () => resolve());
      this.#ws.on('message', (data: Buffer) => {
        const text = data.toString('utf8');
        if (via === 'raw') {
          this.frames.push(text);
          return;
        }
        if (text === 'o') resolve();
        else if (text.startsWith('a')) this.frames.push(...(JSON.parse(text.slice(1)) as string[]));
        else if (text.startsWith('c')) {
          const [code] = JSON.parse(text.slice(1)) as [number, string];
          this.closeCode ??= code;
        }
      });
    });
  }

  get open(): boolean {
    return this.#ws.readyState === WebSocket.OPEN && this.closeCode === null;
  }

  send(piece: Buffer): void {
    if (!this.open) return;
    if (this.via === 'raw') this.#ws.send(piece);
    else this.#ws.send(JSON.stringify([piece.toString('utf8')]));
  }

  leave(): void {
    if (this.#ws.readyState === WebSocket.CLOSED || this.closeCode !== null) return;
    this.leftFirst = true;
    this.#ws.close();
  }
}

export interface SocketFuzz {
  h: Harness;
  bystander: ModernClient;
  run(c: SocketCase): Promise<void>;
  stop(): Promise<void>;
}

/** Starts an agent (with small limits so that cases reach them) and a bystander. */
export async function startSocketFuzz(): Promise<SocketFuzz> {
  const errors: string[] = [];
  const logger: Logger = {
    error: (m) => errors.push(m),
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
  };
  const h = await startHarness({
    logger,
    directoryContents: FUZZ_DIRECTORY,
    config: {
      server: {
        heartbeatMs: [0, 0],
        maxFrameBytes: 1024,
        maxSubscriptions: 4,
        maxFramesPerSecond: 20,
        maxSessions: 4,
      },
    },
  });
  const protocolErrors: string[] = [];
  onAgentEvent(h.agent, 'protocol-error', ({ code }) => {
    protocolErrors.push(code);
    count(`closed: ${code}`);
    if (code === 'INTERNAL_ERROR') errors.push('INTERNAL_ERROR');
  });
  let bystander: ModernClient;
  try {
    bystander = await connectModern(h.wsUrl);
    bystander.subscribe('/user/queue/incoming-call');
    bystander.subscribe('/topic/is-listen-init');
    const reply = bystander.next('/topic/is-listen-init');
    bystander.client.publish({ destination: '/tapi/listen', headers: { apex_session: 'apex-by' } });
    await reply;
    await waitUntil(() => h.sim.lines.includes('LISTEN 299'), 5000, 'LISTEN 299');
  } catch (error) {
    await h.stop();
    throw error;
  }
  const listening = new Set(['299']);
  let linesSeen = h.sim.lines.length;
  let callNo = 0;

  async function run(c: SocketCase): Promise<void> {
    const errorsBefore = protocolErrors.length;
    const linesBefore = h.sim.lines.length;
    const clients = c.clients.map((spec) => new FuzzClient(spec.via, h));
    await Promise.allSettled(clients.map((client) => client.opened));
    c.clients.forEach((spec, i) => {
      for (const piece of burstBytes(spec.opening)) clients[i]?.send(piece);
    });
    for (const step of c.steps) {
      if (step.kind === 'ring') {
        h.sim.ring(step.ext, '+4812', `fuzz-${++callNo}`);
        continue;
      }
      const client = clients[step.client % clients.length];
      if (!client) continue;
      if (step.kind === 'vanish') client.leave();
      else for (const piece of burstBytes(step.burst)) client.send(piece);
    }
    for (const client of clients) client.leave();
    await Promise.all(clients.map((client) => client.closed));
    await waitUntil(
      () =>
        h.agent.summary().connections === 1 &&
        h.agent.snapshot().sessions.length === 1 &&
        h.agent
          .snapshot()
          .phones.map((p) => p.phone)
          .join() === '299',
      5000,
      'the agent to forget every fuzz client',
    );
    // What TapiServer was told must come back to exactly one LISTEN: wait for the lines.
    await waitUntil(
      () => {
        for (; linesSeen < h.sim.lines.length; linesSeen++) {
          const line = h.sim.lines[linesSeen] as string;
          assert.match(line, LINE, 'a line to TapiServer holds only allowed tokens');
          const [verb, ext = ''] = line.split(' ');
          if (verb === 'LISTEN') {
            assert.ok(!listening.has(ext), `LISTEN ${ext} twice`);
            listening.add(ext);
          } else if (verb === 'UNLISTEN') {
            assert.ok(listening.delete(ext), `UNLISTEN ${ext} without LISTEN`);
          }
        }
        return [...listening].join() === '299';
      },
      5000,
      'TapiServer to listen to the bystander only',
    );
    assert.deepEqual(errors, [], 'no internal error');
    // Every protocol error or limit gave its client an ERROR frame before the close.
    let errored = 0;
    for (const line of h.sim.lines.slice(linesBefore)) count(`line: ${line.split(' ')[0] ?? ''}`);
    for (const client of clients) {
      for (const frame of client.frames) {
        const m = /^(MESSAGE\ndestination:(\/user\/queue\/incoming-call|[^\n]*)|[A-Z]+)/.exec(
          frame,
        );
        count(`${client.via} got ${m?.[2] ?? m?.[1] ?? 'heart-beat'}`.slice(0, 60));
      }
      const gotError = client.frames.some((f) => f.startsWith('ERROR\n'));
      if (gotError) {
        errored++;
        assert.ok(client.frames.at(-1)?.startsWith('ERROR\n'), 'nothing after ERROR');
        // A SockJS session is closed just after sockjs's loop over the message that broke it;
        // a client that closed in the same breath may see its own close (1000) instead.
        if (!client.leftFirst) assert.notEqual(client.closeCode, 1000);
      } else if (!client.leftFirst && !TRANSPORT_CLOSES.has(client.closeCode ?? 0)) {
        assert.equal(
          client.closeCode,
          1000,
          `closed by the server (${client.closeCode}) without ERROR`,
        );
      }
    }
    assert.equal(errored, protocolErrors.length - errorsBefore, 'one ERROR per protocol error');
    // The bystander noticed nothing.
    assert.equal(bystander.client.connected, true);
    const check = `check-${++callNo}`;
    const popped = (async () => {
      for (;;) {
        const pop = await bystander.next('/user/queue/incoming-call');
        if ((JSON.parse(pop.body) as { callId: string }).callId === check) return;
      }
    })();
    h.sim.ring('299', '+4899', check);
    await popped;
  }

  return {
    h,
    bystander,
    run,
    async stop() {
      await bystander.close();
      await h.stop();
    },
  };
}
