import { parseArgs } from 'node:util';
import { SessionTable } from '../src/main/stomp/session-table.js';
import type { Transport } from '../src/main/stomp/transport.js';
import { CallRouter } from '../src/main/core/call-router.js';
import type { LinkPort, TapiMessage } from '../src/main/core/tapi-port.js';
import { silentLogger } from '../src/main/core/log.js';
import { serverSchema } from '../src/main/config/schema.js';
import { parseLine } from '../src/main/tapi/line-codec.js';
import type { Directory, Resolution } from '../src/main/core/directory.js';
import { encodeClientFrame } from './mini-stomp.js';
import { phoneOf } from './workload.js';

/**
 * The screen-pop hot path in one process, without sockets: the real SessionTable, StompSessions
 * and CallRouter with transports that only count what they are given. What is left is our own
 * CPU per call (line parsing, JSON, lookups, frame serialisation per subscription), the part a
 * code change can move; the syscalls and the kernel's loopback are measured by `run.ts`.
 *
 *   npx tsx bench/fanout-micro.ts [--sessions 2000 --phones 500 --calls 200000 --page-subscriptions]
 */

class CountingTransport implements Transport {
  readonly kind = 'websocket (raw)';
  readonly remoteAddress = '127.0.0.1';
  frames = 0;
  bytes = 0;
  send(text: string): void {
    this.frames++;
    this.bytes += text.length;
  }
  close(): void {}
  abort(): void {}
  pendingBytes(): number {
    return 0;
  }
}

function directory(sessions: number, phones: number): Directory {
  const state = {
    type: 'memory',
    health: 'ok' as const,
    source: 'bench',
    lastError: null,
    since: Date.now(),
  };
  return {
    resolve: (apex): Promise<Resolution> => {
      const i = Number(apex.slice('apex-'.length));
      return Promise.resolve(
        Number.isInteger(i) && i < sessions
          ? { kind: 'found', user: `USER${i % phones}`, phone: phoneOf(i, phones) }
          : { kind: 'not-found' },
      );
    },
    state: () => state,
    onStateChange: () => () => undefined,
    close: () => Promise.resolve(),
  };
}

export interface MicroResult {
  calls: number;
  frames: number;
  nsPerCall: number;
  nsPerFrame: number;
  parseNsPerCall: number;
}

export async function fanoutMicro(
  sessions: number,
  phones: number,
  calls: number,
  pageSubscriptions: boolean,
): Promise<MicroResult> {
  const link: LinkPort = { isConnected: true, send: () => true };
  const router = new CallRouter(directory(sessions, phones), link, silentLogger());
  const table = new SessionTable(
    serverSchema.parse({ heartbeatMs: [0, 0], maxFramesPerSecond: 1000 }),
    router,
    silentLogger(),
  );
  const transports: CountingTransport[] = [];
  for (let i = 0; i < sessions; i++) {
    const transport = new CountingTransport();
    transports.push(transport);
    const session = table.open(`s${i}`, transport);
    if (!session) throw new Error('session refused');
    const frames = [
      encodeClientFrame('CONNECT', { 'accept-version': '1.1,1.0', 'heart-beat': '0,0' }),
      ...(pageSubscriptions
        ? [
            // What the reference page subscribes to: its STOMP session id and its APEX session.
            encodeClientFrame('SUBSCRIBE', {
              id: 'a',
              destination: `/user/queue/incoming-call-user${session.id}`,
            }),
            encodeClientFrame('SUBSCRIBE', {
              id: 'b',
              destination: `/user/queue/incoming-call-userapex-${i}`,
            }),
          ]
        : [encodeClientFrame('SUBSCRIBE', { id: 'a', destination: '/user/queue/incoming-call' })]),
      encodeClientFrame('SEND', { destination: '/tapi/listen', apex_session: `apex-${i}` }),
    ];
    session.receive(Buffer.from(frames.join('')));
  }
  await new Promise((r) => setImmediate(r));
  if (router.registry.sessionCount !== sessions) throw new Error('not every session is bound');
  for (const t of transports) t.frames = 0;

  const lines = Array.from(
    { length: phones * 4 },
    (_, k) => `INCOMING ${phoneOf(k, phones)} +48225550${String(k % 1000).padStart(3, '0')} c-${k}`,
  );
  // Warm up, then time parsing alone and the whole path.
  const parsed: TapiMessage[] = [];
  for (const line of lines) {
    const result = parseLine(Buffer.from(line));
    if (!result.ok) throw new Error(result.problem);
    parsed.push(result.message);
  }
  for (let k = 0; k < 20_000; k++) router.linkMessage(parsed[k % parsed.length] as TapiMessage);
  const buffers = lines.map((line) => Buffer.from(line));
  let start = process.hrtime.bigint();
  for (let k = 0; k < calls; k++) parseLine(buffers[k % buffers.length] as Buffer);
  const parseNs = Number(process.hrtime.bigint() - start);
  for (const t of transports) t.frames = 0;
  start = process.hrtime.bigint();
  for (let k = 0; k < calls; k++) {
    const result = parseLine(buffers[k % buffers.length] as Buffer);
    if (result.ok) router.linkMessage(result.message);
  }
  const totalNs = Number(process.hrtime.bigint() - start);
  const frames = transports.reduce((n, t) => n + t.frames, 0);
  table.closeAll('done');
  return {
    calls,
    frames,
    nsPerCall: totalNs / calls,
    nsPerFrame: totalNs / frames,
    parseNsPerCall: parseNs / calls,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sessions: { type: 'string', default: '2000' },
      phones: { type: 'string', default: '500' },
      calls: { type: 'string', default: '200000' },
      'page-subscriptions': { type: 'boolean', default: false },
      rounds: { type: 'string', default: '5' },
    },
  });
  const sessions = Number(values.sessions);
  const phones = Number(values.phones);
  const calls = Number(values.calls);
  const rounds = Number(values.rounds);
  const results: MicroResult[] = [];
  for (let r = 0; r < rounds; r++) {
    results.push(await fanoutMicro(sessions, phones, calls, values['page-subscriptions']));
  }
  const best = results.reduce((a, b) => (b.nsPerCall < a.nsPerCall ? b : a));
  const perCall = results.map((r) => (r.nsPerCall / 1000).toFixed(2)).join(', ');
  console.log(
    `${sessions} sessions / ${phones} phones, ${values['page-subscriptions'] ? 'two page subscriptions' : 'one subscription'} each, ${calls} calls × ${rounds} rounds`,
  );
  console.log(`µs per call (each round): ${perCall}`);
  console.log(
    `best: ${(best.nsPerCall / 1000).toFixed(2)} µs per call (of which line parsing ${(best.parseNsPerCall / 1000).toFixed(2)} µs), ` +
      `${(best.nsPerFrame / 1000).toFixed(2)} µs per screen-pop frame, ${Math.round(1e9 / best.nsPerFrame).toLocaleString('en-US')} frames/s on one core`,
  );
}

if (process.argv[1]?.endsWith('fanout-micro.ts')) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
