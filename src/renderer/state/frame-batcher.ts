import type { BridgeEvent } from '../../shared/bridge.js';
import { coalesceEvents } from '../../shared/coalesce-events.js';

/** Past this many queued events (a hidden window gets no frames) the queue is folded. */
const FOLD_AT = 5000;

/**
 * Collects the bridge's batches and hands them on once per animation frame, coalesced, so a
 * burst of events costs one render. While no frame comes (hidden window) the queue is folded
 * instead of growing.
 */
export class FrameBatcher {
  #queue: BridgeEvent[] = [];
  #scheduled = false;

  constructor(
    private readonly flush: (events: BridgeEvent[]) => void,
    private readonly requestFrame: (callback: () => void) => void = (callback) =>
      void requestAnimationFrame(callback),
  ) {}

  push(events: readonly BridgeEvent[]): void {
    for (const event of events) this.#queue.push(event);
    if (this.#queue.length > FOLD_AT) this.#queue = coalesceEvents(this.#queue);
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.requestFrame(() => {
      this.#scheduled = false;
      const queue = this.#queue;
      this.#queue = [];
      if (queue.length > 0) this.flush(coalesceEvents(queue));
    });
  }
}
