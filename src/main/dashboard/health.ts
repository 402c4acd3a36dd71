import type { HealthReport } from '../../shared/dashboard-protocol.js';
import type { ClusterView } from '../../shared/bridge.js';
import type { AgentSummary } from '../agent-events.js';

export type HealthInput = Pick<
  AgentSummary,
  'link' | 'directory' | 'sessions' | 'phones' | 'startedAt' | 'cluster'
>;

/**
 * `GET /health`: 200 while the TapiServer link is connected, 503 otherwise. In a cluster the
 * broker and the other agents are reported too; a broker outage alone does not make it 503
 * (this agent's own extensions keep working).
 */
export function healthReport(
  input: HealthInput,
  now = Date.now(),
): { code: 200 | 503; body: HealthReport } {
  const { link, directory } = input;
  const up = link.status === 'connected';
  return {
    code: up ? 200 : 503,
    body: {
      status: up ? 'ok' : 'link-down',
      link: {
        status: link.status,
        host: link.host,
        port: link.port,
        since: new Date(link.since).toISOString(),
        lastError: link.lastError,
      },
      directory: { type: directory.type, health: directory.health },
      sessions: input.sessions,
      phones: input.phones,
      uptimeSeconds: Math.round((now - input.startedAt) / 1000),
      ...(input.cluster ? { cluster: clusterHealth(input.cluster) } : {}),
    },
  };
}

function clusterHealth(view: ClusterView): NonNullable<HealthReport['cluster']> {
  return {
    agentId: view.agentId,
    broker: view.broker,
    since: new Date(view.since).toISOString(),
    lastError: view.lastError,
    agents: view.agents.map((peer) => ({
      agentId: peer.agentId,
      extensions: peer.extensions,
      link: peer.link,
      lastHeartbeat: new Date(peer.lastHeartbeat).toISOString(),
    })),
  };
}
