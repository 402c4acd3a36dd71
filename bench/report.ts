import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { LatencySummary } from './stats.js';
import { advantage } from './stats.js';
import type { ClientTransport } from './protocol.js';
import type { Workload } from './workload.js';
import type { Floor } from './floor.js';

/** The results of one benchmark run, and how they are printed and kept in docs/benchmarks.md. */

export interface ThroughputResult {
  calls: number;
  delivered: number;
  expected: number;
  seconds: number;
  framesPerSecond: number;
  cpuPercent: number;
}

export interface SystemResult {
  name: string;
  /** Cold start to the first accepted STOMP session, ms (ours: median of several starts). */
  coldStartMs: number;
  coldStarts: number[];
  connectSeconds: number;
  rssIdleKiB: number;
  rssLoadedKiB: number;
  /** CPU with N idle, bound sessions for 3 s (heart-beats only), % of one core. */
  idleCpuPercent: number;
  /** (RSS with N idle sessions − RSS with none) / N. */
  rssPerSessionKiB: number;
  /** (live JS heap with N idle sessions − with none) / N, after a full GC; NaN if unknown. */
  heapPerSessionKiB: number;
  /**
   * The agent's own share of the latency phase's calls fanned out (INCOMING parsed → last
   * frame handed to the sockets) within each bound, from its /metrics histogram; empty if unknown.
   */
  agentSide: Array<{ seconds: number; share: number }>;
  /** `GET /metrics` round trips with N idle sessions, ms (NaN where there is none). */
  metricsScrapeMs: { min: number; median: number };
  /** The agent's event loop delay during the latency phase, seconds (its /metrics). */
  agentLoop?: { p99: number; max: number };
  /** The agent's garbage collections during the latency phase (its /metrics). */
  agentGc?: { count: number; over1ms: number; over10ms: number };
  /** Screen-pop latency of the paced phase, ms. */
  latency: LatencySummary;
  latencyByTransport: Partial<Record<ClientTransport, LatencySummary>>;
  delivered: number;
  expected: number;
  pacedCpuPercent: number;
  pacedPeakRssKiB: number;
  throughput: ThroughputResult;
  /** Sessions that closed on their own during the run (must be 0). */
  lost: number;
  notes: string[];
}

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  os: string;
}

export interface RunReport {
  startedAt: Date;
  command: string;
  machine: MachineInfo;
  workload: Workload;
  workers: number;
  /** Calls at `rate` before the latency phase, delivered and counted but not timed. */
  warmupSeconds: number;
  /** Largest one-way IPC delay seen by the clock check, µs. */
  clockCheckMicros: number;
  /** The machine's floor at the call rate (`floor.ts`): idle processes over loopback, ms. */
  floor: Floor;
  /** CPU of the client workers and the publisher during the paced phase (% of one core). */
  clientCpuPercent: number;
  durationSeconds: number;
  ours: SystemResult;
  peer: SystemResult | { missing: string };
}

/** Whether every expected screen-pop arrived exactly once, everywhere. */
export function complete(result: SystemResult): boolean {
  return (
    result.delivered === result.expected &&
    result.throughput.delivered === result.throughput.expected &&
    result.lost === 0
  );
}

const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '–');
const fixed = (digits: number) => (v: number) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const int = (v: number): string =>
  Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–';
const mib = (kib: number): string => (Number.isFinite(kib) ? (kib / 1024).toFixed(1) : '–');
const ratio = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');

function share(delivered: number, expected: number): string {
  const pct = expected === 0 ? 0 : (100 * delivered) / expected;
  return `${delivered.toLocaleString('en-US')} / ${expected.toLocaleString('en-US')} (${pct.toFixed(pct === 100 ? 0 : 3)} %)`;
}

interface Row {
  metric: string;
  ours: string;
  peer: string;
  ratio: string;
}

