import type { CallView } from '../../shared/bridge.js';

/** Where calls are kept across restarts (the dashboard's JSON-lines file implements it). */
export interface CallStore {
  /** Calls from before this run, newest first. */
  recent(): readonly CallView[];
  /** Queues one call; never throws, never blocks. */
  append(call: CallView): void;
  /** Resolves when every appended call is stored. */
  flush(): Promise<void>;
}

/**
 * The incoming-call log kept in memory: the last `capacity` calls, newest first on read.
 * A ring buffer, so recording a call never copies the log.
 */
export class CallLog {
  readonly #ring: (CallView | undefined)[];
  #next = 0;
  #size = 0;

  constructor(readonly capacity = 500) {
    this.#ring = new Array<CallView | undefined>(capacity);
  }

  record(call: CallView): void {
    this.#ring[this.#next] = call;
    this.#next = (this.#next + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
  }

  /** Newest first. */
  list(): CallView[] {
    const out: CallView[] = [];
    for (let i = 1; i <= this.#size; i++) {
      const call = this.#ring[(this.#next - i + this.capacity) % this.capacity];
      if (call) out.push(call);
    }
    return out;
  }

  get size(): number {
    return this.#size;
  }
}
