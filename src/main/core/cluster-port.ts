import type { TapiCallEvent, TapiCommand } from './tapi-port.js';

/**
 * What the core needs of a cluster of agents (docs/cluster.md). The core owns this interface; an
 * adapter (src/main/cluster/) implements it over a message broker. Without a cluster there is no
 * port and nothing of this is used.
 */

/** The commands one agent asks of the agent that serves an extension. */
export type RemoteCommand = Extract<TapiCommand, { ext: string }>;

export interface ClusterPort {
  /** Whether `ext` belongs to another agent's TapiServer (this agent's patterns do not match it). */
  isRemote(ext: string): boolean;
  /**
   * Passes a command for a remote extension to the agent serving it. LISTEN and UNLISTEN are
   * also remembered, so that they are repeated when that agent (re)appears. False when no agent
   * serving `ext` is reachable with its TapiServer link up (or the broker is down).
   */
  send(command: RemoteCommand): boolean;
  /** A call event of this agent's own TapiServer, for the agents whose pages listen on its extension. */
  publish(event: TapiCallEvent): void;
  /** Where what arrives from other agents goes; called once, before anything arrives. */
  attach(inbox: ClusterInbox): void;
}

/** What the core does with what arrives from other agents. */
export interface ClusterInbox {
  /** Another agent's pages need (LISTEN), no longer need (UNLISTEN) or dial (CALL) one of our extensions. False: our link is down. */
  command(from: string, command: RemoteCommand): boolean;
  /** The whole set of our extensions `from`'s pages need (sent with its heartbeat): repairs lost commands. */
  listens(from: string, extensions: readonly string[]): void;
  /** `from` has left or is gone: its pages need nothing any more. */
  agentGone(from: string): void;
  /** A call event from the agent serving an extension our pages listen on. */
  event(event: TapiCallEvent): void;
  /** Extensions our pages listen on cannot be reached now (their agent is gone, or the broker). */
  unreachable(extensions: readonly string[], reason: string): void;
  /**
   * The calls on the remote extensions `on` picks will not be reported any more (the agent whose
   * TapiServer reported them is gone or its link dropped, or the broker is unreachable).
   */
  callsLost(on: (ext: string) => boolean): void;
}
