/** Reconnect timing: 1 s doubling to 30 s, each delay shortened by up to a quarter at random. */
export const FIRST_DELAY_MS = 1000;
export const MAX_DELAY_MS = 30_000;
const JITTER = 0.25;

/**
 * The delay before retry number `attempt` (0 for the first), with `random` in [0, 1). The
 * jitter only shortens a delay, so many pages cut off together (an agent restart) spread out
 * without any of them waiting longer than 30 s.
 */
export function backoffDelay(attempt: number, random: number): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(attempt, 16));
  return Math.round(base * (1 - JITTER * random));
}

/** Runs one retry at a time after the backoff delay; `reset` once a retry has succeeded. */
export class Retry {
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly random: () => number = Math.random) {}

  /** Schedules `run` (replacing a retry already scheduled); returns the delay in ms. */
  schedule(run: () => void): number {
    this.cancel();
    const delay = backoffDelay(this.#attempt++, this.random());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      run();
    }, delay);
    return delay;
  }

  reset(): void {
    this.#attempt = 0;
  }

  cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
