import type { ClusterView, DashboardEvent, DirectoryView, LinkView } from '../shared/bridge.js';
import type { ContainmentSite } from './core/containment.js';
import type { ErrorCode, ListenRefusal } from './core/payloads.js';

/** What the agent did with what came in: counted by the metrics, not shown by the dashboard. */
export type AgentActivity =
  /**
   * An INCOMING call was popped up: `reached` sessions got `frames` MESSAGEs, the last one
   * `latencyMs` after the INCOMING line.
   */
  | { type: 'delivered'; reached: number; frames: number; latencyMs: number }
  | { type: 'dial'; outcome: 'sent' | ErrorCode }
  | { type: 'listen'; outcome: 'listening' | ListenRefusal }
  /**
   * A connection was closed or refused for a protocol error or a limit (malformed frame,
   * forbidden SEND, `FLOOD`, `TOO_MANY_SESSIONS`, `SLOW_CONSUMER`, …).
   */
  | { type: 'protocol-error'; sessionId: string; code: string; message: string }
  /** An unexpected exception was caught where outside input entered (`core/containment.ts`). */
  | { type: 'contained'; where: ContainmentSite };

/**
 * Everything an observer of the agent hears, one event at a time, on its one feed
 * (`agent.on('event', …)`): the changes the dashboard shows (`DashboardEvent`: link, directory,
 * sessions opened, bound and closed, phones, calls, cluster) and the agent's activity.
 */
export type AgentEvent = DashboardEvent | AgentActivity;

export interface AgentEvents {
  event: [AgentEvent];
}

const ACTIVITY: ReadonlySet<AgentActivity['type']> = new Set([
  'delivered',
  'dial',
  'listen',
  'protocol-error',
  'contained',
]);

/** Whether the dashboard shows this event (the bridge carries only those). */
export function isDashboardEvent(event: AgentEvent): event is DashboardEvent {
  return !ACTIVITY.has(event.type as AgentActivity['type']);
}

/** The agent at a glance, cheap to ask often (`/health`, `/metrics`, the CLI). */
export interface AgentSummary {
  startedAt: number;
  link: LinkView;
  directory: DirectoryView;
  /** Browser sessions that completed the STOMP handshake. */
  sessions: number;
  /** Connections open on the STOMP port, handshake done or not. */
  connections: number;
  /** Phones with at least one session. */
  phones: number;
  /** Null when the agent is not in a cluster. */
  cluster: ClusterView | null;
}
