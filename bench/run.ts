import { parseArgs } from 'node:util';
import os from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TapiSimulator } from '../tools/tapi-simulator.js';
import { AgentProcess, CLI, coldStart, freePort } from './agent-process.js';
import { nowMicros, stampCallId } from './clock.js';
import { InspectorClient } from './inspector.js';
import { formatProfile, summarizeProfile } from './profile-summary.js';
import { measureFloor } from './floor.js';
import { formatAllocations, summarizeAllocations } from './allocation-summary.js';
import { ProcessMeter, cpuSeconds, memory } from './proc-stats.js';
import type {
  ClientTransport,
  FromWorker,
  SessionSpec,
  Target,
  WorkerSamples,
} from './protocol.js';
import { LOGIN, PASSCODE, RabbitMq, RabbitPublisher, rabbitmqAvailability } from './rabbitmq.js';
import {
  complete,
  floorLine,
  markdownTable,
  recordRun,
  runSection,
  targets,
  type RunReport,
  type SystemResult,
} from './report.js';
import type { AgentScrape } from './metrics-scrape.js';
import { countOver, scrape, sharesWithin } from './metrics-scrape.js';
import { concatSamples, summarize, type LatencySummary } from './stats.js';
import { WorkerPool } from './worker-pool.js';
import {
  blast,
  directoryFile,
  expectedFrames,
  paced,
  phoneOfCall,
  sessionSpecs,
  shareOut,
  type Workload,
} from './workload.js';

/**
 * `npm run bench`: screen-pop latency and fan-out at office scale, our agent side by side with
 * RabbitMQ Web-STOMP on the same workload. See docs/benchmarks.md for the method.
 */

const USAGE = `usage: npm run bench [-- options]
  --quick             a short run (< 60 s): 500 sessions, 5 s of calls, 4,000-call burst
  --sessions N        STOMP sessions (2000; quick 500)
  --phones P          phones they are bound to (500; quick 125)
  --rate R            calls per second in the latency phase (200)
  --seconds T         length of the latency phase (30; quick 5)
  --warmup S          calls at the same rate before it, not timed (5; quick 3)
  --sockjs F          share of sessions over SockJS, 0..1 (0)
  --burst M           calls sent at once in the throughput phase (20000; quick 4000)
  --heartbeat MS      heart-beat clients offer both ways, as stompjs 2.3.3 pages do (10000; 0: none)
  --workers W         client worker processes (2)
  --cold-starts K     agent cold starts to take the median of (5; quick 1)
  --log-level L       the agent's log.level (info, as shipped: a line per call)
  --no-peer           skip RabbitMQ Web-STOMP
  --profile           CPU-profile the agent during the call phases (out/bench/*.cpuprofile)
  --alloc-profile     sample what the agent allocates during the latency phase (bytes per call)
  --record            add the results to docs/benchmarks.md (default for full runs)
  --no-record         do not`;

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const DOC = path.join(root, 'docs/benchmarks.md');
const AGENT_PATH = '/tapi-messenger';

