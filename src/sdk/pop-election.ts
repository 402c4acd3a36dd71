/**
 * `popIn: 'one-tab'`: the tabs of one origin elect the one that raises calls. The election is a
 * Web Lock (`navigator.locks`), held by the leading tab while it listens: the browser hands it
 * to the next waiting tab when the leader stops listening, closes or crashes, with no timers
 * (background tabs have theirs throttled to once a minute) and no stale leader. Without Web
 * Locks (a page on plain `http://` other than localhost) every tab raises calls.
 */
export class PopElection {
  #leading: boolean;
  #request: AbortController | null = null;
  #release: (() => void) | null = null;

  constructor(
    private readonly lockName: string,
    private readonly locks: LockManager | undefined,
  ) {
    this.#leading = locks === undefined;
  }

  get leading(): boolean {
    return this.#leading;
  }

  /** Stands for election (the tab listens); the lock may be granted at once or later. */
  join(): void {
    const locks = this.locks;
    if (locks === undefined || this.#request !== null) return;
    const request = new AbortController();
    this.#request = request;
    locks
      .request(this.lockName, { signal: request.signal }, () => {
        if (this.#request !== request) return undefined;
        this.#leading = true;
        return new Promise<void>((resolve) => (this.#release = resolve));
      })
      .catch(() => undefined); // aborted while waiting
  }

  /** Steps down (the tab stopped listening): the next tab in line leads. */
  leave(): void {
    if (this.locks === undefined) return;
    this.#request?.abort();
    this.#request = null;
    this.#leading = false;
    this.#release?.();
    this.#release = null;
  }
}
