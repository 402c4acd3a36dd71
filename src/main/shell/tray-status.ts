import type { BridgeEvent, LinkStatus, LinkView } from '../../shared/bridge.js';

/** The tray icon for each link state (files in `assets/`). */
export const TRAY_ICONS: Readonly<Record<LinkStatus, string>> = {
  connected: 'tray-connected.png',
  connecting: 'tray-connecting.png',
  disconnected: 'tray-down.png',
};

const WORDS: Readonly<Record<LinkStatus, string>> = {
  connected: 'connected',
  connecting: 'connecting…',
  disconnected: 'DOWN',
};

/** Windows cuts tray tooltips at 127 characters. */
const MAX_TOOLTIP = 127;

/** What the tray shows: its icon follows the link, its tooltip says the rest. */
export interface TrayStatus {
  link: LinkView;
  /** Browser sessions connected. */
  sessions: number;
  /** Missed calls since the operator last looked at the call log. */
  missedCalls: number;
}

/** e.g. `Tapi Messenger\nTapiServer connected · 3 sessions · 2 missed calls`. */
export function trayTooltip({ link, sessions, missedCalls }: TrayStatus): string {
  const count = `${sessions} session${sessions === 1 ? '' : 's'}`;
  const missed =
    missedCalls === 0 ? '' : ` · ${missedCalls} missed call${missedCalls === 1 ? '' : 's'}`;
  const text = `Tapi Messenger\nTapiServer ${WORDS[link.status]} · ${count}${missed}`;
  return text.length > MAX_TOOLTIP ? `${text.slice(0, MAX_TOOLTIP - 1)}…` : text;
}

/** What the tray shows while the core is restarting: the link is as good as down. */
const CORE_RESTARTING = 'the agent core is restarting';

/**
 * Keeps the tray's `TrayStatus` from the bridge's event batches (the core's snapshot and
 * changes). Pure; a new count for the tray (e.g. missed calls) is one more field here.
 */
export class TrayStatusTracker {
  #link: LinkView | null = null;
  readonly #sessions = new Set<string>();
  #missedCalls = 0;
  #coreUp = true;

  /** Applies a batch; returns the status to show, or null before the first snapshot. */
  apply(events: readonly BridgeEvent[]): TrayStatus | null {
    for (const event of events) {
      // Changes before the first snapshot are in it.
      if (this.#link === null && event.type !== 'snapshot' && event.type !== 'bridge') continue;
      switch (event.type) {
        case 'snapshot':
          this.#link = event.snapshot.link;
          this.#sessions.clear();
          for (const session of event.snapshot.sessions) this.#sessions.add(session.id);
          this.#missedCalls = event.snapshot.missedCalls;
          break;
        case 'missed-calls':
          this.#missedCalls = event.count;
          break;
        case 'bridge':
          this.#coreUp = event.connected;
          break;
        case 'link':
          this.#link = event.link;
          break;
        case 'session-opened':
        case 'session-updated':
          this.#sessions.add(event.session.id);
          break;
        case 'session-closed':
          this.#sessions.delete(event.id);
          break;
        default:
          break;
      }
    }
    return this.status();
  }

  /** False while the supervised core is restarting. */
  get coreUp(): boolean {
    return this.#coreUp;
  }

  status(): TrayStatus | null {
    const link = this.#link;
    if (!link) return null;
    const missedCalls = this.#missedCalls;
    if (this.#coreUp) return { link, sessions: this.#sessions.size, missedCalls };
    return {
      link: { ...link, status: 'disconnected', lastError: CORE_RESTARTING },
      sessions: 0,
      missedCalls,
    };
  }
}
