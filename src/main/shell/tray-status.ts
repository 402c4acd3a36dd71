import type { LinkStatus, LinkView } from '../../shared/bridge.js';

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
}

/** e.g. `Tapi Messenger\nTapiServer connected · 3 sessions`. */
export function trayTooltip({ link, sessions }: TrayStatus): string {
  const count = `${sessions} session${sessions === 1 ? '' : 's'}`;
  const text = `Tapi Messenger\nTapiServer ${WORDS[link.status]} · ${count}`;
  return text.length > MAX_TOOLTIP ? `${text.slice(0, MAX_TOOLTIP - 1)}…` : text;
}
