import type { BridgeEvent, DashboardBridge, Snapshot } from '../../shared/bridge.js';
import {
  DASHBOARD_PATHS,
  type ClientMessage,
  type ServerMessage,
} from '../../shared/dashboard-protocol.js';

const RESTART_TIMEOUT_MS = 5000;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5000;

type Listener = (events: BridgeEvent[]) => void;

/**
 * The headless bridge, in the page: one WebSocket to the dashboard server per listener, opened
 * again (with back-off) when the agent goes away. The server starts every socket with a
 * snapshot, so a reconnect resynchronises the view by itself.
 */
export class SocketBridge implements DashboardBridge {
  readonly #sockets = new Set<WebSocket>();
  readonly #waiting = new Map<number, (error: string | null) => void>();
  #nextId = 1;

  constructor(private readonly origin: { protocol: string; host: string }) {}

  async snapshot(): Promise<Snapshot> {
    const response = await fetch(DASHBOARD_PATHS.snapshot, { cache: 'no-store' });
    if (!response.ok)
      throw new Error(`the agent answered ${response.status} to a snapshot request`);
    return (await response.json()) as Snapshot;
  }

  onEvents(listener: Listener): () => void {
    let stopped = false;
    let socket: WebSocket | null = null;
    let retryMs = RETRY_MIN_MS;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lost = false;
    const open = (): void => {
      const ws = new WebSocket(this.#url());
      socket = ws;
      ws.addEventListener('open', () => {
        retryMs = RETRY_MIN_MS;
        this.#sockets.add(ws);
      });
      ws.addEventListener('message', (message: MessageEvent<unknown>) => {
        if (typeof message.data !== 'string') return;
        const data = JSON.parse(message.data) as ServerMessage;
        if (data.type === 'restart-link-result') {
          this.#waiting.get(data.id)?.(data.error);
          return;
        }
        if (lost) {
          lost = false;
          listener([{ type: 'bridge', connected: true }, ...data.events]);
        } else {
          listener(data.events);
        }
      });
      ws.addEventListener('close', () => {
        this.#sockets.delete(ws);
        if (stopped) return;
        if (!lost) {
          lost = true;
          listener([{ type: 'bridge', connected: false }]);
        }
        timer = setTimeout(open, retryMs);
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
      });
    };
    open();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      socket?.close();
    };
  }

  restartLink(): Promise<void> {
    const socket = [...this.#sockets].find((ws) => ws.readyState === WebSocket.OPEN);
    if (!socket) {
      return Promise.reject(new Error('not connected to the agent; is it running?'));
    }
    const id = this.#nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`the agent did not answer within ${RESTART_TIMEOUT_MS / 1000} s`));
      }, RESTART_TIMEOUT_MS);
      this.#waiting.set(id, (error) => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        if (error === null) resolve();
        else reject(new Error(error));
      });
      const message: ClientMessage = { type: 'restart-link', id };
      socket.send(JSON.stringify(message));
    });
  }

  markCallsSeen(): Promise<void> {
    const socket = [...this.#sockets].find((ws) => ws.readyState === WebSocket.OPEN);
    const message: ClientMessage = { type: 'calls-seen' };
    socket?.send(JSON.stringify(message));
    return Promise.resolve();
  }

  #url(): string {
    const scheme = this.origin.protocol === 'https:' ? 'wss' : 'ws';
    return `${scheme}://${this.origin.host}${DASHBOARD_PATHS.bridge}`;
  }
}
