import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import type { BridgeEvent } from '../../shared/bridge.js';
import { coalesceEvents } from '../../shared/coalesce-events.js';
import type { ClientMessage, ServerMessage } from '../../shared/dashboard-protocol.js';
import type { Logger } from '../core/log.js';
import { Containment } from '../core/containment.js';
import type { DashboardHub } from './dashboard-hub.js';

/**
 * What a page may send, checked on arrival. `ClientMessage` (src/shared, which the renderer
 * reads and which holds no zod) is the type; `satisfies` makes the compiler check that the
 * schema yields it.
 */
const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('restart-link'), id: z.number().int() }),
  z.object({ type: z.literal('calls-seen') }),
]) satisfies z.ZodType<ClientMessage>;

/** A page that reads slower than this many bytes behind gets coalesced batches, not a backlog. */
const HIGH_WATER_BYTES = 1024 * 1024;
const RETRY_MS = 100;
/** Past this many unsent events, fold them before waiting on. */
const FOLD_AT = 2000;

/**
 * The headless bridge's WebSocket: each page gets the hub's batches as `events` messages
 * (first a snapshot) and may ask for `restart-link` or say `calls-seen`. A slow page never makes the agent buffer
 * without bound: what it has not taken yet is coalesced again.
 */
export class BridgeSocket {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });

  constructor(
    private readonly hub: DashboardHub,
    private readonly logger: Logger,
    private readonly containment: Containment = new Containment(logger),
  ) {}

  get clientCount(): number {
    return this.#wss.clients.size;
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#serve(ws));
  }

  /**
   * Starts closing every page's socket (the page shows that it lost the agent and retries).
   * Not awaited: a page that never answers the close frame would hold it for `ws`'s 30 s;
   * the dashboard server's shutdown destroys what is still open after its grace period.
   */
  close(): void {
    for (const ws of this.#wss.clients) ws.close(1001, 'agent stopping');
    this.#wss.close();
  }

  #serve(ws: WebSocket): void {
    let pending: BridgeEvent[] = [];
    let retry: NodeJS.Timeout | null = null;
    const send = (message: ServerMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const flush = (): void => {
      retry = null;
      if (pending.length === 0 || ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > HIGH_WATER_BYTES) {
        if (pending.length > FOLD_AT) pending = coalesceEvents(pending);
        retry = setTimeout(flush, RETRY_MS);
        return;
      }
      const events = pending.length === 1 ? pending : coalesceEvents(pending);
      pending = [];
      send({ type: 'events', events });
    };
    const unsubscribe = this.hub.subscribe((events) => {
      pending.push(...events);
      if (retry === null) flush();
    });
    ws.on(
      'message',
      this.containment.wrap(
        'dashboard-bridge',
        (data: RawData) => this.#onMessage(data, send),
        () => ws.terminate(),
      ),
    );
    ws.on('error', (error) => this.logger.debug(`dashboard socket: ${error.message}`));
    ws.on('close', () => {
      unsubscribe();
      if (retry) clearTimeout(retry);
    });
  }

  #onMessage(data: RawData, send: (message: ServerMessage) => void): void {
    let value: unknown;
    try {
      value = JSON.parse(data.toString());
    } catch {
      value = undefined;
    }
    const message = clientMessageSchema.safeParse(value);
    if (!message.success) {
      this.logger.debug(
        'dashboard socket: ignored a message that is not {type:"restart-link",id} or {type:"calls-seen"}',
      );
      return;
    }
    if (message.data.type === 'calls-seen') {
      this.hub.markCallsSeen();
      return;
    }
    let error: string | null = null;
    try {
      this.hub.restartLink();
      this.logger.info('dashboard: link restart requested by the operator');
    } catch (e) {
      error = `the link could not be restarted: ${(e as Error).message}`;
    }
    send({ type: 'restart-link-result', id: message.data.id, error });
  }
}
