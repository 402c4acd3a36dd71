import type { PhoneView } from '../../shared/bridge.js';
import type { DashboardState } from '../state/store.js';
import { cell, h } from './dom.js';
import { count } from './format.js';
import { Panel } from './panel.js';
import { RowTable } from './row-table.js';

/** The phone map: each phone with sessions, how many, and whether TapiServer listens on it. */
export class PhonesPanel {
  readonly panel: Panel;
  readonly #table: RowTable<PhoneView>;

  constructor() {
    this.#table = new RowTable<PhoneView>(
      [
        { label: 'Phone', className: 'c-phone-number' },
        { label: 'Sessions', className: 'c-count num' },
        { label: 'TapiServer', className: 'c-listening' },
      ],
      (p) =>
        h(
          'tr',
          {},
          cell(p.phone, 'mono'),
          cell(count(p.sessions), 'num'),
          p.listening ? cell('listening', 'ok') : cell('not listening', 'bad'),
        ),
    );
    this.panel = new Panel({ id: 'phones', title: 'Phones' }, this.#table.element);
  }

  render(state: DashboardState | null): void {
    if (!state) return;
    const phones = [...state.phones].sort((a, b) =>
      a.phone.localeCompare(b.phone, undefined, { numeric: true }),
    );
    this.panel.setCount(count(phones.length));
    this.#table.show(phones, phones.length, 'No phone has a session.');
  }
}