interface Options {
  workload: Workload;
  heartbeatMs: number;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  workers: number;
  warmupSeconds: number;
  coldStarts: number;
  peer: boolean;
  profile: boolean;
  allocProfile: boolean;
  record: boolean;
  command: string;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      sessions: { type: 'string' },
      phones: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      sockjs: { type: 'string' },
      burst: { type: 'string' },
      workers: { type: 'string' },
      heartbeat: { type: 'string' },
      'cold-starts': { type: 'string' },
      'log-level': { type: 'string' },
      'no-peer': { type: 'boolean' },
      profile: { type: 'boolean' },
      'alloc-profile': { type: 'boolean' },
      record: { type: 'boolean' },
      'no-record': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick === true;
  const num = (value: string | undefined, fallback: number, name: string, min = 1): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`);
    return n;
  };
  const sockjsShare = num(values.sockjs, 0, 'sockjs', 0);
  const logLevel = values['log-level'] ?? 'info';
  if (logLevel !== 'error' && logLevel !== 'warn' && logLevel !== 'info' && logLevel !== 'debug') {
    throw new Error('--log-level is one of error, warn, info, debug');
  }
  if (sockjsShare > 1) throw new Error('--sockjs is a share between 0 and 1');
  return {
    workload: {
      sessions: Math.round(num(values.sessions, quick ? 500 : 2000, 'sessions')),
      phones: Math.round(num(values.phones, quick ? 125 : 500, 'phones')),
      rate: num(values.rate, 200, 'rate'),
      seconds: num(values.seconds, quick ? 5 : 30, 'seconds'),
      sockjsShare,
      blastCalls: Math.round(num(values.burst, quick ? 4000 : 20000, 'burst')),
    },
    logLevel,
    workers: Math.round(num(values.workers, 2, 'workers')),
    heartbeatMs: Math.round(num(values.heartbeat, 10_000, 'heartbeat', 0)),
    warmupSeconds: num(values.warmup, quick ? 3 : 5, 'warmup', 0),
    coldStarts: Math.round(num(values['cold-starts'], quick ? 1 : 5, 'cold-starts')),
    peer: values['no-peer'] !== true,
    profile: values.profile === true,
    allocProfile: values['alloc-profile'] === true,
    record: values['no-record'] === true ? false : values.record === true || !quick,
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
  };
}

/** What must go at once if the run is interrupted (the broker runs in its own process group). */
const onInterrupt = new Set<() => void>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const stop of onInterrupt) stop();
    process.exit(130);
  });
}

/** Scrapes of `/metrics` timed with N idle sessions (the minimum is the cost, the rest noise). */
const SCRAPES = 15;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const callerOf = (seq: number): string => `+4822555${String(seq % 10000).padStart(4, '0')}`;

/** What the measurement needs of a system under test. */
interface System {
  name: string;
  pid: number;
  target: Target;
  /** Rings call `seq`: stamps it and writes it (our agent: an INCOMING line; the peer: a SEND). */
  publish(seq: number): void;
  /** Bytes the publisher has not written yet (the burst waits above a few MiB). */
  backlog(): number;
  /** A full GC before an RSS sample, where the system allows one. */
  gc?(): Promise<void>;
  /** The agent's own metrics (latency histogram, event loop delay, GC), where it has them. */
  serverLatency?(): Promise<AgentScrape>;
  /** Live JS heap in bytes (after `gc`), where the system can tell. */
  heapUsed?(): Promise<number>;
  /** Opens an inspector session (for the CPU profile); the caller closes it. */
  inspect?(): Promise<InspectorClient>;
}

interface Context {
  opts: Options;
  pool: WorkerPool;
  specs: SessionSpec[];
}

/** Sums the workers' counts, waiting until `expected` arrived or nothing moved for `stallMs`. */
async function awaitDelivery(pool: WorkerPool, expected: number, stallMs = 10_000): Promise<void> {
  let seen = -1;
  let movedAt = Date.now();
  for (;;) {
    const answers = await pool.ask({ type: 'progress' });
    let received = 0;
    for (const a of answers) if (a.type === 'progress') received += a.received;
    if (received >= expected) {
      await sleep(200); // duplicates, if any, would arrive now
      return;
    }
    if (received !== seen) {
      seen = received;
      movedAt = Date.now();
    } else if (Date.now() - movedAt > stallMs) {
      return;
    }
    await sleep(25);
  }
}

interface Collected {
  slow: Array<[number, number]>;
  received: number;
  malformed: number;
  lastAt: number;
  latencies: Record<ClientTransport, Float64Array>;
}

async function collect(pool: WorkerPool): Promise<Collected> {
  const answers = (await pool.ask({ type: 'collect' })).filter(
    (a): a is WorkerSamples => a.type === 'samples',
  );
  const us = (t: ClientTransport): Float64Array =>
    concatSamples(answers.map((a) => a.latencies[t])).map((v) => v / 1000);
  return {
    slow: answers.flatMap((a) => a.slow),
    received: answers.reduce((n, a) => n + a.received, 0),
    malformed: answers.reduce((n, a) => n + a.malformed, 0),
    lastAt: Math.max(...answers.map((a) => a.lastAt)),
    latencies: { websocket: us('websocket'), sockjs: us('sockjs') },
  };
}

async function memoryAfterGc(system: System): Promise<{ rssKiB: number; heapKiB: number }> {
  await system.gc?.();
  await sleep(500);
  const heap = system.heapUsed ? await system.heapUsed() : Number.NaN;
  return { rssKiB: memory(system.pid).rssKiB, heapKiB: heap / 1024 };
}

/** The phases every system goes through: idle, connect, latency, throughput, close. */
async function measure(
  system: System,
  ctx: Context,
  specs: SessionSpec[],
): Promise<Omit<SystemResult, 'coldStartMs' | 'coldStarts'> & { clientCpuPercent: number }> {
  const { opts, pool } = ctx;
  const w = opts.workload;
  const notes: string[] = [];
  const log = (text: string): void => console.log(`  [${system.name}] ${text}`);

  await sleep(1000);
  const idle = await memoryAfterGc(system);
  const rssIdleKiB = idle.rssKiB;

  const connectStart = performance.now();
  const opened = await pool.ask(
    shareOut(specs, opts.workers).map((sessions) => ({
      type: 'open' as const,
      target: system.target,
      sessions,
      concurrency: 32,
      heartbeatMs: opts.heartbeatMs,
    })),
    300_000,
  );
  const connectSeconds = (performance.now() - connectStart) / 1000;
  const failed = opened.reduce((n, a) => n + (a.type === 'opened' ? a.failed : 0), 0);
  if (failed > 0) {
    const errors = opened.flatMap((a) => (a.type === 'opened' ? a.errors : []));
    throw new Error(`${system.name}: ${failed} sessions failed to open: ${errors.join('; ')}`);
  }
  log(`${specs.length} sessions connected and bound in ${connectSeconds.toFixed(2)} s`);
  await sleep(1000);
  // What N idle sessions cost with nothing ringing: heart-beats both ways and timers.
  const idleMeter = new ProcessMeter(system.pid);
  idleMeter.start();
  await sleep(3000);
  const idleCpuPercent = idleMeter.stop().cpuPercent;
  // What one Prometheus scrape costs with N sessions (the agent answers it on its event loop).
  const scrapeMs: number[] = [];
  for (let i = 0; system.serverLatency && i < SCRAPES; i++) {
    const began = performance.now();
    await system.serverLatency();
    scrapeMs.push(performance.now() - began);
  }
  const metricsScrapeMs = { min: Math.min(...scrapeMs), median: median(scrapeMs) };
  const loaded = await memoryAfterGc(system);
  const rssLoadedKiB = loaded.rssKiB;
  const rssPerSessionKiB = (rssLoadedKiB - rssIdleKiB) / specs.length;
  const heapPerSessionKiB = (loaded.heapKiB - idle.heapKiB) / specs.length;
  log(
    `RSS ${(rssIdleKiB / 1024).toFixed(1)} MiB idle → ${(rssLoadedKiB / 1024).toFixed(1)} MiB with sessions (${rssPerSessionKiB.toFixed(1)} KiB each; live JS heap ${heapPerSessionKiB.toFixed(1)} KiB each)`,
  );

  // No inspector session stays attached during the calls unless a profile is asked for.
  const profiler = opts.profile && system.inspect ? await system.inspect() : null;
  await profiler?.startProfiling();

  // Warm-up: `rate` calls/s for `warmupSeconds`, delivered and counted but not timed (the first
  // calls run code the JIT has not compiled yet, and the call log's file is opened).
  await pool.ask({ type: 'reset' });
  const warm = await paced(w.rate, opts.warmupSeconds, (seq) => system.publish(seq));
  const warmExpected = expectedFrames(warm.calls, w);
  await awaitDelivery(pool, warmExpected);
  const warmed = await collect(pool);

  // Latency phase: `rate` calls/s for `seconds`.
  await pool.ask({ type: 'reset' });
  const meter = new ProcessMeter(system.pid);
  const clientCpuStart = pool.pids.reduce((s, p) => s + cpuSeconds(p), 0);
  const ownCpuStart = process.cpuUsage();
  const histogramBefore = await system.serverLatency?.().catch(() => undefined);
  const sampler = opts.allocProfile && system.inspect ? await system.inspect() : null;
  await sampler?.startAllocationSampling();
  meter.start();
  const phaseStart = nowMicros();
  const ran = await paced(w.rate, w.seconds, (seq) => system.publish(seq));
  const expected = expectedFrames(ran.calls, w);
  await awaitDelivery(pool, expected);
  const usage = meter.stop();
  const ownCpu = process.cpuUsage(ownCpuStart);
  const clientCpu =
    pool.pids.reduce((s, p) => s + cpuSeconds(p), 0) -
    clientCpuStart +
    (ownCpu.user + ownCpu.system) / 1e6;
  if (sampler) {
    const allocations = summarizeAllocations(await sampler.stopAllocationSampling(), ran.calls);
    sampler.close();
    console.log(
      `\nallocation during the latency phase (sampled):\n${formatAllocations(allocations, 20)}\n`,
    );
  }
  const paced_ = await collect(pool);
  const histogramAfter = await system.serverLatency?.().catch(() => undefined);
  const agentSide =
    histogramBefore && histogramAfter
      ? sharesWithin(histogramBefore.latency, histogramAfter.latency)
      : [];
  const agentLoop = histogramAfter?.loopDelay;
  const agentGc =
    histogramBefore && histogramAfter
      ? {
          count: countOver(histogramBefore.gc, histogramAfter.gc, 0),
          over1ms: countOver(histogramBefore.gc, histogramAfter.gc, 0.001),
          over10ms: countOver(histogramBefore.gc, histogramAfter.gc, 0.01),
        }
      : undefined;
  const all = concatSamples([paced_.latencies.websocket, paced_.latencies.sockjs]);
  const latency: LatencySummary = summarize(all);
  const latencyByTransport: Partial<Record<ClientTransport, LatencySummary>> = {};
  for (const t of ['websocket', 'sockjs'] as const) {
    if (paced_.latencies[t].length > 0) latencyByTransport[t] = summarize(paced_.latencies[t]);
  }
  const slowCalls = whenSlow(paced_.slow, phaseStart);
  if (slowCalls !== '') log(`pops over 2 ms, by second of the phase: ${slowCalls}`);
  if (paced_.malformed > 0) notes.push(`${paced_.malformed} screen-pops carried no stamp`);
  if (ran.seconds > w.seconds * 1.05) {
    notes.push(`the publisher needed ${ran.seconds.toFixed(1)} s for ${w.seconds} s of calls`);
  }
  log(
    `latency: ${paced_.received}/${expected} delivered, p50 ${latency.p50.toFixed(3)} ms, p99 ${latency.p99.toFixed(3)} ms, max ${latency.max.toFixed(3)} ms, CPU ${usage.cpuPercent.toFixed(1)} %`,
  );

  // Throughput phase: `blastCalls` calls as fast as the publisher can write them.
  await pool.ask({ type: 'reset' });
  const burstMeter = new ProcessMeter(system.pid);
  burstMeter.start();
  const burstStart = nowMicros();
  await blast(
    w.blastCalls,
    (seq) => system.publish(seq),
    () => system.backlog(),
  );
  const burstExpected = expectedFrames(w.blastCalls, w);
  await awaitDelivery(pool, burstExpected, 15_000);
  const burstUsage = burstMeter.stop();
  const burst = await collect(pool);
  const burstSeconds = (burst.lastAt - burstStart) / 1e6;
  const framesPerSecond = burst.received / burstSeconds;
  log(
    `throughput: ${burst.received}/${burstExpected} screen-pops in ${burstSeconds.toFixed(2)} s = ${Math.round(framesPerSecond)}/s, CPU ${burstUsage.cpuPercent.toFixed(1)} %`,
  );

  if (profiler) {
    const profile = await profiler.stopProfiling();
    profiler.close();
    const dir = path.join(root, 'out/bench');
    mkdirSync(dir, { recursive: true });
    const file = path.join(
      dir,
      `agent-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`,
    );
    writeFileSync(file, JSON.stringify(profile));
    console.log(`\nCPU profile of the call phases: ${path.relative(root, file)}`);
    console.log(formatProfile(summarizeProfile(profile), 25));
    console.log('');
  }

  const closed = await pool.ask({ type: 'close' });
  const lost = closed.reduce((n, a: FromWorker) => n + (a.type === 'closed' ? a.lost : 0), 0);
  if (lost > 0) {
    const reasons = closed.flatMap((a) => (a.type === 'closed' ? a.lostReasons : []));
    notes.push(`${lost} sessions closed during the run: ${reasons.join('; ')}`);
  }
  return {
    name: system.name,
    connectSeconds,
    rssIdleKiB,
    rssLoadedKiB,
    idleCpuPercent,
    rssPerSessionKiB,
    heapPerSessionKiB,
    agentSide,
    metricsScrapeMs,
    agentLoop,
    agentGc,
    latency,
    latencyByTransport,
    delivered: warmed.received + paced_.received,
    expected: warmExpected + expected,
    pacedCpuPercent: usage.cpuPercent,
    pacedPeakRssKiB: usage.peakRssKiB,
    throughput: {
      calls: w.blastCalls,
      delivered: burst.received,
      expected: burstExpected,
      seconds: burstSeconds,
      framesPerSecond,
      cpuPercent: burstUsage.cpuPercent,
    },
    lost,
    notes,
    clientCpuPercent: (100 * clientCpu) / usage.seconds,
  };
}

/** `second:count` for the seconds of a phase in which pops took over 2 ms. */
function whenSlow(slow: ReadonlyArray<readonly [number, number]>, phaseStart: number): string {
  const bySecond = new Map<number, number>();
  for (const [stamp] of slow) {
    const second = Math.floor((stamp - phaseStart) / 1e6);
    bySecond.set(second, (bySecond.get(second) ?? 0) + 1);
  }
  return [...bySecond]
    .sort((a, b) => a[0] - b[0])
    .map(([second, count]) => `${second}s:${count}`)
    .join(' ');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

/** Our agent: the built CLI in its own process, the simulator as TapiServer. */
async function runOurs(
  ctx: Context,
  work: string,
): Promise<SystemResult & { clientCpuPercent: number }> {
  const w = ctx.opts.workload;
  const simulator = new TapiSimulator({ acknowledge: true });
  const simPort = await simulator.start();
  writeFileSync(path.join(work, 'directory.json'), JSON.stringify(directoryFile(w)));
  const dataDir = path.join(work, 'data');
  const configFile = path.join(work, 'config.json');
  const writeConfig = (port: number): void =>
    writeFileSync(
      configFile,
      JSON.stringify({
        server: { host: '127.0.0.1', port, path: AGENT_PATH },
        tapi: { host: '127.0.0.1', port: simPort, reconnectMs: 100 },
        directory: { type: 'file', file: 'directory.json' },
        dashboard: { host: '127.0.0.1', port: 0 },
        log: { level: ctx.opts.logLevel },
      }),
    );
  try {
    const coldStarts: number[] = [];
    for (let i = 0; i < ctx.opts.coldStarts; i++) {
      const port = await freePort();
      writeConfig(port);
      coldStarts.push(await coldStart({ configFile, dataDir }, port, AGENT_PATH));
    }
    console.log(`  [ours] cold start: ${coldStarts.map((v) => v.toFixed(0)).join(', ')} ms`);

    const port = await freePort();
    writeConfig(port);
    let link: Socket | null = null;
    const linked = new Promise<void>((resolve) =>
      simulator.once('connection', (socket) => {
        link = socket;
        resolve();
      }),
    );
    const agent = AgentProcess.spawn({ configFile, dataDir, inspect: true });
    try {
      await agent.ready();
      await linked;
      /** One short inspector session per request: none stays attached during the calls. */
      const withInspector = async <T>(use: (i: InspectorClient) => Promise<T>): Promise<T> => {
        const inspector = await InspectorClient.connect(agent.inspectorUrl);
        try {
          return await use(inspector);
        } finally {
          inspector.close();
        }
      };
      const system: System = {
        name: 'ours',
        pid: agent.pid,
        target: {
          kind: 'agent',
          wsUrl: `ws://127.0.0.1:${port}${AGENT_PATH}/websocket`,
          sockjsUrl: `http://127.0.0.1:${port}${AGENT_PATH}`,
        },
        publish: (seq) =>
          simulator.ring(phoneOfCall(seq, w.phones), callerOf(seq), stampCallId(seq)),
        backlog: () => (link as Socket | null)?.writableLength ?? 0,
        gc: () => withInspector((i) => i.collectGarbage()),
        serverLatency: () => scrape(`${agent.dashboardUrl}/metrics`),
        heapUsed: () => withInspector((i) => i.heapUsed()),
        inspect: () => InspectorClient.connect(agent.inspectorUrl),
      };
      const result = await measure(system, ctx, ctx.specs);
      return {
        ...result,
        name: 'Tapi Messenger',
        coldStartMs: median(coldStarts),
        coldStarts,
      };
    } finally {
      const code = await agent.stop();
      if (code !== 0) console.error(`  [ours] the agent exited with ${code}:\n${agent.tail}`);
    }
  } finally {
    await simulator.stop();
  }
}

