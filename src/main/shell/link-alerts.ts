import type { LinkView } from '../../shared/bridge.js';

export interface LinkAlert {
  kind: 'down' | 'recovered';
  title: string;
  body: string;
}

/**
 * Decides when the operator gets a desktop notification: once when the TapiServer link goes
 * down (or cannot be made at start), once when it is back. Retries and a restart in between
 * say nothing more.
 */
export class LinkAlerts {
  #down = false;

  constructor(private readonly reconnectMs: number) {}

  next(link: LinkView): LinkAlert | null {
    if (link.status === 'disconnected' && !this.#down) {
      this.#down = true;
      const why = link.lastError ?? 'the connection was lost';
      return {
        kind: 'down',
        title: 'TapiServer link down',
        body:
          `${why}. Calls do not pop up until it is back; ` +
          `retrying every ${Math.max(1, Math.round(this.reconnectMs / 1000))} s.`,
      };
    }
    if (link.status === 'connected' && this.#down) {
      this.#down = false;
      return {
        kind: 'recovered',
        title: 'TapiServer link restored',
        body: `Connected to ${link.host}:${link.port} again; calls pop up as before.`,
      };
    }
    return null;
  }
}
