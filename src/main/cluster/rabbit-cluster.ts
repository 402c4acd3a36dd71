import { Connection, type AsyncMessage, type Consumer, type Publisher } from 'rabbitmq-client';
import type { ClusterConfig } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import { TypedEmitter } from '../core/typed-emitter.js';
import { ExtensionPatterns } from '../core/extension-patterns.js';
import type { ClusterInbox, ClusterPort, RemoteCommand } from '../core/cluster-port.js';
import { callEventExtension, type TapiCallEvent } from '../core/tapi-port.js';
import type { ClusterAgentView, ClusterView } from '../../shared/bridge.js';
import {
  HEARTBEAT_KEY,
  agentKey,
  decodeClusterMessage,
  eventKey,
  type ClusterMessage,
  type Heartbeat,
} from './cluster-messages.js';
import { PeerTable, type Peer } from './peer-table.js';

/** How long `stop()` waits for the broker to acknowledge closing. */
const STOP_TIMEOUT_MS = 3000;

export interface RabbitClusterEvents {
  /** Anything the dashboard's cluster panel shows changed. */
  state: [Omit<ClusterView, 'served'>];
}

/**
 * The cluster over RabbitMQ (docs/cluster.md): one topic exchange, one exclusive auto-delete
 * queue per agent bound to its heartbeats, its own `agent.<id>` key and the `event.<ext>` keys
 * of the remote extensions its pages need. rabbitmq-client reconnects and re-declares the queue
 * and its fixed bindings; the per-extension bindings are made again here each time.
 */
export class RabbitCluster extends TypedEmitter<RabbitClusterEvents> implements ClusterPort {
  readonly #own: ExtensionPatterns;
  readonly #peers: PeerTable;
  /** Remote extensions this agent's pages listen on. */
  readonly #wanted = new Set<string>();
  /** Agents that left or went silent (until they return), for the panel. */
  readonly #departed = new Map<string, ClusterAgentView>();
  #inbox: ClusterInbox | null = null;
  #connection: Connection | null = null;
  #consumer: Consumer | null = null;
  #publisher: Publisher | null = null;
  #timer: NodeJS.Timeout | null = null;
  #broker: ClusterView['broker'] = 'connecting';
  #since = Date.now();
  #lastError: string | null = null;
  #linkUp = false;
  #stopping = false;

  constructor(
    readonly config: ClusterConfig,
    private readonly logger: Logger,
  ) {
    super();
    this.#own = new ExtensionPatterns(config.extensions);
    this.#peers = new PeerTable(config.missedHeartbeats);
  }

  // ---- ClusterPort ----

  isRemote(ext: string): boolean {
    return !this.#own.matches(ext);
  }

  attach(inbox: ClusterInbox): void {
    this.#inbox = inbox;
  }

