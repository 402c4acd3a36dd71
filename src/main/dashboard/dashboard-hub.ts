import type { BridgeEvent, DashboardEvent, Snapshot } from '../../shared/bridge.js';
import { coalesceEvents } from '../../shared/coalesce-events.js';
import type { Logger } from '../core/log.js';
import { isDashboardEvent, type AgentEvent } from '../agent-events.js';

/** What the hub needs of the agent (`Agent` fits). */
export interface DashboardSource {
  snapshot(): Snapshot;
  restartLink(): void;
  markCallsSeen(): void;
  on(event: 'event', listener: (event: AgentEvent) => void): () => void;
}

export type BatchListener = (events: BridgeEvent[]) => void;

interface Subscriber {
  listener: BatchListener;
  /** Events already pending when it subscribed are in its snapshot: skip them once. */
  skip: number;
}

/**
 * The shell side of the bridge, shared by the headless server and the Electron IPC: hears the
 * agent's events one at a time and hands every subscriber coalesced batches, at most one per
 * `flushMs`. A subscriber's first batch is a snapshot, delivered at once.
 */
export class DashboardHub {
  readonly #subscribers = new Set<Subscriber>();
  readonly #stopListening: () => void;
  #pending: DashboardEvent[] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly source: DashboardSource,
    private readonly logger: Logger,
    private readonly flushMs = 50,
  ) {
    this.#stopListening = source.on('event', (event) => {
      if (isDashboardEvent(event)) this.#push(event);
    });
  }

  snapshot(): Snapshot {
    return this.source.snapshot();
  }

  restartLink(): void {
    this.source.restartLink();
  }

  markCallsSeen(): void {
    this.source.markCallsSeen();
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** Calls `listener` now with `[snapshot]`, then with each coalesced batch. */
  subscribe(listener: BatchListener): () => void {
    const subscriber: Subscriber = { listener, skip: this.#pending.length };
    this.#subscribers.add(subscriber);
    this.#deliver(subscriber, [{ type: 'snapshot', snapshot: this.source.snapshot() }]);
    return () => {
      this.#subscribers.delete(subscriber);
    };
  }

  /** Stops hearing the agent and drops every subscriber. */
  close(): void {
    this.#stopListening();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending = [];
    this.#subscribers.clear();
  }

  #push(event: DashboardEvent): void {
    if (this.#subscribers.size === 0) return;
    this.#pending.push(event);
    this.#timer ??= setTimeout(() => this.#flush(), this.flushMs);
  }

  #flush(): void {
    this.#timer = null;
    const pending = this.#pending;
    this.#pending = [];
    const batch = coalesceEvents(pending);
    for (const subscriber of [...this.#subscribers]) {
      const skip = subscriber.skip;
      subscriber.skip = 0;
      const events = skip === 0 ? batch : coalesceEvents(pending.slice(skip));
      if (events.length > 0) this.#deliver(subscriber, events);
    }
  }

  #deliver(subscriber: Subscriber, events: BridgeEvent[]): void {
    try {
      subscriber.listener(events);
    } catch (error) {
      this.logger.warn(
        `dashboard: a subscriber failed and was dropped: ${(error as Error).message}`,
      );
      this.#subscribers.delete(subscriber);
    }
  }
}
