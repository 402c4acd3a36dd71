import { h, setText } from './dom.js';

export interface PanelOptions {
  id: string;
  title: string;
  /** Adds a filter box; called with the trimmed, lower-cased text on every change. */
  filter?: { placeholder: string; onChange(text: string): void };
  /** Adds a checkbox; called with its state on every change. */
  toggle?: { label: string; onChange(on: boolean): void };
}

/** A titled box of the dashboard with a count and an optional filter box. */
export class Panel {
  readonly element: HTMLElement;
  readonly #count: HTMLSpanElement;

  constructor(options: PanelOptions, body: HTMLElement) {
    this.#count = h('span', { className: 'count' });
    const title = h(
      'h2',
      { text: options.title, attrs: { id: `${options.id}-title` } },
      this.#count,
    );
    const header = h('header', { className: 'panel-header' }, title);
    const { filter } = options;
    if (filter) {
      const input = h('input', {
        className: 'filter',
        attrs: {
          type: 'search',
          placeholder: filter.placeholder,
          'aria-label': `Filter ${options.title.toLowerCase()}`,
          autocomplete: 'off',
          spellcheck: 'false',
        },
      });
      input.addEventListener('input', () => filter.onChange(input.value.trim().toLowerCase()));
      header.append(input);
    }
    const { toggle } = options;
    if (toggle) {
      const box = h('input', { attrs: { type: 'checkbox' } });
      box.addEventListener('change', () => toggle.onChange(box.checked));
      header.append(h('label', { className: 'toggle' }, box, toggle.label));
    }
    this.element = h(
      'section',
      { className: 'panel', attrs: { id: options.id, 'aria-labelledby': `${options.id}-title` } },
      header,
      body,
    );
  }

  setCount(text: string): void {
    setText(this.#count, text);
  }
}

/** True when every word of `filter` occurs in one of `fields`. */
export function matches(filter: string, fields: readonly (string | null)[]): boolean {
  if (filter === '') return true;
  const haystack = fields
    .filter((f) => f !== null)
    .join(' ')
    .toLowerCase();
  return filter.split(/\s+/).every((word) => haystack.includes(word));
}
