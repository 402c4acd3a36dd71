/**
 * At most `limit` events per key within any `windowMs` (a sliding window, pure: the caller
 * says what time it is). Used for the dial rate of each phone: however many tabs or
 * connections share a phone, TapiServer sees at most `limit` CALLs for it per window.
 * Keys idle for a whole window are forgotten, so memory follows the keys in use.
 */
export class WindowLimiter {
  readonly #stamps = new Map<string, number[]>();
  #lastSweep = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!(limit >= 1) || !(windowMs > 0)) {
      throw new RangeError('a window limiter needs limit >= 1 and windowMs > 0');
    }
  }

  /** Counts one event for `key` at `now` (ms); false (nothing counted) when over the limit. */
  take(key: string, now: number): boolean {
    this.#sweep(now);
    const since = now - this.windowMs;
    const stamps = (this.#stamps.get(key) ?? []).filter((at) => at > since);
    if (stamps.length >= this.limit) {
      this.#stamps.set(key, stamps);
      return false;
    }
    stamps.push(now);
    this.#stamps.set(key, stamps);
    return true;
  }

  /** Milliseconds until `key` may take again (0 when it may now). */
  retryInMs(key: string, now: number): number {
    const stamps = this.#stamps.get(key) ?? [];
    if (stamps.length < this.limit) return 0;
    const oldest = stamps[stamps.length - this.limit] ?? now;
    return Math.max(0, oldest + this.windowMs - now);
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < this.windowMs) return;
    this.#lastSweep = now;
    const since = now - this.windowMs;
    for (const [key, stamps] of this.#stamps) {
      if ((stamps[stamps.length - 1] ?? 0) <= since) this.#stamps.delete(key);
    }
  }
}
