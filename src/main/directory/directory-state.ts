import type { DirectoryHealth } from '../core/directory.js';
import type { DirectoryView } from '../../shared/bridge.js';

/** Holds a directory's health and tells listeners when it changes. Shared by every implementation. */
export class DirectoryStateHolder {
  #state: DirectoryView;
  readonly #listeners = new Set<(state: DirectoryView) => void>();

  constructor(type: string, source: string, now: () => number = Date.now) {
    this.now = now;
    this.#state = { type, source, health: 'ok', lastError: null, since: now() };
  }

  private readonly now: () => number;

  get(): DirectoryView {
    return this.#state;
  }

  set(health: DirectoryHealth, lastError: string | null = this.#state.lastError): void {
    const prev = this.#state;
    if (prev.health === health && prev.lastError === lastError) return;
    this.#state = {
      ...prev,
      health,
      lastError,
      since: prev.health === health ? prev.since : this.now(),
    };
    for (const listener of this.#listeners) listener(this.#state);
  }

  subscribe(listener: (state: DirectoryView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
