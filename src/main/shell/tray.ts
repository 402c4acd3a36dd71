import path from 'node:path';
import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import type { LinkStatus } from '../../shared/bridge.js';
import type { LoginStart } from './login-item.js';
import { TRAY_ICONS, trayTooltip, type TrayStatus } from './tray-status.js';

export interface TrayActions {
  openDashboard(): void;
  restartLink(): void;
  loginStart(): LoginStart;
  setStartAtLogin(enabled: boolean): void;
  openLogFolder(): void;
  quit(): void;
}

/** The tray menu's labels (tests and docs name them). */
export const TRAY_MENU = {
  openDashboard: 'Open dashboard',
  restartLink: 'Restart link',
  startAtLogin: 'Start at login',
  openLogFolder: 'Open log folder',
  quit: 'Quit',
} as const;

/** The tray icon: its look follows the link, its tooltip says the state and session count. */
export class AgentTray {
  readonly #tray: Tray;
  readonly #icons: Record<LinkStatus, NativeImage>;
  #status: LinkStatus | null = null;

  constructor(
    assetsDir: string,
    private readonly actions: TrayActions,
  ) {
    const icon = (status: LinkStatus): NativeImage =>
      nativeImage.createFromPath(path.join(assetsDir, TRAY_ICONS[status]));
    this.#icons = {
      connected: icon('connected'),
      connecting: icon('connecting'),
      disconnected: icon('disconnected'),
    };
    this.#tray = new Tray(this.#icons.connecting);
    this.#tray.on('click', () => actions.openDashboard());
    this.#menu();
  }

  show(status: TrayStatus): void {
    if (status.link.status !== this.#status) {
      this.#status = status.link.status;
      this.#tray.setImage(this.#icons[status.link.status]);
    }
    this.#tray.setToolTip(trayTooltip(status));
  }

  destroy(): void {
    this.#tray.destroy();
  }

  #menu(): void {
    const { actions } = this;
    const login = actions.loginStart();
    this.#tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: TRAY_MENU.openDashboard, click: () => actions.openDashboard() },
        { label: TRAY_MENU.restartLink, click: () => actions.restartLink() },
        { type: 'separator' },
        {
          label: TRAY_MENU.startAtLogin,
          type: 'checkbox',
          checked: login.enabled,
          // The installer's machine-wide entry is the administrator's to change.
          enabled: login.scope !== 'machine',
          toolTip: login.scope === 'machine' ? 'Set for every user by the installer' : undefined,
          click: (item) => {
            actions.setStartAtLogin(item.checked);
            this.#menu(); // show what the system now has
          },
        },
        { label: TRAY_MENU.openLogFolder, click: () => actions.openLogFolder() },
        { type: 'separator' },
        { label: TRAY_MENU.quit, click: () => actions.quit() },
      ]),
    );
  }
}
