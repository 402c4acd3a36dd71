import { setImmediate as yieldToIo } from 'node:timers/promises';
import type { ClientTransport, SessionSpec } from './protocol.js';

/**
 * The office the benchmark simulates (pure apart from the timers of `paced`): N browser
 * sessions over P phones (session i on phone i mod P, so 2,000 / 500 is four tabs a desk),
 * calls rung round-robin over the phones.
 */
export interface Workload {
  sessions: number;
  phones: number;
  /** Calls per second in the latency phase, and for how long. */
  rate: number;
  seconds: number;
  /** Share of sessions over SockJS (the rest over raw WebSocket), 0..1. */
  sockjsShare: number;
  /** Calls sent as fast as possible in the throughput phase. */
  blastCalls: number;
}

export function phoneOf(index: number, phones: number): string {
  return String(2000 + (index % phones));
}

/** Session i's transport: SockJS for an even spread of `share` of the sessions. */
export function transportOf(index: number, share: number): ClientTransport {
  return Math.floor((index + 1) * share) > Math.floor(index * share) ? 'sockjs' : 'websocket';
}

export function sessionSpecs(w: Workload): SessionSpec[] {
  return Array.from({ length: w.sessions }, (_, i) => ({
    apex: `apex-${i}`,
    phone: phoneOf(i, w.phones),
    transport: transportOf(i, w.sockjsShare),
  }));
}

/** The agent's directory file: one user per phone, each with sessions/phones APEX sessions. */
export function directoryFile(w: Workload): {
  sessions: Record<string, string>;
  users: Record<string, string>;
} {
  const sessions: Record<string, string> = {};
  const users: Record<string, string> = {};
  for (let p = 0; p < w.phones; p++) users[`USER${p}`] = phoneOf(p, w.phones);
  for (let i = 0; i < w.sessions; i++) sessions[`apex-${i}`] = `USER${i % w.phones}`;
  return { sessions, users };
}

/** Call `seq` rings this phone. */
export function phoneOfCall(seq: number, phones: number): string {
  return phoneOf(seq, phones);
}

/** Screen-pop frames `calls` calls must produce: one per session bound to the called phone. */
export function expectedFrames(calls: number, w: Pick<Workload, 'sessions' | 'phones'>): number {
  // Phone p has ⌈(N − p) / P⌉ sessions (session i is on phone i mod P).
  const sessionsOn = (p: number): number => Math.max(0, Math.ceil((w.sessions - p) / w.phones));
  let total = 0;
  for (let seq = 0; seq < calls; seq++) total += sessionsOn(seq % w.phones);
  return total;
}

/** Splits sessions over `workers` (session i to worker i mod workers). */
export function shareOut<T>(items: readonly T[], workers: number): T[][] {
  return Array.from({ length: workers }, (_, k) => items.filter((_, i) => i % workers === k));
}

/**
 * Calls `send(seq)` `rate` times a second for `seconds`, each call at its due time (a late
 * timer sends what is due at once, as a PBX with a backlog would).
 */
export async function paced(
  rate: number,
  seconds: number,
  send: (seq: number) => void,
): Promise<{ calls: number; seconds: number }> {
  const total = Math.round(rate * seconds);
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    while (sent < due) send(sent++);
    const nextAt = start + (sent * 1000) / rate;
    const wait = nextAt - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return { calls: total, seconds: (performance.now() - start) / 1000 };
}

/**
 * Sends `count` calls as fast as the publisher can: batches of `batch`, yielding to I/O between
 * batches, and waiting while `backlog()` reports more than `maxBacklog` bytes unsent.
 */
export async function blast(
  count: number,
  send: (seq: number) => void,
  backlog: () => number = () => 0,
  batch = 200,
  maxBacklog = 4 * 1024 * 1024,
): Promise<void> {
  for (let seq = 0; seq < count;) {
    const end = Math.min(count, seq + batch);
    while (seq < end) send(seq++);
    await yieldToIo();
    while (backlog() > maxBacklog) await new Promise((r) => setTimeout(r, 1));
  }
}
