import type { HealthReport } from '../../shared/dashboard-protocol.js';
import type { DirectoryView, LinkView } from '../../shared/bridge.js';

export interface HealthInput {
  link: LinkView;
  directory: DirectoryView;
  sessions: number;
  phones: number;
  startedAt: number;
}

/** `GET /health`: 200 while the TapiServer link is connected, 503 otherwise. */
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
    },
  };
}