/** The peer: RabbitMQ Web-STOMP, clients on `/topic/ext-<phone>`, one publisher SENDing. */
async function runPeer(
  ctx: Context,
  work: string,
): Promise<(SystemResult & { clientCpuPercent: number }) | { missing: string }> {
  const available = rabbitmqAvailability();
  if (!available.ok) return { missing: available.reason };
  const w = ctx.opts.workload;
  let rabbit: RabbitMq;
  try {
    rabbit = await RabbitMq.start(path.join(work, 'rabbitmq'));
  } catch (error) {
    return {
      missing: `RabbitMQ ${available.version} did not start here: ${(error as Error).message.split('\n')[0] ?? ''}`,
    };
  }
  const kill = (): void => rabbit.kill();
  onInterrupt.add(kill);
  console.log(`  [peer] RabbitMQ ${available.version} up in ${rabbit.coldStartMs.toFixed(0)} ms`);
  let publisher: RabbitPublisher | null = null;
  try {
    const pub = await RabbitPublisher.open(rabbit.wsUrl);
    publisher = pub;
    const system: System = {
      name: 'peer',
      pid: rabbit.pid,
      target: { kind: 'rabbitmq', wsUrl: rabbit.wsUrl, login: LOGIN, passcode: PASSCODE },
      publish: (seq) => {
        const phone = phoneOfCall(seq, w.phones);
        const callId = stampCallId(seq);
        pub.publish(
          phone,
          JSON.stringify({
            name: 'UNKNOWN',
            phone: callerOf(seq),
            extension: phone,
            callId,
            at: new Date().toISOString(),
          }),
        );
      },
      backlog: () => pub.pendingBytes,
    };
    // Web-STOMP has no SockJS endpoint any more: every peer client uses a raw WebSocket.
    const specs = ctx.specs.map((s) => ({ ...s, transport: 'websocket' as const }));
    const result = await measure(system, ctx, specs);
    if (w.sockjsShare > 0) result.notes.push('every peer client used a raw WebSocket');
    result.notes.push(
      'RSS sampled without a forced garbage collection (none is possible from outside)',
    );
    return {
      ...result,
      name: `RabbitMQ ${available.version.replace(/-.*/, '')} Web-STOMP`,
      coldStartMs: rabbit.coldStartMs,
      coldStarts: [rabbit.coldStartMs],
    };
  } finally {
    publisher?.close();
    await rabbit.stop();
    onInterrupt.delete(kill);
  }
}

