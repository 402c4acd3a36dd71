import type { Logger } from '../core/log.js';
import { TypedEmitter } from '../core/typed-emitter.js';
import type { ClientApplication } from '../core/client-session.js';
import { sendTarget } from '../core/send-policy.js';
import type { ServerConfig } from '../config/schema.js';
import { StompSession, type StompSessionHandler } from './stomp-session.js';
import { encodeFrame } from './frame-encoder.js';
import type { Transport } from './transport.js';
import { Containment } from '../core/containment.js';

/** The limits a gateway applies to every connection (docs/protocol.md §4 `server` keys). */
export type SessionLimits = Pick<
  ServerConfig,
  | 'maxFrameBytes'
  | 'heartbeatMs'
  | 'connectTimeoutMs'
  | 'maxSubscriptions'
  | 'maxFramesPerSecond'
  | 'maxPendingBytes'
  | 'sendStallMs'
  | 'maxSessions'
  | 'maxSessionsPerAddress'
>;

export interface GatewayEvents {
  /**
   * A session was closed for a protocol error or a limit (malformed frame, forbidden SEND,
   * `FLOOD`, `TOO_MANY_SUBSCRIPTIONS`, `TOO_MANY_SESSIONS`, `SLOW_CONSUMER`, …).
   */
  'protocol-error': [{ sessionId: string; code: string; message: string }];
}

/**
 * Every open connection of the gateway, whatever carries it: opens a StompSession per
 * transport, enforces the session cap, hands application SENDs to the ClientApplication and
 * tells it of sessions that connected and closed. No I/O of its own (the transports do it), so
 * it can be driven without sockets (`test/fuzz/gateway-properties.ts`).
 */
export class SessionTable extends TypedEmitter<GatewayEvents> {
  readonly #sessions = new Map<string, StompSession>();
  readonly #handler: StompSessionHandler;
  /** Open sessions per client address (`maxSessionsPerAddress`). */
  readonly #perAddress = new Map<string, number>();

  constructor(
    private readonly limits: SessionLimits,
    private readonly app: ClientApplication,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly containment: Containment = new Containment(logger),
  ) {
    super();
    this.#handler = {
      connected: (stomp) => {
        if (this.#sessions.get(stomp.id) === stomp) this.app.opened(stomp);
      },
      subscribed: (stomp, destination) => {
        if (this.#sessions.get(stomp.id) === stomp) this.app.subscribed(stomp, destination);
      },
      refuseSend: (destination) => {
        const target = sendTarget(destination);
        return target.kind === 'forbidden' ? target.message : null;
      },
      send: (stomp, destination, frame) => {
        if (this.#sessions.get(stomp.id) === stomp) {
          this.app.message(stomp, destination, frame.headers, frame.body);
        }
      },
      protocolError: (stomp, code, message) => {
        this.emit('protocol-error', { sessionId: stomp.id, code, message });
      },
      closed: (stomp, reason) => {
        if (this.#sessions.get(stomp.id) !== stomp) return;
        this.#sessions.delete(stomp.id);
        this.#countAddress(stomp.clientAddress, -1);
        if (stomp.isConnectedOnce) this.app.closed(stomp, reason);
      },
      unexpected: (stomp, error) => {
        this.containment.report('stomp-session', error);
        this.emit('protocol-error', {
          sessionId: stomp.id,
          code: 'INTERNAL_ERROR',
          message: 'the agent failed on this request',
        });
      },
    };
  }

  get size(): number {
    return this.#sessions.size;
  }

  has(id: string): boolean {
    return this.#sessions.has(id);
  }

  get(id: string): StompSession | undefined {
    return this.#sessions.get(id);
  }

  values(): IterableIterator<StompSession> {
    return this.#sessions.values();
  }

  /**
   * Opens a session on `transport`, or refuses it (ERROR, close, a `TOO_MANY_SESSIONS`
   * protocol-error; returns null) when `maxSessions` are open already.
   */
  open(
    id: string,
    transport: Transport,
    sockjsServerId: string | null = null,
  ): StompSession | null {
    const { limits } = this;
    const address = transport.remoteAddress;
    const refusal =
      this.#sessions.size >= limits.maxSessions
        ? {
            code: 'TOO_MANY_SESSIONS',
            message: `TOO_MANY_SESSIONS: the agent serves at most ${limits.maxSessions} connections; try again later`,
          }
        : (this.#perAddress.get(address) ?? 0) >= limits.maxSessionsPerAddress
          ? {
              code: 'TOO_MANY_SESSIONS_FROM_ADDRESS',
              message: `TOO_MANY_SESSIONS_FROM_ADDRESS: the agent serves at most ${limits.maxSessionsPerAddress} connections from one address; close some tabs or raise server.maxSessionsPerAddress`,
            }
          : null;
    if (refusal !== null) {
      const { code, message } = refusal;
      this.logger.warn(`refused connection ${id} from ${address}: ${message}`);
      this.emit('protocol-error', { sessionId: id, code, message });
      transport.send(
        encodeFrame(
          'ERROR',
          [
            ['message', message],
            ['content-type', 'text/plain'],
          ],
          message,
          '1.0',
        ),
      );
      transport.close(1013, 'too many sessions');
      return null;
    }
    this.#countAddress(address, 1);
    const stomp = new StompSession(
      id,
      transport,
      {
        maxFrameBytes: limits.maxFrameBytes,
        heartbeatMs: limits.heartbeatMs,
        connectTimeoutMs: limits.connectTimeoutMs,
        maxSubscriptions: limits.maxSubscriptions,
        maxFramesPerSecond: limits.maxFramesPerSecond,
        maxPendingBytes: limits.maxPendingBytes,
        sendStallMs: limits.sendStallMs,
        serverName: 'TapiMessenger',
        now: this.now,
      },
      this.#handler,
      this.logger,
      sockjsServerId,
    );
    this.#sessions.set(id, stomp);
    return stomp;
  }

  #countAddress(address: string, change: 1 | -1): void {
    const count = (this.#perAddress.get(address) ?? 0) + change;
    if (count > 0) this.#perAddress.set(address, count);
    else this.#perAddress.delete(address);
  }

  /** Closes every session (the application hears each close). */
  closeAll(reason: string): void {
    for (const session of [...this.#sessions.values()]) session.close(reason);
  }
}
