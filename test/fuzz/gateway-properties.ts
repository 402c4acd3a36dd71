import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SessionTable } from '../../src/main/stomp/session-table.js';
import type { StompSession } from '../../src/main/stomp/stomp-session.js';
import { FakeTransport } from '../helpers/fake-transport.js';
import { CallRouter } from '../../src/main/core/call-router.js';
import { encodeCommand } from '../../src/main/tapi/line-codec.js';
import type { LinkPort, TapiCommand } from '../../src/main/core/tapi-port.js';
import type { Directory, Resolution } from '../../src/main/core/directory.js';
import type { Logger } from '../../src/main/core/log.js';
import { serverSchema } from '../../src/main/config/schema.js';
import { burst, burstBytes, opening, type Burst } from './stomp-arbitraries.js';

/**
 * The gateway's session handling and the application behind it, driven without sockets: a
 * SessionTable with fake transports, the real CallRouter and phone map, a link that records
 * lines, a directory whose answers arrive when the script says. Each case is a few clients
 * sending generated, mutated and split frames, interleaved with calls ringing, time passing,
 * directory answers, clients that stop reading and clients that vanish. After every step:
 *
 * - nothing escaped as an exception or was logged as an internal error;
 * - every session closed for a protocol error or a limit got ERROR (slow consumers excepted:
 *   they are cut off) and nothing after it; every other server close was a clean one;
 * - the bystander, a well-behaved client, is never closed and gets every call for its phone;
 * - a call reaches only sessions bound to the ringing phone;
 * - the phone map equals the set of open listening sessions, and what TapiServer was told
 *   (LISTEN/UNLISTEN replayed) equals the phone map; never a LISTEN twice or an UNLISTEN
 *   without a LISTEN;
 * - every line to TapiServer is made of allowed tokens only.
 * And when every client is gone, nothing is left: no session, no binding, no LISTEN.
 */

export const FUZZ_DIRECTORY: Record<string, Resolution> = {
  'apex-a': { kind: 'found', user: 'ALICE', phone: '201' },
  'apex-a2': { kind: 'found', user: 'ALICE', phone: '201' },
  'apex-b': { kind: 'found', user: 'BOB', phone: '202' },
  'apex-nophone': { kind: 'no-phone', user: 'CAROL' },
  'apex-down': { kind: 'unavailable', reason: 'database down' },
  'apex-by': { kind: 'found', user: 'BYSTANDER', phone: '299' },
};

