import { h, setText } from './dom.js';

export interface Tab {
  id: string;
  label: string;
  panel: HTMLElement;
}

/**
 * In the narrow (tray window) layout one panel shows at a time, chosen here; in the wide
 * layout the tab bar is hidden by CSS and every panel shows.
 */
export class Tabs {
  readonly element: HTMLElement;
  readonly #buttons = new Map<string, { button: HTMLButtonElement; badge: HTMLSpanElement }>();

  constructor(private readonly tabs: readonly Tab[]) {
    this.element = h('nav', { className: 'tabs', attrs: { 'aria-label': 'Panels' } });
    for (const tab of tabs) {
      const badge = h('span', { className: 'count' });
      const button = h(
        'button',
        { text: tab.label, attrs: { type: 'button', 'data-tab': tab.id } },
        badge,
      );
      button.addEventListener('click', () => this.select(tab.id));
      this.#buttons.set(tab.id, { button, badge });
      this.element.append(button);
    }
    const first = tabs[0];
    if (first) this.select(first.id);
  }

  select(id: string): void {
    for (const tab of this.tabs) {
      const active = tab.id === id;
      tab.panel.classList.toggle('active', active);
      this.#buttons.get(tab.id)?.button.setAttribute('aria-pressed', String(active));
    }
  }

  setCount(id: string, text: string): void {
    const entry = this.#buttons.get(id);
    if (entry) setText(entry.badge, text);
  }
}
