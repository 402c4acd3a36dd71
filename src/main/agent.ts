import type { AddressInfo } from 'node:net';
import type { Config } from './config/schema.js';
import type { Logger } from './core/log.js';
import { TypedEmitter } from './core/typed-emitter.js';
import { CallRouter } from './core/call-router.js';
import { TapiLink } from './tapi/tapi-link.js';
import { StompGateway, type GatewayOptions } from './stomp/gateway.js';
import { createDirectory } from './directory/create-directory.js';
import type { Directory } from './core/directory.js';
import type { ClusterView, Snapshot } from '../shared/bridge.js';
import type { AgentEvent, AgentEvents, AgentSummary } from './agent-events.js';
import type { CallStore } from './core/call-log.js';
import { ClusterLink } from './core/cluster-link.js';
import { RabbitCluster } from './cluster/rabbit-cluster.js';
import { Containment } from './core/containment.js';
import { isCallEvent } from './core/tapi-port.js';

export interface AgentOptions {
  config: Config;
  logger: Logger;
  /** Use this directory instead of the configured one (tests, --check-directory). */
  directory?: Directory;
  /** Extra files served by the STOMP port under `<path>-client/` (the demo page). */
  extraAssets?: GatewayOptions['extraAssets'];
  /**
   * Keeps calls across restarts: the call log begins with its `recent()` calls, every call is
   * appended to it once it ended, and `stop()` ends the active ones and waits for it to flush.
   */
  callStore?: CallStore;
}

/**
 * The core, composed: directory, TapiServer link, call router and STOMP gateway. Plain Node;
 * the headless CLI and the Electron shell both start one of these. A facade: its parts are its
 * own; observers use its methods (`snapshot`, `summary`, `restartLink`, `markCallsSeen`,
 * `stop`) and its one event feed (`on('event', …)`, `agent-events.ts`).
 */
export class Agent extends TypedEmitter<AgentEvents> {
  readonly startedAt = Date.now();
  #stopped = false;
  #callStore: CallStore | null = null;
  /** With `cluster` configured: the RabbitMQ adapter and the router's link that uses it. */
  #cluster: { adapter: RabbitCluster; link: ClusterLink } | null = null;
  /** Missed calls since the operator last looked (`markCallsSeen`). */
  #missedCalls = 0;

  readonly #directory: Directory;
  readonly #link: TapiLink;
  readonly #router: CallRouter;
  readonly #gateway: StompGateway;

  private constructor(
    readonly config: Config,
    readonly logger: Logger,
    parts: { directory: Directory; link: TapiLink; router: CallRouter; gateway: StompGateway },
    /** Where browsers connect, e.g. `http://0.0.0.0:8081/tapi-messenger`. */
    readonly endpoint: string,
    readonly address: AddressInfo,
    /** Where unexpected exceptions from outside input are caught and counted. */
    readonly containment: Containment,
  ) {
    super();
    this.#directory = parts.directory;
    this.#link = parts.link;
    this.#router = parts.router;
    this.#gateway = parts.gateway;
  }

  static async start(options: AgentOptions): Promise<Agent> {
    const { config, logger } = options;
    const directory = options.directory ?? (await createDirectory(config.directory, logger));
    const containment = new Containment(logger);
    const link = new TapiLink(config.tapi, logger, containment);
    const adapter = config.cluster ? new RabbitCluster(config.cluster, logger) : null;
    const clusterLink = adapter ? new ClusterLink(link, adapter) : null;
    const router = new CallRouter(directory, clusterLink ?? link, logger, {
      dialLimit: { calls: config.server.maxDialsPerPhone, perMs: config.server.dialWindowMs },
      listensPerMinute: config.server.maxListensPerMinute,
      containment,
      callTimeoutMs: config.tapi.callTimeoutMs,
    });
    clusterLink?.deliverTo(router);
    const store = options.callStore;
    for (const call of [...(store?.recent() ?? [])].reverse()) router.calls.record(call);
    const gateway = new StompGateway(
      { server: config.server, extraAssets: options.extraAssets, containment },
      router,
      logger,
    );
    let address: AddressInfo;
    try {
      address = await gateway.listen();
    } catch (error) {
      await directory.close();
      const e = error as NodeJS.ErrnoException;
      const hint =
        e.code === 'EADDRINUSE'
          ? ` (port ${config.server.port} is in use: is another agent running?)`
          : '';
      throw new Error(
        `cannot listen on ${config.server.host}:${config.server.port}: ${e.message}${hint}`,
        { cause: error },
      );
    }
    const endpoint = `${gateway.scheme}://${config.server.host}:${address.port}${config.server.path}`;
    const agent = new Agent(
      config,
      logger,
      { directory, link, router, gateway },
      endpoint,
      address,
      containment,
    );
    agent.#callStore = store ?? null;
    if (adapter && clusterLink) agent.#cluster = { adapter, link: clusterLink };
    agent.#wire();
    link.start();
    adapter?.start();
    return agent;
  }

