/**
 * A token bucket (pure: the caller says what time it is). It holds at most `burst` tokens and
 * gains `perSecond` of them every second; each event takes one. A client that stays under the
 * rate never notices it; one that keeps going over runs dry and is refused.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    if (!(perSecond > 0) || !(burst >= 1)) {
      throw new RangeError(`a token bucket needs perSecond > 0 and burst >= 1`);
    }
    this.#tokens = burst;
    this.#last = now;
  }

  /** Takes `n` tokens at time `now` (ms); false when there are not enough (none are taken). */
  take(now: number, n = 1): boolean {
    if (now > this.#last) {
      this.#tokens = Math.min(
        this.burst,
        this.#tokens + ((now - this.#last) * this.perSecond) / 1000,
      );
      this.#last = now;
    }
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }

  /** Tokens available at the last `take` (for tests and diagnostics). */
  get available(): number {
    return this.#tokens;
  }
}
