import { h, setText } from './dom.js';
import { count } from './format.js';

export interface Column {
  label: string;
  /**
   * Names the column for the style sheet, which sets its width for each layout (the tables
   * have a fixed layout: cheap to redo), e.g. `c-time`.
   */
  className: string;
  /** Hidden below 700 px (the tray window made small); its cells carry the class `wide` too. */
  wide?: boolean;
  /** Hidden below 520 px as well; its cells carry the class `roomy` too. */
  roomy?: boolean;
}

/**
 * A scrolling table of at most `limit` rows. Rows are made once per item object and reused
 * while the item is unchanged (items are replaced, never mutated, when they change), so a
 * render of an unchanged table is a cheap re-ordering.
 */
export class RowTable<T extends object> {
  readonly element: HTMLDivElement;
  readonly #body: HTMLTableSectionElement;
  readonly #note: HTMLParagraphElement;
  readonly #empty: HTMLParagraphElement;
  #rows = new WeakMap<T, HTMLTableRowElement>();

  constructor(
    columns: readonly Column[],
    private readonly makeRow: (item: T) => HTMLTableRowElement,
    private readonly limit = 100,
  ) {
    this.#body = h('tbody');
    const head = h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...columns.map((c) =>
          h('th', {
            text: c.label,
            className: [c.className, c.wide && 'wide', c.roomy && 'roomy']
              .filter(Boolean)
              .join(' '),
            attrs: { scope: 'col' },
          }),
        ),
      ),
    );
    this.#empty = h('p', { className: 'empty' });
    this.#note = h('p', { className: 'note' });
    this.element = h(
      'div',
      { className: 'scroll' },
      h('table', {}, head, this.#body),
      this.#empty,
      this.#note,
    );
  }

  /**
   * Shows the first `limit` of `items`; `total` is how many there are before filtering and
   * `emptyText` what to say when there is nothing to show.
   */
  show(items: readonly T[], total: number, emptyText: string): void {
    const shown = items.length > this.limit ? items.slice(0, this.limit) : items;
    const rows = shown.map((item) => {
      let row = this.#rows.get(item);
      if (!row) {
        row = this.makeRow(item);
        this.#rows.set(item, row);
      }
      return row;
    });
    this.#body.replaceChildren(...rows);
    this.#empty.hidden = items.length > 0;
    setText(this.#empty, emptyText);
    this.#note.hidden = items.length <= this.limit && items.length === total;
    const filtered = items.length === total ? '' : ` (${count(items.length)} match the filter)`;
    setText(
      this.#note,
      items.length > this.limit
        ? `Showing the first ${count(this.limit)} of ${count(total)}${filtered}. Type in the filter to narrow.`
        : `${count(items.length)} of ${count(total)} match the filter.`,
    );
  }

  /** Forget every cached row (e.g. when the clock used in rows changes day). */
  reset(): void {
    this.#rows = new WeakMap();
  }
}