  #emit(event: AgentEvent): void {
    this.emit('event', event);
  }

  #wire(): void {
    const link = this.#link;
    const router = this.#router;
    const cluster = this.#cluster;
    link.on('connected', () => {
      cluster?.link.relisten();
      router.linkConnected();
    });
    link.on('message', (message) => {
      router.linkMessage(message);
      if (isCallEvent(message)) cluster?.adapter.publish(message);
    });
    link.on('state', (state) => {
      // In a cluster, calls on other agents' extensions go on: their TapiServer reports them.
      if (state.status !== 'connected') {
        router.linkDisconnected(cluster ? (ext) => cluster.link.serves(ext) : undefined);
      }
      cluster?.adapter.linkState(state.status === 'connected');
      this.#emit({ type: 'link', link: state });
    });
    cluster?.adapter.on('state', () => {
      const view = this.clusterView();
      if (view) this.#emit({ type: 'cluster', cluster: view });
    });
    this.#directory.onStateChange((state) => this.#emit({ type: 'directory', directory: state }));
    router.on('session-opened', (session) => this.#emit({ type: 'session-opened', session }));
    router.on('session-updated', (session) => this.#emit({ type: 'session-updated', session }));
    router.on('session-closed', (id) => this.#emit({ type: 'session-closed', id }));
    router.on('phones', (phones) => this.#emit({ type: 'phones', phones }));
    router.on('call', (call) => {
      if (call.state === 'ended') this.#callStore?.append(call);
      this.#emit({ type: 'call', call });
      if (call.missed) {
        this.#missedCalls++;
        this.#emit({ type: 'missed-calls', count: this.#missedCalls });
      }
    });
    router.on('delivered', (delivery) => this.#emit({ type: 'delivered', ...delivery }));
    router.on('dial', ({ outcome }) => this.#emit({ type: 'dial', outcome }));
    router.on('listen', ({ outcome }) => this.#emit({ type: 'listen', outcome }));
    this.#gateway.onProtocolError((error) => this.#emit({ type: 'protocol-error', ...error }));
    this.containment.on('contained', ({ where }) => this.#emit({ type: 'contained', where }));
  }

  /** Everything the dashboard shows, now; its events (`isDashboardEvent`) keep it current. */
  snapshot(): Snapshot {
    const snapshot: Snapshot = {
      startedAt: this.startedAt,
      endpoint: this.endpoint,
      link: this.#link.state(),
      directory: this.#directory.state(),
      sessions: this.#router.sessions(),
      phones: this.#router.phones(),
      calls: this.#router.calls.list(),
      missedCalls: this.#missedCalls,
    };
    const cluster = this.clusterView();
    return cluster ? { ...snapshot, cluster } : snapshot;
  }

  /** The agent at a glance: counts instead of lists. */
  summary(): AgentSummary {
    return {
      startedAt: this.startedAt,
      link: this.#link.state(),
      directory: this.#directory.state(),
      sessions: this.#router.sessionCount,
      connections: this.#gateway.sessionCount,
      phones: this.#router.phoneCount,
      cluster: this.clusterView(),
    };
  }

  /** This agent's place in its cluster; null without `cluster` (docs/cluster.md). */
  clusterView(): ClusterView | null {
    const cluster = this.#cluster;
    if (!cluster) return null;
    return { ...cluster.adapter.view(), served: cluster.link.remoteListens() };
  }

  /** Missed calls since the operator last looked at the call log (the tray shows them). */
  get missedCalls(): number {
    return this.#missedCalls;
  }

  /** The operator looked at the call log: the missed-calls count starts again from 0. */
  markCallsSeen(): void {
    if (this.#missedCalls === 0) return;
    this.#missedCalls = 0;
    this.#emit({ type: 'missed-calls', count: 0 });
  }

  /** The operator's "reconnect now": drops the TapiServer connection and dials again. */
  restartLink(): void {
    this.#link.restart();
  }

  /**
   * Clean shutdown (docs/protocol.md §5): UNLISTEN for every phone, every session closed, the link and the
   * directory closed.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#router.unlistenAll();
    this.#cluster?.link.unlistenAll();
    await this.#cluster?.adapter.stop();
    this.#router.close();
    await this.#gateway.close();
    await this.#link.stop();
    await this.#directory.close();
    await this.#callStore?.flush();
  }
}