  send(command: RemoteCommand): boolean {
    const { ext } = command;
    let bound: Promise<void> | null = null;
    if (command.verb === 'LISTEN' && !this.#wanted.has(ext)) {
      this.#wanted.add(ext);
      bound = this.#bindEvents(ext, true);
      this.#changed();
    } else if (command.verb === 'UNLISTEN' && this.#wanted.delete(ext)) {
      void this.#bindEvents(ext, false);
      this.#changed();
    }
    const peer = this.#peers.servingAgent(ext);
    if (!this.#ready || !peer) return false;
    if (command.verb === 'CALL' && peer.link !== 'connected') return false;
    const message: ClusterMessage = { type: 'command', from: this.config.agentId, command };
    // A new listen asks for the extension's events once our queue receives them.
    if (bound) void bound.then(() => this.#publish(agentKey(peer.agentId), message));
    else this.#publish(agentKey(peer.agentId), message);
    return true;
  }

  publish(event: TapiCallEvent): void {
    if (this.#ready) {
      const key = eventKey(callEventExtension(event));
      this.#publish(key, { type: 'event', from: this.config.agentId, event });
    }
  }

  // ---- life cycle ----

  start(): void {
    const { url, exchange, reconnectMs, heartbeatMs, agentId } = this.config;
    const connection = new Connection({
      url,
      connectionName: `tapi-messenger ${agentId}`,
      retryLow: Math.min(1000, reconnectMs),
      retryHigh: reconnectMs,
    });
    this.#connection = connection;
    connection.on('error', (error: unknown) => this.#lost(error));
    const exchanges = [{ exchange, type: 'topic', durable: true }];
    this.#publisher = connection.createPublisher({ exchanges });
    this.#consumer = connection.createConsumer(
      {
        queue: '',
        queueOptions: { exclusive: true, autoDelete: true },
        exchanges,
        queueBindings: [
          { exchange, routingKey: HEARTBEAT_KEY },
          { exchange, routingKey: agentKey(agentId) },
        ],
        noAck: true,
      },
      (message: AsyncMessage) => this.#received(message),
    );
    this.#consumer.on('ready', () => void this.#consumerReady());
    this.#consumer.on('error', (error: unknown) => this.#lost(error));
    this.#timer = setInterval(() => this.#tick(), heartbeatMs);
  }

  /** This agent's TapiServer link went up or down: the others learn it at once. */
  linkState(connected: boolean): void {
    if (this.#linkUp === connected) return;
    this.#linkUp = connected;
    this.#announce();
  }

  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#ready) {
      await this.#publisher
        ?.send(
          { exchange: this.config.exchange, routingKey: HEARTBEAT_KEY },
          JSON.stringify({ ...this.#heartbeat(), leaving: true }),
        )
        .catch(() => undefined);
    }
    const connection = this.#connection;
    const closed = (async () => {
      await this.#consumer?.close().catch(() => undefined);
      await this.#publisher?.close().catch(() => undefined);
      await connection?.close().catch(() => undefined);
    })();
    // A broker that stopped answering must not hold up the agent's shutdown.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS);
    });
    if ((await Promise.race([closed, late])) === 'late') connection?.unsafeDestroy();
    clearTimeout(timer);
  }

  /** The panel's view; `served` is filled in by whoever counts listens (the core's ClusterLink). */
  view(): Omit<ClusterView, 'served'> {
    const { url, agentId, extensions } = this.config;
    return {
      agentId,
      url: url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@'),
      broker: this.#broker,
      since: this.#since,
      lastError: this.#lastError,
      extensions: [...extensions],
      agents: [
        ...this.#peers.list().map((peer) => ({
          agentId: peer.agentId,
          extensions: [...peer.extensions],
          link: peer.link,
          lastHeartbeat: peer.lastHeartbeat,
        })),
        ...this.#departed.values(),
      ].sort((a, b) => a.agentId.localeCompare(b.agentId)),
      remoteListens: [...this.#wanted].sort(),
    };
  }

  // ---- the broker ----

  get #ready(): boolean {
    return this.#broker === 'connected' && this.#connection?.ready === true;
  }

  /** The consumer is (re)declared: bind what pages need, then tell the others who we are. */
  async #consumerReady(): Promise<void> {
    await Promise.all([...this.#wanted].map((ext) => this.#bindEvents(ext, true)));
    if (this.#broker !== 'connected') {
      this.#peers.forgive(Date.now());
      this.#setBroker('connected', null);
      this.logger.info(`cluster: connected to RabbitMQ as ${this.config.agentId}`);
    }
    this.#announce();
  }

  #lost(error: unknown): void {
    if (this.#stopping) return;
    const message = error instanceof Error ? error.message : String(error);
    this.logger.debug(`cluster: ${message}`);
    if (this.#connection?.ready === true) return; // a channel error, the connection stands
    if (this.#broker === 'down') return;
    this.logger.warn(`cluster: RabbitMQ connection lost: ${message}; reconnecting`);
    this.#setBroker('down', message);
    this.#inbox?.unreachable([...this.#wanted], 'the cluster broker (RabbitMQ) is not reachable');
    this.#inbox?.callsLost(() => true);
  }

  #setBroker(state: ClusterView['broker'], error: string | null): void {
    this.#broker = state;
    this.#since = Date.now();
    if (error !== null) this.#lastError = error;
    this.#changed();
  }

  /** Binds (or unbinds) our queue to an extension's call events; later, if not connected now. */
  async #bindEvents(ext: string, bind: boolean): Promise<void> {
    const queue = this.#consumer?.queue;
    const connection = this.#connection;
    if (!connection?.ready || !queue) return; // bound on the next `ready`
    const params = { queue, exchange: this.config.exchange, routingKey: eventKey(ext) };
    try {
      await (bind ? connection.queueBind(params) : connection.queueUnbind(params));
    } catch (error) {
      this.logger.debug(`cluster: ${bind ? 'bind' : 'unbind'} ${ext}: ${String(error)}`);
    }
  }

  #publish(routingKey: string, message: ClusterMessage): void {
    this.#publisher
      ?.send({ exchange: this.config.exchange, routingKey }, JSON.stringify(message))
      .catch((error: unknown) =>
        this.logger.debug(`cluster: publish ${routingKey} failed: ${String(error)}`),
      );
  }

  #heartbeat(): Heartbeat {
    return {
      type: 'heartbeat',
      from: this.config.agentId,
      extensions: [...this.config.extensions],
      link: this.#linkUp ? 'connected' : 'down',
      intervalMs: this.config.heartbeatMs,
      listens: [...this.#wanted],
    };
  }

  #announce(): void {
    if (this.#ready) this.#publish(HEARTBEAT_KEY, this.#heartbeat());
  }

  #tick(): void {
    if (!this.#ready) {
      if (this.#broker === 'connected') this.#lost(new Error('connection not ready'));
      return;
    }
    for (const peer of this.#peers.expire(Date.now()))
      this.#gone(peer, 'stopped announcing itself');
    this.#announce();
    this.#changed();
  }

  // ---- arrivals ----

  #received(amqp: AsyncMessage): void {
    try {
      this.#handle(amqp);
    } catch (error) {
      // One bad message is dropped; the queue, the other agents and the pages are unaffected.
      this.logger.error(`cluster: a message on ${amqp.routingKey} failed: ${String(error)}`);
    }
  }

  #handle(amqp: AsyncMessage): void {
    const decoded = decodeClusterMessage(amqp.body);
    if (!decoded.ok) {
      this.logger.warn(`cluster: dropped a message on ${amqp.routingKey}: ${decoded.problem}`);
      return;
    }
    const message = decoded.message;
    if (message.from === this.config.agentId) return;
    switch (message.type) {
      case 'heartbeat':
        this.#heartbeatFrom(message);
        return;
      case 'command':
        if (
          !this.#inbox?.command(message.from, message.command) &&
          message.command.verb === 'CALL'
        ) {
          this.#publish(agentKey(message.from), {
            type: 'refused',
            from: this.config.agentId,
            ext: message.command.ext,
            reason: `the TapiServer of agent ${this.config.agentId} is not connected; nothing was dialled`,
          });
        }
        return;
      case 'event':
        if (this.#wanted.has(callEventExtension(message.event))) this.#inbox?.event(message.event);
        return;
      case 'refused':
        this.#inbox?.unreachable([message.ext], message.reason);
        return;
    }
  }

  #heartbeatFrom(heartbeat: Heartbeat): void {
    if (heartbeat.leaving) {
      const peer = this.#peers.remove(heartbeat.from);
      if (peer) this.#gone(peer, 'stopped');
      return;
    }
    const before = this.#peers.get(heartbeat.from)?.link;
    const seen = this.#peers.heard(heartbeat, Date.now());
    if (before === 'connected' && heartbeat.link === 'down') {
      const patterns = this.#peers.get(heartbeat.from)?.patterns;
      this.logger.info(`cluster: the TapiServer link of agent ${heartbeat.from} is down`);
      if (patterns) this.#inbox?.callsLost((ext) => patterns.matches(ext));
    }
    this.#departed.delete(heartbeat.from);
    this.#inbox?.listens(heartbeat.from, heartbeat.listens);
    if (seen === 'new') {
      this.logger.info(
        `cluster: agent ${heartbeat.from} (${heartbeat.extensions.join(', ')}) joined`,
      );
      this.#announce(); // it learns at once what our pages listen on
      this.#changed();
    }
  }

  #gone(peer: Peer, why: string): void {
    this.logger.warn(`cluster: agent ${peer.agentId} ${why}`);
    this.#departed.set(peer.agentId, {
      agentId: peer.agentId,
      extensions: [...peer.extensions],
      link: 'gone',
      lastHeartbeat: peer.lastHeartbeat,
    });
    if (this.#departed.size > 50) this.#departed.delete(this.#departed.keys().next().value ?? '');
    this.#inbox?.agentGone(peer.agentId);
    this.#inbox?.callsLost((ext) => peer.patterns.matches(ext));
    const orphans = [...this.#wanted].filter(
      (ext) => peer.patterns.matches(ext) && this.#peers.servingAgent(ext) === undefined,
    );
    this.#inbox?.unreachable(orphans, `agent ${peer.agentId}, which serves it, ${why}`);
    this.#changed();
  }

  #changed(): void {
    this.emit('state', this.view());
  }
}
