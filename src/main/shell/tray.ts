import path from 'node:path';
import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import type { LinkStatus, LinkView } from '../../shared/bridge.js';
import { TRAY_ICONS, trayTooltip } from './tray-status.js';

export interface TrayActions {
  openDashboard(): void;
  restartLink(): void;
  startsAtLogin(): boolean;
  setStartAtLogin(enabled: boolean): void;
  openLogFolder(): void;
  quit(): void;
}

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

  show(link: LinkView, sessions: number): void {
    if (link.status !== this.#status) {
      this.#status = link.status;
      this.#tray.setImage(this.#icons[link.status]);
    }
    this.#tray.setToolTip(trayTooltip(link, sessions));
  }

  destroy(): void {
    this.#tray.destroy();
  }

  #menu(): void {
    const { actions } = this;
    this.#tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open dashboard', click: () => actions.openDashboard() },
        { label: 'Restart link', click: () => actions.restartLink() },
        { type: 'separator' },
        {
          label: 'Start at login',
          type: 'checkbox',
          checked: actions.startsAtLogin(),
          click: (item) => {
            actions.setStartAtLogin(item.checked);
            this.#menu(); // show what the system now has
          },
        },
        { label: 'Open log folder', click: () => actions.openLogFolder() },
        { type: 'separator' },
        { label: 'Quit', click: () => actions.quit() },
      ]),
    );
  }
}