function machine(): RunReport['machine'] {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU',
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.versions.node,
    os: `${os.type()} ${os.release()}`,
  };
}

async function main(): Promise<number> {
  let opts: Options;
  try {
    opts = options(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!existsSync(CLI)) {
    console.error(`${CLI} is missing: run \`npm run build\` (npm run bench does it first)`);
    return 2;
  }
  const startedAt = new Date();
  const began = performance.now();
  const w = opts.workload;
  console.log(
    `bench: ${w.sessions} sessions / ${w.phones} phones, ${w.rate} calls/s for ${w.seconds} s, burst of ${w.blastCalls}, ${opts.workers} workers${opts.peer ? ', peer RabbitMQ Web-STOMP' : ''}`,
  );
  const work = mkdtempSync(path.join(os.tmpdir(), 'tapi-bench-'));
  const pool = await WorkerPool.start(opts.workers);
  const clockCheckMicros = await pool.checkClock();
  const floor = await measureFloor(w.rate, Math.min(w.seconds, 10));
  console.log(`  ${floorLine(floor)}`);
  const ctx: Context = { opts, pool, specs: sessionSpecs(w) };
  let report: RunReport;
  try {
    const ours = await runOurs(ctx, work);
    const peer = opts.peer ? await runPeer(ctx, work) : { missing: 'skipped (--no-peer)' };
    if ('missing' in peer) console.log(`  [peer] not measured: ${peer.missing}`);
    report = {
      startedAt,
      command: opts.command,
      machine: machine(),
      workload: w,
      workers: opts.workers,
      warmupSeconds: opts.warmupSeconds,
      clockCheckMicros,
      floor,
      clientCpuPercent: ours.clientCpuPercent,
      durationSeconds: (performance.now() - began) / 1000,
      ours,
      peer,
    };
  } finally {
    await pool.stop();
    rmSync(work, { recursive: true, force: true });
  }
  console.log('');
  console.log(markdownTable(report));
  console.log('');
  const ok = complete(report.ours) && ('missing' in report.peer || complete(report.peer));
  if (opts.record) {
    recordRun(DOC, runSection(report));
    console.log(`recorded in ${path.relative(root, DOC)}`);
  }
  console.log(
    ok
      ? `every screen-pop arrived (${report.durationSeconds.toFixed(0)} s)`
      : 'FAILED: not every screen-pop arrived exactly once (see the delivered rows)',
  );
  console.log('\ntargets (docs/benchmarks.md):');
  for (const line of targets(report)) console.log(`  ${line}`);
  console.log(`  (${floorLine(floor)})`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
