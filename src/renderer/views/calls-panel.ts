import type { CallView } from '../../shared/bridge.js';
import type { DashboardState } from '../state/store.js';
import { cell, h } from './dom.js';
import { clock, count, reachedText } from './format.js';
import { Panel, matches } from './panel.js';
import { RowTable } from './row-table.js';

/** The incoming-call log, newest first, with a filter box. */
export class CallsPanel {
  readonly panel: Panel;
  readonly #table: RowTable<CallView>;
  #filter = '';
  #state: DashboardState | null = null;

  constructor() {
    this.#table = new RowTable<CallView>(
      [
        { label: 'Time', className: 'c-time' },
        { label: 'Ext.', className: 'c-ext' },
        { label: 'Caller', className: 'c-caller' },
        { label: 'Reached', className: 'c-reached' },
      ],
      (c) => {
        const caller = c.name ? `${c.caller} · ${c.name}` : c.caller;
        const row = h(
          'tr',
          {},
          cell(clock(c.at), 'time mono', new Date(c.at).toLocaleString()),
          cell(c.extension, 'mono'),
          cell(caller, undefined, caller),
          cell(reachedText(c.reached), c.reached === 0 ? 'bad' : 'reached'),
        );
        if (c.callId) row.title = `call id ${c.callId}`;
        return row;
      },
    );
    this.panel = new Panel(
      {
        id: 'calls',
        title: 'Incoming calls',
        filter: {
          placeholder: 'Filter: ext., caller…',
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
    const calls = state.calls;
    const shown =
      this.#filter === ''
        ? calls
        : calls.filter((c) => matches(this.#filter, [c.extension, c.caller, c.name, c.callId]));
    this.panel.setCount(count(calls.length));
    this.#table.show(
      shown,
      calls.length,
      calls.length === 0 ? 'No call yet.' : 'No call matches the filter.',
    );
  }
}
