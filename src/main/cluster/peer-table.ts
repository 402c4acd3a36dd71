import { ExtensionPatterns } from '../core/extension-patterns.js';
import type { Heartbeat } from './cluster-messages.js';

export interface Peer {
  agentId: string;
  extensions: readonly string[];
  patterns: ExtensionPatterns;
  link: 'connected' | 'down';
  intervalMs: number;
  lastHeartbeat: number;
}

/**
 * The other agents seen on the exchange, from their heartbeats (pure: the time is passed in). An
 * agent not heard from for `missed` of its own intervals is gone.
 */
export class PeerTable {
  readonly #peers = new Map<string, Peer>();

  constructor(private readonly missed: number) {}

  /** Records a heartbeat; `new` when the agent was not known (first seen, or back after going). */
  heard(heartbeat: Heartbeat, now: number): 'new' | 'known' {
    const known = this.#peers.get(heartbeat.from);
    const extensions = heartbeat.extensions;
    const samePatterns = known?.extensions.join(' ') === extensions.join(' ');
    this.#peers.set(heartbeat.from, {
      agentId: heartbeat.from,
      extensions,
      patterns: known && samePatterns ? known.patterns : new ExtensionPatterns(extensions),
      link: heartbeat.link,
      intervalMs: heartbeat.intervalMs,
      lastHeartbeat: now,
    });
    return known ? 'known' : 'new';
  }

  get(agentId: string): Peer | undefined {
    return this.#peers.get(agentId);
  }

  remove(agentId: string): Peer | undefined {
    const peer = this.#peers.get(agentId);
    this.#peers.delete(agentId);
    return peer;
  }

  /** Removes and returns the agents silent for too long. */
  expire(now: number): Peer[] {
    const gone = [...this.#peers.values()].filter(
      (peer) => now - peer.lastHeartbeat > peer.intervalMs * this.missed,
    );
    for (const peer of gone) this.#peers.delete(peer.agentId);
    return gone;
  }

  /** After a broker outage nobody could be heard: everyone gets a fresh allowance. */
  forgive(now: number): void {
    for (const peer of this.#peers.values()) peer.lastHeartbeat = now;
  }

  /** The agent serving `ext`: the first by id whose patterns match. */
  servingAgent(ext: string): Peer | undefined {
    let found: Peer | undefined;
    for (const peer of this.#peers.values()) {
      if (peer.patterns.matches(ext) && (!found || peer.agentId < found.agentId)) found = peer;
    }
    return found;
  }

  list(): Peer[] {
    return [...this.#peers.values()].sort((a, b) => a.agentId.localeCompare(b.agentId));
  }
}
