/**
 * The one clock of the benchmark. `process.hrtime.bigint()` is libuv's `uv_hrtime()`, which on
 * Linux reads `clock_gettime(CLOCK_MONOTONIC)`: one system-wide clock (nanoseconds since boot),
 * so a stamp taken in the publishing process and read in a client worker are directly
 * comparable. (`performance.now()` is not: it counts from each process's own `timeOrigin`, and
 * `performance.timeOrigin + performance.now()` was measured here to disagree between two
 * processes by about 2.5 ms, more than the latency being measured.) `checkClock()` in the
 * workers verifies the assumption at every run.
 */

/** Microseconds on the system-wide monotonic clock (a double: exact to well below 1 µs). */
export function nowMicros(): number {
  const ns = process.hrtime.bigint();
  return Number(ns / 1000n) + Number(ns % 1000n) / 1000;
}

/** A call id that carries when its line was written: `<seq>-<µs>` (one printable token). */
export function stampCallId(seq: number, atMicros = nowMicros()): string {
  return `${seq}-${atMicros.toFixed(1)}`;
}

/** The send time inside a call id made by `stampCallId`, or NaN. */
export function stampOf(callId: string): number {
  const dash = callId.indexOf('-');
  return dash < 0 ? Number.NaN : Number(callId.slice(dash + 1));
}

/** Sequence number inside a call id made by `stampCallId`, or NaN. */
export function seqOf(callId: string): number {
  const dash = callId.indexOf('-');
  return dash < 0 ? Number.NaN : Number(callId.slice(0, dash));
}
