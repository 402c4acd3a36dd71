import type { SessionView } from '../../shared/bridge.js';
import type { DashboardState } from '../state/store.js';
import { cell, h } from './dom.js';
import { clock, count } from './format.js';
import { Panel, matches } from './panel.js';
import { RowTable } from './row-table.js';

/** Live STOMP sessions, newest first. */
export class SessionsPanel {
  readonly panel: Panel;
  readonly #table: RowTable<SessionView>;
  #filter = '';
  #state: DashboardState | null = null;

  constructor() {
    this.#table = new RowTable<SessionView>(
      [
        { label: 'Session', className: 'c-session' },
        { label: 'APEX session', className: 'c-apex', wide: true },
        { label: 'User', className: 'c-user' },
        { label: 'Phone', className: 'c-phone' },
        { label: 'Client', className: 'c-client', wide: true },
        { label: 'Transport', className: 'c-transport', wide: true },
        { label: 'Connected', className: 'c-connected' },
      ],
      (s) =>
        h(
          'tr',
          {},
          cell(s.id, 'mono clip', s.id),
          cell(s.apexSession ?? '—', 'mono clip wide', s.apexSession ?? undefined),
          cell(s.user ?? '—', 'clip', s.user ?? undefined),
          s.phone === null ? cell('not listening', 'muted') : cell(s.phone, 'mono'),
          cell(s.clientAddress, 'mono clip wide', s.clientAddress),
          cell(s.transport, 'wide'),
          cell(clock(s.connectedAt), 'time mono', new Date(s.connectedAt).toLocaleString()),
        ),
    );
    this.panel = new Panel(
      {
        id: 'sessions',
        title: 'Sessions',
        filter: {
          placeholder: 'Filter: user, phone…',
          onChange: (text) => {
            this.#filter = text;
            this.render(this.#state);
          },
        },
      },
      this.#table.element,
    );
  }

  render(state: DashboardState | null): void {
    this.#state = state;
    if (!state) return;
    const all = [...state.sessions.values()];
    const shown = all
      .filter((s) =>
        matches(this.#filter, [s.id, s.apexSession, s.user, s.phone, s.clientAddress, s.transport]),
      )
      .sort((a, b) => b.connectedAt - a.connectedAt);
    this.panel.setCount(count(all.length));
    this.#table.show(
      shown,
      all.length,
      all.length === 0 ? 'No browser session is connected.' : 'No session matches the filter.',
    );
  }
}
