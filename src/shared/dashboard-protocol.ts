import type { BridgeEvent } from './bridge.js';

/**
 * The headless bridge: what the dashboard server and the dashboard page say to each other over
 * the dashboard port. JSON only. The server's first `events` message on a socket starts with a
 * `snapshot` event; later ones carry the agent's changes, coalesced.
 */
export const DASHBOARD_PATHS = {
  /** WebSocket: `ServerMessage`s down, `ClientMessage`s up. */
  bridge: '/api/bridge',
  /** GET: the current `Snapshot` as JSON. */
  snapshot: '/api/snapshot',
  health: '/health',
  metrics: '/metrics',
} as const;

export type ServerMessage =
  | { type: 'events'; events: BridgeEvent[] }
  | { type: 'restart-link-result'; id: number; error: string | null };

export type ClientMessage = { type: 'restart-link'; id: number } | { type: 'calls-seen' };

/** `GET /health`: 200 when the TapiServer link is connected, 503 when it is not. */
export interface HealthReport {
  status: 'ok' | 'link-down';
  link: { status: string; host: string; port: number; since: string; lastError: string | null };
  directory: { type: string; health: string };
  sessions: number;
  phones: number;
  uptimeSeconds: number;
  /** Only when the agent is in a cluster (docs/cluster.md). */
  cluster?: {
    agentId: string;
    broker: string;
    since: string;
    lastError: string | null;
    agents: Array<{ agentId: string; extensions: string[]; link: string; lastHeartbeat: string }>;
  };
}
