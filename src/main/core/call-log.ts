import type { CallView } from '../../shared/bridge.js';
import { isMissed, type TrackedCall } from './call-tracker.js';
import { callKey } from '../../shared/calls.js';

/** Where calls are kept across restarts (the dashboard's JSON-lines file implements it). */
export interface CallStore {
  /** Calls from before this run, newest first. */
  recent(): readonly CallView[];
  /** Queues one ended call; never throws, never blocks. */
  append(call: CallView): void;
  /** Resolves when every appended call is stored. */
  flush(): Promise<void>;
}

/** The log's entry for a call as it is now; `reached` is how many sessions got its pop. */
export function callViewOf(call: TrackedCall, reached: number): CallView {
  return {
    at: call.startedAt,
    extension: call.extension,
    direction: call.direction,
    state: call.state,
    caller: call.direction === 'in' ? call.from : call.to,
    name: call.name,
    callId: call.callId,
    reached,
    answeredBy: call.answeredBy,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    cause: call.cause,
    missed: isMissed(call),
  };
}

/**
 * The call log kept in memory: the last `capacity` calls, newest first on read, each call once
 * — recording a call that is in the log already replaces its entry (its new state) in place.
 * A ring buffer with an index by call, so recording never copies the log.
 */
export class CallLog {
  readonly #ring: (CallView | undefined)[];
  readonly #slots = new Map<string, number>();
  #next = 0;
  #size = 0;

  constructor(readonly capacity = 500) {
    this.#ring = new Array<CallView | undefined>(capacity);
  }

  record(call: CallView): void {
    const key = callKey(call);
    const slot = this.#slots.get(key);
    if (slot !== undefined) {
      this.#ring[slot] = call;
      return;
    }
    const evicted = this.#ring[this.#next];
    if (evicted) {
      const old = callKey(evicted);
      if (this.#slots.get(old) === this.#next) this.#slots.delete(old);
    }
    this.#ring[this.#next] = call;
    this.#slots.set(key, this.#next);
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