function rows(report: RunReport): Row[] {
  const { ours, workload: w } = report;
  const peer = 'missing' in report.peer ? null : report.peer;
  const row = (
    metric: string,
    pick: (r: SystemResult) => number,
    format: (v: number) => string,
    lowerIsBetter: boolean | null,
  ): Row => ({
    metric,
    ours: format(pick(ours)),
    peer: peer ? format(pick(peer)) : '–',
    ratio:
      peer && lowerIsBetter !== null ? ratio(advantage(pick(ours), pick(peer), lowerIsBetter)) : '',
  });
  const out: Row[] = [
    row(`screen-pop latency p50, ms (${w.rate} calls/s)`, (r) => r.latency.p50, ms, true),
    row('screen-pop latency p99, ms', (r) => r.latency.p99, ms, true),
    row('screen-pop latency p99.9, ms', (r) => r.latency.p999, ms, true),
    row('screen-pop latency max, ms', (r) => r.latency.max, ms, true),
  ];
  for (const transport of ['websocket', 'sockjs'] as const) {
    const mine = ours.latencyByTransport[transport];
    if (!mine || w.sockjsShare === 0) continue;
    const label = transport === 'sockjs' ? 'SockJS' : 'raw WebSocket';
    out.push({
      metric: `… sessions over ${label} only (${int(mine.count)} pops): p50 / p99 / max, ms`,
      ours: `${ms(mine.p50)} / ${ms(mine.p99)} / ${ms(mine.max)}`,
      peer: '',
      ratio: '',
    });
  }
  const within = (limit: number): string => {
    const found = ours.agentSide.find((b) => Math.abs(b.seconds - limit) < 1e-9);
    return found && Number.isFinite(found.share) ? `${(100 * found.share).toFixed(2)} %` : '–';
  };
  if (ours.agentSide.length > 0) {
    out.push({
      metric: 'calls the agent itself fanned out within 0.5 / 1 / 2.5 ms (its /metrics)',
      ours: `${within(0.0005)} / ${within(0.001)} / ${within(0.0025)}`,
      peer: '',
      ratio: '',
    });
  }
  if (ours.agentLoop) {
    out.push({
      metric: "the agent's event loop running late, latency phase, p99 / max, ms (its /metrics)",
      ours: `${ms(1000 * ours.agentLoop.p99)} / ${ms(1000 * ours.agentLoop.max)}`,
      peer: '',
      ratio: '',
    });
  }
  if (ours.agentGc) {
    out.push({
      metric: "the agent's garbage collections, latency phase: all / over 1 ms / over 10 ms",
      ours: `${int(ours.agentGc.count)} / ${int(ours.agentGc.over1ms)} / ${int(ours.agentGc.over10ms)}`,
      peer: '',
      ratio: '',
    });
  }
  out.push(
    {
      metric: 'delivered / expected, warm-up and latency phase',
      ours: share(ours.delivered, ours.expected),
      peer: peer ? share(peer.delivered, peer.expected) : '–',
      ratio: '',
    },
    row(
      `fan-out throughput, screen-pops/s (${int(w.blastCalls)} calls at once)`,
      (r) => r.throughput.framesPerSecond,
      int,
      false,
    ),
    {
      metric: 'delivered / expected, throughput phase',
      ours: share(ours.throughput.delivered, ours.throughput.expected),
      peer: peer ? share(peer.throughput.delivered, peer.throughput.expected) : '–',
      ratio: '',
    },
    row('screen-pops per second of server CPU, throughput phase', popsPerCpuSecond, int, false),
    row(
      `server CPU, ${int(w.sessions)} idle sessions (heart-beats only), % of one core`,
      (r) => r.idleCpuPercent,
      fixed(1),
      true,
    ),
    row('server CPU, latency phase, % of one core', (r) => r.pacedCpuPercent, fixed(1), true),
    row(
      'server CPU, throughput phase, % of one core',
      (r) => r.throughput.cpuPercent,
      fixed(1),
      null,
    ),
    row('server RSS, no session, MiB', (r) => r.rssIdleKiB, mib, true),
    row(`server RSS, ${int(w.sessions)} idle sessions, MiB`, (r) => r.rssLoadedKiB, mib, true),
    row('RSS per idle session, KiB', (r) => r.rssPerSessionKiB, fixed(1), true),
    row('live JS heap per idle session, KiB', (r) => r.heapPerSessionKiB, fixed(1), null),
  );
  if (Number.isFinite(ours.metricsScrapeMs.min)) {
    out.push({
      metric: `GET /metrics with ${int(w.sessions)} idle sessions, ms: fastest / median of 15`,
      ours: `${fixed(1)(ours.metricsScrapeMs.min)} / ${fixed(1)(ours.metricsScrapeMs.median)}`,
      peer: '',
      ratio: '',
    });
  }
  out.push(
    row('server peak RSS, latency phase, MiB', (r) => r.pacedPeakRssKiB, mib, true),
    row('cold start to first accepted session, ms', (r) => r.coldStartMs, fixed(0), true),
    row(`connect and bind ${int(w.sessions)} sessions, s`, (r) => r.connectSeconds, fixed(2), true),
  );
  return out;
}

export function markdownTable(report: RunReport): string {
  const peerName = 'missing' in report.peer ? 'RabbitMQ Web-STOMP' : report.peer.name;
  const lines = [
    `| metric | ${report.ours.name} | ${peerName} | ratio (> 1: ours better) |`,
    '| --- | ---: | ---: | ---: |',
    ...rows(report).map((r) => `| ${r.metric} | ${r.ours} | ${r.peer} | ${r.ratio} |`),
  ];
  return lines.join('\n');
}

/** Screen-pops per second of server CPU in the throughput phase. */
const popsPerCpuSecond = (r: SystemResult): number =>
  r.throughput.framesPerSecond / (r.throughput.cpuPercent / 100);

/**
 * The targets of docs/benchmarks.md, each with its verdict: "met", "MISSED" or, without the
 * peer, "not measured". The last lines of every run (quick ones too).
 */
