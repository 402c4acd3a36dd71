import type { BridgeEvent, DashboardBridge, Snapshot } from '../../../shared/bridge.js';
import type { FromCore, ToCore } from './core-messages.js';
import type { CoreSupervisor } from './core-supervisor.js';

type Listener = (events: BridgeEvent[]) => void;

/** How long a request may wait for the core's answer. */
const ANSWER_TIMEOUT_MS = 5000;

/**
 * The dashboard bridge in the tray app's main process, over the supervised core: the same
 * `DashboardBridge` the page sees, so the IPC and the tray speak one contract. While the core
 * is restarting, listeners get `{type:'bridge', connected:false}`, requests are refused with a
 * message for the operator, and each subscription is made again in the new core, which starts
 * it with a snapshot (preceded by `{type:'bridge', connected:true}`), as the headless bridge's
 * reconnect does.
 */
export class CoreBridge implements DashboardBridge {
  readonly #listeners = new Map<number, Listener>();
  readonly #waiting = new Map<number, (message: FromCore) => void>();
  /** Subscriptions whose next batch is the first since the core came back. */
  readonly #regained = new Set<number>();
  #next = 1;

  constructor(private readonly supervisor: CoreSupervisor) {
    supervisor.on('message', (message) => this.#onMessage(message));
    supervisor.on('lost', () => this.#onLost());
    supervisor.on('ready', () => this.#onReady());
  }

  /** Subscriptions open (the window's pages and the tray's). */
  get subscriptionCount(): number {
    return this.#listeners.size;
  }

  async snapshot(): Promise<Snapshot> {
    const answer = await this.#ask((id) => ({ type: 'snapshot', id }));
    if (answer.type !== 'snapshot') throw new Error('the agent core answered something else');
    return answer.snapshot;
  }

  onEvents(listener: Listener): () => void {
    const subscription = this.#next++;
    this.#listeners.set(subscription, listener);
    if (!this.supervisor.post({ type: 'subscribe', subscription })) {
      listener([{ type: 'bridge', connected: false }]);
      this.#regained.add(subscription);
    }
    return () => {
      if (!this.#listeners.delete(subscription)) return;
      this.#regained.delete(subscription);
      this.supervisor.post({ type: 'unsubscribe', subscription });
    };
  }

  async restartLink(): Promise<void> {
    const answer = await this.#ask((id) => ({ type: 'restart-link', id }));
    if (answer.type === 'restart-link-result' && answer.error !== null) {
      throw new Error(answer.error);
    }
  }

  markCallsSeen(): Promise<void> {
    this.supervisor.post({ type: 'calls-seen' });
    return Promise.resolve();
  }

  #ask(request: (id: number) => ToCore): Promise<FromCore> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      if (!this.supervisor.post(request(id))) {
        reject(new Error('the agent core is restarting; try again in a moment'));
        return;
      }
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`the agent core did not answer within ${ANSWER_TIMEOUT_MS / 1000} s`));
      }, ANSWER_TIMEOUT_MS);
      this.#waiting.set(id, (message) => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        if (message.type === 'failed') reject(new Error(message.message));
        else resolve(message);
      });
    });
  }

  #onMessage(message: FromCore): void {
    switch (message.type) {
      case 'events': {
        const listener = this.#listeners.get(message.subscription);
        if (!listener) return;
        if (this.#regained.delete(message.subscription)) {
          listener([{ type: 'bridge', connected: true }, ...message.events]);
        } else {
          listener(message.events);
        }
        return;
      }
      case 'snapshot':
      case 'restart-link-result':
        this.#waiting.get(message.id)?.(message);
        return;
      default:
        return;
    }
  }

  #onLost(): void {
    for (const answer of [...this.#waiting.values()]) {
      answer({ type: 'failed', message: 'the agent core stopped before it answered' });
    }
    for (const [subscription, listener] of this.#listeners) {
      if (this.#regained.has(subscription)) continue;
      this.#regained.add(subscription);
      listener([{ type: 'bridge', connected: false }]);
    }
  }

  #onReady(): void {
    for (const subscription of this.#listeners.keys()) {
      this.supervisor.post({ type: 'subscribe', subscription });
    }
  }
}
