/**
 * The one contract between the dashboard and its shell. The Electron preload and the
 * headless dashboard server both implement `DashboardBridge`; the renderer sees nothing else.
 * Only plain, JSON-serialisable data crosses it.
 */

import type { CallDirection, CallState, EndCause } from './calls.js';

export type LinkStatus = 'connecting' | 'connected' | 'disconnected';

export interface LinkView {
  host: string;
  port: number;
  status: LinkStatus;
  /** When `status` last changed (ms since epoch). */
  since: number;
  lastError: string | null;
  /** Connection attempts since the link was last connected. */
  attempts: number;
  /** Successful (re)connections since the agent started. */
  reconnects: number;
}

export interface SessionView {
  /** The STOMP session id (for SockJS, the session id of the transport URL). */
  id: string;
  apexSession: string | null;
  user: string | null;
  phone: string | null;
  clientAddress: string;
  /** websocket, xhr-streaming, xhr-polling, eventsource, … or `websocket (raw)`. */
  transport: string;
  connectedAt: number;
}

export interface PhoneView {
  phone: string;
  sessions: number;
  /** Whether TapiServer has been told to LISTEN (true while the link is up and it has sessions). */
  listening: boolean;
}

export interface CallView {
  /** When the call began: the INCOMING line, or TapiServer's `OK CALL` (ms since epoch). */
  at: number;
  extension: string;
  direction: CallDirection;
  state: CallState;
  /** The other party: who called (inbound) or the number dialled (outbound). */
  caller: string;
  name: string | null;
  /** TapiServer's id, or the agent's for an INCOMING without one (null only in old logs). */
  callId: string | null;
  /** How many browser sessions got the screen-pop (0 for an outbound call). */
  reached: number;
  answeredBy: string | null;
  answeredAt: number | null;
  endedAt: number | null;
  cause: EndCause | null;
  /** An inbound call that ended without being answered. */
  missed: boolean;
}

export interface DirectoryView {
  type: string;
  health: 'ok' | 'degraded' | 'down';
  /** A one-line, password-free description of what it reads: a file path, a connect string. */
  source: string;
  lastError: string | null;
  /** When `health` last changed (ms since epoch). */
  since: number;
}

/** Another agent of the cluster, as its heartbeats describe it. */
export interface ClusterAgentView {
  agentId: string;
  extensions: string[];
  /** Its TapiServer link, or `gone`: it stopped or stopped announcing itself. */
  link: 'connected' | 'down' | 'gone';
  lastHeartbeat: number;
}

/** This agent's place in a cluster (docs/cluster.md). */
export interface ClusterView {
  agentId: string;
  /** The broker URL without its password. */
  url: string;
  broker: 'connecting' | 'connected' | 'down';
  /** When `broker` last changed (ms since epoch). */
  since: number;
  lastError: string | null;
  /** The patterns this agent serves. */
  extensions: string[];
  agents: ClusterAgentView[];
  /** Remote extensions this agent's pages listen on. */
  remoteListens: string[];
  /** This agent's extensions that other agents' pages listen on, with those agents. */
  served: Array<{ extension: string; agents: string[] }>;
}

/** The tray app's supervisor of the agent core (absent when the agent runs headless). */
export interface CoreView {
  /** How often the core was started again after an unexpected exit. */
  restarts: number;
  /** The last such exit, e.g. `exit code 70 at 2026-11-30T20:01:02.000Z`. */
  lastExit: string | null;
}

export interface Snapshot {
  startedAt: number;
  endpoint: string;
  link: LinkView;
  directory: DirectoryView;
  sessions: SessionView[];
  phones: PhoneView[];
  /** Newest first. */
  calls: CallView[];
  /** Absent when the agent is not in a cluster. */
  cluster?: ClusterView;
  core?: CoreView;
  /** Missed calls since the operator last looked at the call log (`markCallsSeen`). */
  missedCalls: number;
}

/** Changes pushed after a snapshot; applying them in order keeps a snapshot current. */
export type DashboardEvent =
  | { type: 'link'; link: LinkView }
  | { type: 'directory'; directory: DirectoryView }
  | { type: 'session-opened'; session: SessionView }
  | { type: 'session-updated'; session: SessionView }
  | { type: 'session-closed'; id: string }
  | { type: 'phones'; phones: PhoneView[] }
  /** A call began or changed: it replaces the entry with the same `callKey`, if any. */
  | { type: 'call'; call: CallView }
  | { type: 'missed-calls'; count: number }
  | { type: 'cluster'; cluster: ClusterView };

/**
 * What a bridge delivers to a listener: the agent's changes, plus two events of the bridge
 * itself. A listener's first batch starts with a `snapshot` (and so does the first batch after
 * the bridge regained its agent), so applying batches in order keeps a view current.
 */
export type BridgeEvent =
  | DashboardEvent
  | { type: 'snapshot'; snapshot: Snapshot }
  /** The bridge lost (false) or regained (true) contact with the agent. */
  | { type: 'bridge'; connected: boolean };

export interface DashboardBridge {
  snapshot(): Promise<Snapshot>;
  /** Events arrive in batches (coalesced by the shell). Returns an unsubscribe function. */
  onEvents(listener: (events: BridgeEvent[]) => void): () => void;
  /** Rejects with a message for the operator when the agent could not be asked. */
  restartLink(): Promise<void>;
  /** The operator has seen the call log: the missed-calls count starts again from 0. */
  markCallsSeen(): Promise<void>;
}