export function targets(report: RunReport): string[] {
  const { ours } = report;
  const peer = 'missing' in report.peer ? null : report.peer;
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  const versusPeer = (name: string, target: number, value: (r: SystemResult) => number): string => {
    if (!peer) return `${name} ≥ ${target}× the peer's: not measured (no peer)`;
    const times = advantage(value(ours), value(peer), false);
    return `${name} ≥ ${target}× the peer's: ${ratio(times)}, ${verdict(times >= target)}`;
  };
  const { p99, p999, max } = ours.latency;
  const two = report.floor.twoHops;
  const floorOf = (value: number): string => ` (the floor's: ${ms(value)} ms)`;
  return [
    versusPeer('fan-out throughput', 3, (r) => r.throughput.framesPerSecond),
    versusPeer('screen-pops per second of server CPU', 4, popsPerCpuSecond),
    `p99 screen-pop < 1 ms: ${ms(p99)} ms, ${verdict(p99 < 1)}${floorOf(two.p99)}`,
    `p99.9 screen-pop < 3 ms: ${ms(p999)} ms, ${verdict(p999 < 3)}${floorOf(two.p999)}`,
    `max screen-pop < 8 ms: ${ms(max)} ms, ${verdict(max < 8)}${floorOf(two.max)}`,
    `RSS per idle session < 15 KiB: ${fixed(1)(ours.rssPerSessionKiB)} KiB, ${verdict(ours.rssPerSessionKiB < 15)}`,
    `cold start < 1 s: ${fixed(0)(ours.coldStartMs)} ms, ${verdict(ours.coldStartMs < 1000)}`,
    `every screen-pop delivered exactly once: ${verdict(complete(ours))}`,
  ];
}

/** The floor as the run prints and records it. */
export function floorLine(floor: Floor): string {
  const { oneHop: one, twoHops: two } = floor;
  return (
    'machine floor, idle Node processes over loopback at the call rate: ' +
    `one hop p99 ${ms(one.p99)}, p99.9 ${ms(one.p999)}, max ${ms(one.max)} ms; ` +
    `two hops through a relay to two receivers (a screen-pop's path with no work) ` +
    `p50 ${ms(two.p50)}, p99 ${ms(two.p99)}, p99.9 ${ms(two.p999)}, max ${ms(two.max)} ms`
  );
}

export function runSection(report: RunReport): string {
  const { machine: m, workload: w } = report;
  const date = report.startedAt.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const ok = complete(report.ours) && ('missing' in report.peer || complete(report.peer));
  const notes = [
    ...report.ours.notes.map((n) => `ours: ${n}`),
    ...('missing' in report.peer
      ? [`peer column missing: ${report.peer.missing}`]
      : report.peer.notes.map((n) => `peer: ${n}`)),
  ];
  return [
    `### ${date} — \`${report.command}\``,
    '',
    `- machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB.toFixed(0)} GiB RAM, ${m.os}, Node ${m.node}; ` +
      'the cores are shared with other developers, whose builds and tests may have run meanwhile',
    `- workload: ${int(w.sessions)} sessions on ${int(w.phones)} phones ` +
      `(${(w.sockjsShare * 100).toFixed(0)} % over SockJS), ${w.rate} calls/s for ${w.seconds} s ` +
      `after ${report.warmupSeconds} s of warm-up calls, ` +
      `then ${int(w.blastCalls)} calls at once; ${report.workers} client worker processes ` +
      `(clients and publisher: ${fixed(0)(report.clientCpuPercent)} % of one core in the latency phase); ` +
      `clock check: IPC one-way ≤ ${fixed(0)(report.clockCheckMicros)} µs`,
    `- ${floorLine(report.floor)}`,
    `- cold starts (ms): ours ${report.ours.coldStarts.map(fixed(0)).join(', ')}` +
      ('missing' in report.peer ? '' : `; peer ${fixed(0)(report.peer.coldStartMs)}`),
    `- complete: ${ok ? 'yes, every screen-pop arrived exactly once' : 'NO — the run failed'}; ` +
      `took ${fixed(0)(report.durationSeconds)} s`,
    ...notes.map((n) => `- ${n}`),
    '',
    markdownTable(report),
    '',
    ...targets(report).map((t) => `- target: ${t}`),
    '',
  ].join('\n');
}

export const RUNS_MARKER =
  '<!-- bench:runs (bench/report.ts inserts each new run below this line) -->';

/** Puts `section` on top of the runs in `file`, keeping every earlier run below it. */
export function recordRun(file: string, section: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const at = text.indexOf(RUNS_MARKER);
  const next =
    at < 0
      ? `${text.trimEnd()}\n\n## Runs (newest first)\n\n${RUNS_MARKER}\n\n${section}`
      : `${text.slice(0, at + RUNS_MARKER.length)}\n\n${section}${text.slice(at + RUNS_MARKER.length).replace(/^\n+/, '\n')}`;
  writeFileSync(file, next);
}
