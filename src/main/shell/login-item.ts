import type { LoginItemSettings, Settings } from 'electron';
import { HIDDEN_ARG } from './shell-args.js';

/**
 * Start at login, one truth. The installer writes a machine-wide Run value (HKLM, every user)
 * named `RUN_VALUE_NAME`; the tray's "Start at login" checkbox reads that same value and, while
 * it is there, shows it ticked and greyed (only an administrator changes it). Where an
 * administrator removed it (a host with several sessions), the checkbox adds or removes a
 * per-user value of the same name. A per-user value next to the machine-wide one (left from an
 * older version) is removed at start, so the app is never started twice at login.
 */

/** The Run value's name, the installer's (build/installer.nsh) and the tray's alike. */
export const RUN_VALUE_NAME = 'Tapi Messenger';

export interface LoginStart {
  /** Whether the app starts at login for this user. */
  enabled: boolean;
  /** `machine`: the installer's value, not changeable from the tray; `user`: the checkbox's. */
  scope: 'machine' | 'user' | null;
  /** A per-user value that duplicates the machine-wide one: remove it. */
  duplicate: boolean;
}

/** What Electron's `getLoginItemSettings` needs and `setLoginItemSettings` writes. */
export interface LoginItemApi {
  getLoginItemSettings(options: { path: string; args: string[] }): LoginItemSettings;
  setLoginItemSettings(settings: Settings): void;
}

const sameFile = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Reads the Run values that start `exe` (Windows reports both scopes in `launchItems`). */
export function loginStart(settings: LoginItemSettings, exe: string): LoginStart {
  const ours = (settings.launchItems ?? []).filter(
    (item) => item.name === RUN_VALUE_NAME || sameFile(item.path, exe),
  );
  const machine = ours.find((item) => item.scope === 'machine');
  const user = ours.find((item) => item.scope === 'user');
  if (machine) return { enabled: machine.enabled, scope: 'machine', duplicate: user !== undefined };
  if (user) return { enabled: user.enabled, scope: 'user', duplicate: false };
  // Other platforms (development) report no launch items, only `openAtLogin`.
  return {
    enabled: settings.openAtLogin,
    scope: settings.openAtLogin ? 'user' : null,
    duplicate: false,
  };
}

/** The tray's view of the login entries. */
export class LoginItem {
  constructor(
    private readonly api: LoginItemApi,
    private readonly exe: string,
  ) {}

  state(): LoginStart {
    return loginStart(
      this.api.getLoginItemSettings({ path: this.exe, args: [HIDDEN_ARG] }),
      this.exe,
    );
  }

  /** Removes a per-user value that would start a second instance next to the machine's. */
  removeDuplicate(): boolean {
    if (!this.state().duplicate) return false;
    this.#writeUser(false);
    return true;
  }

  /** The checkbox: only the per-user value; the machine-wide one is the administrator's. */
  set(enabled: boolean): void {
    if (this.state().scope === 'machine') return;
    this.#writeUser(enabled);
  }

  #writeUser(openAtLogin: boolean): void {
    this.api.setLoginItemSettings({
      openAtLogin,
      name: RUN_VALUE_NAME,
      path: this.exe,
      args: [HIDDEN_ARG],
    });
  }
}
