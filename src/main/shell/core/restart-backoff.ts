/**
 * How long the supervisor waits before starting the core again: at once (well within 2 s) the
 * first time, then longer and longer while it keeps dying, back to the start once a core has
 * run for `stableMs`. Pure: the caller says what time it is.
 */
export class RestartBackoff {
  #step = 0;

  constructor(
    private readonly delaysMs: readonly number[] = [250, 1000, 5000, 15000, 60000],
    private readonly stableMs = 60000,
  ) {}

  /** The delay before the next start of a core that was started at `startedAt` and died at `now`. */
  next(startedAt: number, now: number): number {
    if (now - startedAt >= this.stableMs) this.#step = 0;
    const delay = this.delaysMs[Math.min(this.#step, this.delaysMs.length - 1)] ?? 0;
    this.#step++;
    return delay;
  }
}
