import type { LinkStatus } from '../../shared/bridge.js';
import type { DashboardState } from '../state/store.js';
import { h, setText } from './dom.js';
import { clock, count, duration } from './format.js';

const STATUS_TEXT: Record<LinkStatus, string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  disconnected: 'Down',
};

const DIRECTORY_TEXT = { ok: 'ok', degraded: 'degraded', down: 'down' } as const;

function fact(label: string): { element: HTMLDivElement; value: HTMLElement } {
  const value = h('dd');
  return { element: h('div', { className: 'fact' }, h('dt', { text: label }), value), value };
}

/**
 * The header: TapiServer link (badge, address, since, attempts, last error, Restart link),
 * the directory's health and where browsers connect.
 */
export class LinkPanel {
  readonly element: HTMLElement;
  readonly #badge: HTMLSpanElement;
  readonly #target: HTMLSpanElement;
  readonly #button: HTMLButtonElement;
  readonly #since = fact('Since');
  readonly #attempts = fact('Attempts');
  readonly #connections = fact('Connections');
  readonly #directory = fact('Directory');
  readonly #error: HTMLParagraphElement;
  readonly #endpoint: HTMLParagraphElement;
  #state: DashboardState | null = null;
  #restartError: string | null = null;

  constructor(private readonly restartLink: () => Promise<void>) {
    this.#badge = h('span', { className: 'badge', attrs: { id: 'link-badge', role: 'status' } });
    this.#target = h('span', { className: 'target mono' });
    this.#button = h('button', {
      text: 'Restart link',
      className: 'restart',
      attrs: { type: 'button', id: 'restart-link' },
      title: 'Drop the TapiServer connection and reconnect now; every phone is listened again',
    });
    this.#button.addEventListener('click', () => void this.#restart());
    this.#error = h('p', { className: 'link-error', attrs: { id: 'link-error' } });
    this.#endpoint = h('p', { className: 'endpoint' });
    this.element = h(
      'header',
      { className: 'link-panel', attrs: { id: 'link' } },
      h(
        'div',
        { className: 'link-main' },
        h('span', { className: 'label', text: 'TapiServer' }),
        this.#target,
        this.#badge,
      ),
      this.#button,
      h(
        'dl',
        { className: 'facts' },
        this.#since.element,
        this.#attempts.element,
        this.#connections.element,
        this.#directory.element,
      ),
      this.#error,
      this.#endpoint,
    );
  }

  render(state: DashboardState | null, now = Date.now()): void {
    this.#state = state;
    if (!state) return;
    const { link, directory } = state;
    this.#badge.dataset.status = link.status;
    setText(this.#badge, STATUS_TEXT[link.status]);
    setText(this.#target, `${link.host}:${link.port}`);
    setText(this.#since.value, `${clock(link.since, now)} (${duration(now - link.since)})`);
    this.#since.value.title = new Date(link.since).toLocaleString();
    setText(this.#attempts.value, count(link.attempts));
    setText(this.#connections.value, count(link.reconnects));
    setText(this.#directory.value, `${directory.type} · ${DIRECTORY_TEXT[directory.health]}`);
    this.#directory.value.className = directory.health === 'ok' ? 'ok' : 'bad';
    this.#directory.value.title = [directory.source, directory.lastError]
      .filter(Boolean)
      .join('\n');
    const problems = [
      this.#restartError ? `Restart failed: ${this.#restartError}` : null,
      link.lastError ? `Last error: ${link.lastError}` : null,
      directory.lastError ? `Directory: ${directory.lastError}` : null,
    ].filter((p) => p !== null);
    setText(this.#error, problems.join(' · '));
    this.#error.hidden = problems.length === 0;
    const { core } = state;
    const restarts =
      core === null
        ? ''
        : ` · core restarts ${count(core.restarts)}${core.lastExit ? ` (last: ${core.lastExit})` : ''}`;
    setText(
      this.#endpoint,
      `Browsers connect to ${state.endpoint} · agent up ${duration(now - state.startedAt)}${restarts}`,
    );
  }

  async #restart(): Promise<void> {
    this.#button.disabled = true;
    setText(this.#button, 'Restarting…');
    this.#restartError = null;
    try {
      await this.restartLink();
    } catch (error) {
      this.#restartError = (error as Error).message;
    } finally {
      this.#button.disabled = false;
      setText(this.#button, 'Restart link');
      this.render(this.#state);
    }
  }
}
