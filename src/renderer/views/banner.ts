import type { DashboardState } from '../state/store.js';
import { h } from './dom.js';

/** Says so when the page has lost its agent and what it shows may be stale. */
export class Banner {
  readonly element = h('div', {
    className: 'banner',
    text: 'Lost contact with the agent; showing the last known state. Reconnecting…',
    attrs: { role: 'alert', id: 'bridge-lost' },
  });

  constructor() {
    this.element.hidden = true;
  }

  render(state: DashboardState | null, connected: boolean): void {
    this.element.hidden = connected || state === null;
  }
}
