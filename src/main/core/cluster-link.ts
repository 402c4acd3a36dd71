import type { LinkPort, TapiCallEvent, TapiCommand } from './tapi-port.js';
import type { ClusterInbox, ClusterPort, RemoteCommand } from './cluster-port.js';

/** What the cluster delivers to this agent's pages (the call router). */
export interface RemoteDelivery {
  /** A call event from another agent, delivered to pages exactly as a local one. */
  linkMessage(event: TapiCallEvent): void;
  /** Pages bound to these extensions get LINK_DOWN. */
  extensionsUnreachable(extensions: readonly string[], reason: string): void;
  /** Active calls on the extensions `on` picks end `LINK_LOST`: nobody will report their end. */
  callsLost(on: (ext: string) => boolean): void;
}

/** The holder of a listen that stands for this agent's own pages. */
const LOCAL = '';

/**
 * The router's link when a cluster is configured (docs/cluster.md): commands for this agent's own
 * extensions go to its TapiServer, the others to the cluster. TapiServer is told to LISTEN while
 * any page anywhere needs an extension and to UNLISTEN when none does: listens are counted per
 * holder (this agent's pages, or another agent).
 */
export class ClusterLink implements LinkPort, ClusterInbox {
  /** Our extensions that someone needs → who (LOCAL or other agents' ids). */
  readonly #holders = new Map<string, Set<string>>();
  #delivery: RemoteDelivery | null = null;

  constructor(
    private readonly link: LinkPort,
    private readonly cluster: ClusterPort,
  ) {}

  /** Connects the cluster's arrivals to the router; before this, nothing is delivered. */
  deliverTo(delivery: RemoteDelivery): void {
    this.#delivery = delivery;
    this.cluster.attach(this);
  }

  get isConnected(): boolean {
    return this.link.isConnected;
  }

  /** Whether `ext` is this agent's own (its TapiServer reports its calls). */
  serves(ext: string): boolean {
    return !this.cluster.isRemote(ext);
  }

  send(command: TapiCommand): boolean {
    if (command.verb === 'PING') return this.link.send(command);
    if (this.cluster.isRemote(command.ext)) return this.cluster.send(command);
    return this.#hold(LOCAL, command);
  }

  /** The link is (re)connected: every extension someone holds is listened to again. */
  relisten(): void {
    for (const ext of this.#holders.keys()) this.link.send({ verb: 'LISTEN', ext });
  }

  /** Shutdown: UNLISTEN for everything still held (the router has released its own already). */
  unlistenAll(): void {
    for (const ext of this.#holders.keys()) this.link.send({ verb: 'UNLISTEN', ext });
    this.#holders.clear();
  }

  /** Our extensions other agents' pages listen on, with those agents (dashboard). */
  remoteListens(): Array<{ extension: string; agents: string[] }> {
    return [...this.#holders]
      .map(([extension, holders]) => ({
        extension,
        agents: [...holders].filter((h) => h !== LOCAL).sort(),
      }))
      .filter((entry) => entry.agents.length > 0);
  }

  // ---- ClusterInbox ----

  command(from: string, command: RemoteCommand): boolean {
    if (this.cluster.isRemote(command.ext)) return false; // not ours: a misrouted message
    return this.#hold(from, command);
  }

  listens(from: string, extensions: readonly string[]): void {
    const wanted = new Set(extensions.filter((ext) => !this.cluster.isRemote(ext)));
    for (const [ext, holders] of [...this.#holders]) {
      if (holders.has(from) && !wanted.has(ext)) this.#hold(from, { verb: 'UNLISTEN', ext });
    }
    for (const ext of wanted) {
      if (!this.#holders.get(ext)?.has(from)) this.#hold(from, { verb: 'LISTEN', ext });
    }
  }

  agentGone(from: string): void {
    this.listens(from, []);
  }

  event(event: TapiCallEvent): void {
    this.#delivery?.linkMessage(event);
  }

  unreachable(extensions: readonly string[], reason: string): void {
    if (extensions.length > 0) this.#delivery?.extensionsUnreachable(extensions, reason);
  }

  callsLost(on: (ext: string) => boolean): void {
    // Another agent going cannot end a call of our own TapiServer.
    this.#delivery?.callsLost((ext) => this.cluster.isRemote(ext) && on(ext));
  }

  #hold(holder: string, command: RemoteCommand): boolean {
    if (command.verb === 'CALL') return this.link.send(command);
    const holders = this.#holders.get(command.ext);
    if (command.verb === 'LISTEN') {
      if (holders) {
        holders.add(holder);
        return this.link.isConnected;
      }
      this.#holders.set(command.ext, new Set([holder]));
      return this.link.send(command);
    }
    if (!holders?.delete(holder)) return this.link.isConnected;
    if (holders.size > 0) return this.link.isConnected;
    this.#holders.delete(command.ext);
    return this.link.send(command);
  }
}
