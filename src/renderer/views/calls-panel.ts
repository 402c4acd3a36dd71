import type { CallView } from '../../shared/bridge.js';
import type { DashboardState } from '../state/store.js';
import { cell, h } from './dom.js';
import { callStateText, clock, count, duration, reachedText } from './format.js';
import { Panel, matches } from './panel.js';
import { RowTable } from './row-table.js';

/** The call log, newest first: each call once, with its state; a filter box and a missed filter. */
export class CallsPanel {
  readonly panel: Panel;
  readonly #table: RowTable<CallView>;
  #filter = '';
  #missedOnly = false;
  #state: DashboardState | null = null;

  constructor() {
    this.#table = new RowTable<CallView>(
      [
        { label: 'Time', className: 'c-time' },
        { label: 'Ext.', className: 'c-ext' },
        { label: 'Caller', className: 'c-caller' },
        { label: 'State', className: 'c-state' },
        { label: 'Duration', className: 'c-duration', roomy: true },
        { label: 'Reached', className: 'c-reached', wide: true },
      ],
      (c) => {
        const party = c.direction === 'out' ? `→ ${c.caller}` : c.caller;
        const caller = c.name ? `${party} · ${c.name}` : party;
        const state = callStateText(c);
        const lasted = c.endedAt === null ? '' : duration(c.endedAt - c.at, '0 s');
        const row = h(
          'tr',
          {},
          cell(clock(c.at), 'time mono', new Date(c.at).toLocaleString()),
          cell(c.extension, 'mono'),
          cell(caller),
          // The tooltip has the duration where its column is hidden (the narrowest window).
          cell(state, c.missed ? 'bad' : undefined, lasted && `${state}, after ${lasted}`),
          cell(lasted, 'num roomy'),
          cell(
            c.direction === 'out' ? '' : reachedText(c.reached),
            c.direction === 'in' && c.reached === 0 ? 'bad wide' : 'reached wide',
          ),
        );
        if (c.missed) row.className = 'missed';
        if (c.callId) row.title = `call id ${c.callId}`;
        return row;
      },
    );
    this.panel = new Panel(
      {
        id: 'calls',
        title: 'Calls',
        filter: {
          placeholder: 'Filter: ext., caller, state…',
          onChange: (text) => {
            this.#filter = text;
            this.render(this.#state);
          },
        },
        toggle: {
          label: 'Missed only',
          onChange: (on) => {
            this.#missedOnly = on;
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
    const calls = state.calls;
    const shown =
      this.#filter === '' && !this.#missedOnly
        ? calls
        : calls.filter(
            (c) =>
              (!this.#missedOnly || c.missed) &&
              matches(this.#filter, [c.extension, c.caller, c.name, c.callId, callStateText(c)]),
          );
    this.panel.setCount(count(calls.length));
    this.#table.show(
      shown,
      calls.length,
      calls.length === 0 ? 'No call yet.' : 'No call matches the filter.',
    );
  }
}
