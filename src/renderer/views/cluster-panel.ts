import type { ClusterAgentView, ClusterView } from '../../shared/bridge.js';
import type { DashboardState } from '../state/store.js';
import { cell, h, setText } from './dom.js';
import { clock, count, duration } from './format.js';
import { Panel } from './panel.js';
import { RowTable } from './row-table.js';

const BROKER_TEXT: Record<ClusterView['broker'], string> = {
  connected: 'RabbitMQ connected',
  connecting: 'RabbitMQ connecting…',
  down: 'RabbitMQ down',
};

/**
 * Several agents, one office (docs/cluster.md): the broker connection, the other agents with
 * their extensions, TapiServer link and last heartbeat, and the listens that cross agents.
 * Hidden while the agent is not in a cluster.
 */
export class ClusterPanel {
  readonly panel: Panel;
  readonly #status: HTMLParagraphElement;
  readonly #listens: HTMLParagraphElement;
  readonly #table: RowTable<ClusterAgentView>;

  constructor() {
    this.#status = h('p', { className: 'cluster-status', attrs: { role: 'status' } });
    this.#listens = h('p', { className: 'cluster-listens' });
    this.#table = new RowTable<ClusterAgentView>(
      [
        { label: 'Agent', className: 'c-agent' },
        { label: 'Extensions', className: 'c-extensions' },
        { label: 'TapiServer', className: 'c-agent-link' },
        { label: 'Last heartbeat', className: 'c-heartbeat', wide: true },
      ],
      (peer) =>
        h(
          'tr',
          {},
          cell(peer.agentId, 'mono'),
          cell(peer.extensions.join(' '), 'mono'),
          peer.link === 'connected'
            ? cell('connected', 'ok')
            : cell(peer.link === 'gone' ? 'agent gone' : 'down', 'bad'),
          cell(clock(peer.lastHeartbeat), 'wide'),
        ),
    );
    this.panel = new Panel(
      { id: 'cluster', title: 'Cluster' },
      h('div', { className: 'cluster-body' }, this.#status, this.#listens, this.#table.element),
    );
    this.panel.element.hidden = true;
  }

  render(state: DashboardState | null): void {
    const cluster = state?.cluster ?? null;
    this.panel.element.hidden = cluster === null;
    if (!cluster) return;
    const since = duration(Date.now() - cluster.since);
    const error =
      cluster.broker !== 'connected' && cluster.lastError ? ` — ${cluster.lastError}` : '';
    setText(
      this.#status,
      `${cluster.agentId} (${cluster.extensions.join(' ')}) · ${BROKER_TEXT[cluster.broker]} ${since} · ${cluster.url}${error}`,
    );
    this.#status.className = `cluster-status ${cluster.broker === 'connected' ? 'ok' : 'bad'}`;
    const remote = cluster.remoteListens.join(' ') || 'none';
    const served =
      cluster.served.map((s) => `${s.extension} (${s.agents.join(', ')})`).join(' ') || 'none';
    setText(
      this.#listens,
      `Pages here listen on remote ${remote} · others listen here on ${served}`,
    );
    this.panel.setCount(count(cluster.agents.filter((a) => a.link !== 'gone').length));
    this.#table.show(cluster.agents, cluster.agents.length, 'No other agent heard from.');
  }
}