const LINE =
  /^(?:(?:LISTEN|UNLISTEN) [0-9A-Za-z*#+._-]{1,32}|CALL [0-9A-Za-z*#+._-]{1,32} \+?[0-9*#]{1,32}|PING)\n$/;

export const LIMITS = serverSchema.parse({
  maxFrameBytes: 1024,
  heartbeatMs: [0, 0],
  maxSubscriptions: 4,
  maxFramesPerSecond: 12,
  maxPendingBytes: 4096,
  sendStallMs: 3000,
  maxSessions: 4,
});

const CLIENT_IDS = ['c0', 'c1', 'c2', 'c3'];
const BYSTANDER = 'by';

class FakeLink implements LinkPort {
  readonly lines: string[] = [];
  readonly listening = new Set<string>();
  isConnected = true;
  send(command: TapiCommand): boolean {
    const line = encodeCommand(command);
    assert.match(line, LINE, 'a line to TapiServer holds only allowed tokens');
    if (command.verb === 'LISTEN') {
      assert.ok(!this.listening.has(command.ext), `LISTEN ${command.ext} twice`);
      this.listening.add(command.ext);
    } else if (command.verb === 'UNLISTEN') {
      assert.ok(this.listening.delete(command.ext), `UNLISTEN ${command.ext} without LISTEN`);
    }
    this.lines.push(line);
    return true;
  }
}

/** Answers at once, or (when `slow`) when the script says so, in whatever order it says. */
class ScriptedDirectory implements Directory {
  readonly #pending: Array<() => void> = [];
  slow = false;
  resolve(apexSession: string): Promise<Resolution> {
    const answer = FUZZ_DIRECTORY[apexSession] ?? { kind: 'not-found' };
    if (!this.slow) return Promise.resolve(answer);
    return new Promise((resolve) => this.#pending.push(() => resolve(answer)));
  }
  answer(index: number): void {
    if (this.#pending.length === 0) return;
    const [next] = this.#pending.splice(index % this.#pending.length, 1);
    next?.();
  }
  answerAll(): void {
    while (this.#pending.length > 0) this.answer(0);
  }
  state() {
    return {
      type: 'fuzz',
      health: 'ok' as const,
      source: 'memory',
      lastError: null,
      since: 0,
    };
  }
  onStateChange(): () => void {
    return () => undefined;
  }
  async close(): Promise<void> {}
}

export type Step =
  | { kind: 'send'; client: number; burst: Burst }
  | { kind: 'ring'; ext: string }
  | { kind: 'tick'; ms: number }
  | { kind: 'answer'; index: number }
  | { kind: 'reading'; client: number; reading: boolean }
  | { kind: 'vanish'; client: number };

export interface Case {
  openings: Burst[];
  /** Directory answers wait for `answer` steps (out of order, late, after the client left). */
  slowDirectory: boolean;
  steps: Step[];
}

const clientIndex = fc.integer({ min: 0, max: CLIENT_IDS.length - 1 });

/** Half the cases are calm (well-formed frames only) so that sessions live long. */
export const caseArbitrary: fc.Arbitrary<Case> = fc.boolean().chain((chaos) =>
  fc.record({
    openings: fc.array(opening(chaos), { minLength: 1, maxLength: CLIENT_IDS.length }),
    slowDirectory: fc.boolean(),
    steps: fc.array(
      fc.oneof(
        {
          weight: 8,
          arbitrary: fc.record({
            kind: fc.constant('send' as const),
            client: clientIndex,
            burst: burst(CLIENT_IDS, chaos),
          }),
        },
        {
          weight: 5,
          arbitrary: fc.record({
            kind: fc.constant('ring' as const),
            ext: fc.constantFrom(
              '201' as const,
              '202' as const,
              '201' as const,
              '299' as const,
              '999' as const,
            ),
          }),
        },
        {
          weight: 3,
          arbitrary: fc.record({
            kind: fc.constant('tick' as const),
            ms: fc.constantFrom(0, 10, 100, 1000, 5000),
          }),
        },
        {
          weight: 3,
          arbitrary: fc.record({ kind: fc.constant('answer' as const), index: fc.nat() }),
        },
        {
          weight: 2,
          arbitrary: fc.record({
            kind: fc.constant('reading' as const),
            client: clientIndex,
            reading: fc.boolean(),
          }),
        },
        {
          weight: 1,
          arbitrary: fc.record({ kind: fc.constant('vanish' as const), client: clientIndex }),
        },
      ),
      { minLength: 2, maxLength: 30 },
    ),
  }),
);

/** What the cases reached, summed over a run (a fuzz that never reaches a branch proves nothing). */
export const coverage = new Map<string, number>();
const count = (what: string): void => {
  coverage.set(what, (coverage.get(what) ?? 0) + 1);
};

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface ClientState {
  id: string;
  transport: FakeTransport;
  session: StompSession | null;
}

/** Runs one case and checks every invariant; throws (an assertion) on the first violation. */
export async function runCase(c: Case): Promise<void> {
  let clock = 1_000_000;
  const internalErrors: string[] = [];
  const logger: Logger = {
    error: (m) => internalErrors.push(m),
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
  };
  const link = new FakeLink();
  const directory = new ScriptedDirectory();
  const router = new CallRouter(directory, link, logger);
  const table = new SessionTable(LIMITS, router, logger, () => clock);
  const closedFor = new Map<string, string>();
  table.on('protocol-error', ({ sessionId, code }) => {
    if (code === 'INTERNAL_ERROR') internalErrors.push(`INTERNAL_ERROR in ${sessionId}`);
    if (!closedFor.has(sessionId)) closedFor.set(sessionId, code);
    count(`closed: ${code}`);
  });

  // The bystander: connected, subscribed, listening on 299 before the others arrive.
  const byTransport = new FakeTransport();
  const bySession = table.open(BYSTANDER, byTransport);
  assert.ok(bySession);
  bySession.receive(
    Buffer.from(
      'CONNECT\naccept-version:1.2\n\n\0SUBSCRIBE\nid:0\ndestination:/user/queue/incoming-call\n\n\0' +
        'SEND\ndestination:/tapi/listen\napex_session:apex-by\n\n\0',
    ),
  );
  directory.answerAll();
  await flush();
  assert.deepEqual([...link.listening], ['299']);
  directory.slow = c.slowDirectory;

  const clients: ClientState[] = c.openings.map((_, i) => {
    const id = CLIENT_IDS[i] as string;
    const transport = new FakeTransport();
    return { id, transport, session: table.open(id, transport) };
  });
  const feed = (client: ClientState, b: Burst): void => {
    for (const piece of burstBytes(b)) {
      if (client.transport.closedWith !== null) return;
      client.session?.receive(piece);
    }
  };
  c.openings.forEach((b, i) => feed(clients[i] as ClientState, b));
  await flush();
  check(clients, table, router, link, byTransport, closedFor, internalErrors);

  for (const step of c.steps) {
    const client = 'client' in step ? clients[step.client % clients.length] : undefined;
    switch (step.kind) {
      case 'send':
        if (client) feed(client, step.burst);
        break;
      case 'ring': {
        const bound = new Map(router.sessions().map((s) => [s.id, s.phone]));
        const before = clients.map((cl) => cl.transport.sent.length);
        const byBefore = byTransport.sent.length;
        router.linkMessage({
          kind: 'incoming',
          ext: step.ext,
          caller: '+4812',
          callId: null,
          name: null,
        });
        clients.forEach((cl, i) => {
          const pops = cl.transport.sent
            .slice(before[i])
            .filter((f) => f.startsWith('MESSAGE\ndestination:/user/queue/incoming-call'));
          if (pops.length > 0) {
            assert.equal(bound.get(cl.id), step.ext, `${cl.id} got a call for ${step.ext}`);
          }
        });
        for (const cl of clients) {
          if (bound.get(cl.id) !== step.ext) continue;
          count('ring: a fuzz client is bound');
          if ((cl.session?.subscriptionCount ?? 0) > 0) count('ring: ... and subscribed');
        }
        const byPops = byTransport.sent.slice(byBefore).filter((f) => f.startsWith('MESSAGE'));
        assert.equal(byPops.length, step.ext === '299' ? 1 : 0, 'the bystander gets its calls');
        break;
      }
      case 'tick':
        clock += step.ms;
        break;
      case 'answer':
        directory.answer(step.index);
        break;
      case 'reading':
        if (client) {
          client.transport.reading = step.reading;
          if (step.reading) client.transport.pending = 0;
        }
        break;
      case 'vanish':
        if (client && client.transport.closedWith === null) {
          client.transport.closedWith = 1006;
          client.session?.transportClosed('client went away');
        }
        break;
    }
    await flush();
    check(clients, table, router, link, byTransport, closedFor, internalErrors);
  }

  // Everybody leaves; late directory answers must not bind anything.
  for (const client of clients) {
    if (client.transport.closedWith === null) {
      client.transport.closedWith = 1006;
      client.session?.transportClosed('client went away');
    }
  }
  directory.answerAll();
  await flush();
  check(clients, table, router, link, byTransport, closedFor, internalErrors);
  for (const line of link.lines) count(`line: ${line.split(' ')[0]?.trim() ?? ''}`);
  for (const client of clients) {
    for (const frame of client.transport.sent) {
      const m = /^(MESSAGE\ndestination:([^\n]*)|[A-Z]+)/.exec(frame);
      count(`frame: ${m?.[2] ?? m?.[1] ?? 'heart-beat'}`.slice(0, 60));
    }
  }
  assert.equal(table.size, 1, 'only the bystander is left');
  assert.deepEqual(
    router.sessions().map((s) => [s.id, s.phone]),
    [[BYSTANDER, '299']],
  );
  assert.deepEqual([...link.listening], ['299'], 'no LISTEN left behind');
  table.closeAll('end of case');
  assert.equal(table.size, 0);
  assert.equal(router.registry.sessionCount, 0);
  assert.deepEqual([...link.listening], []);
}

function check(
  clients: readonly ClientState[],
  table: SessionTable,
  router: CallRouter,
  link: FakeLink,
  bystander: FakeTransport,
  closedFor: ReadonlyMap<string, string>,
  internalErrors: readonly string[],
): void {
  assert.deepEqual(internalErrors, [], 'no internal error');
  assert.equal(bystander.closedWith, null, 'the bystander is never closed');
  for (const client of clients) {
    const { transport, id } = client;
    assert.equal(transport.sentAfterClose, 0, `${id}: nothing is sent after the close`);
    const code = closedFor.get(id);
    if (code !== undefined) {
      assert.notEqual(transport.closedWith, null, `${id} (${code}) was closed`);
      if (code === 'SLOW_CONSUMER') {
        assert.equal(transport.closedWith, 'abort', `${id}: a slow consumer is cut off`);
      } else {
        assert.ok(
          transport.sent.at(-1)?.startsWith('ERROR\n'),
          `${id} (${code}): ERROR is the last frame`,
        );
        assert.notEqual(transport.closedWith, 1000);
      }
    } else if (transport.closedWith !== null && transport.closedWith !== 1006) {
      assert.equal(transport.closedWith, 1000, `${id}: closed without ERROR only when clean`);
      assert.ok(!transport.sent.some((f) => f.startsWith('ERROR\n')), `${id}: no stray ERROR`);
    }
  }
  // The phone map: bound sessions are open, and TapiServer listens to exactly their phones.
  const phones = new Set<string>();
  for (const view of router.sessions()) {
    assert.ok(table.get(view.id)?.isOpen, `${view.id} is known to the router but closed`);
    if (view.phone !== null) phones.add(view.phone);
  }
  assert.equal(
    router.sessions().length,
    [...table.values()].filter((s) => s.isConnectedOnce).length,
  );
  assert.deepEqual([...phones].sort(), router.registry.phones().sort());
  assert.deepEqual([...link.listening].sort(), [...phones].sort());
}
