import { app } from 'electron';

/** The argument the login item starts the app with: tray only, no window. */
export const HIDDEN_ARG = '--hidden';

/** Whether Windows (or macOS) starts the tray app when the user logs in. */
export function startsAtLogin(): boolean {
  return app.getLoginItemSettings({ args: [HIDDEN_ARG] }).openAtLogin;
}

export function setStartAtLogin(enabled: boolean): void {
  app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_ARG] });
}

/** True when this start came from the login item. */
export function startedHidden(argv: readonly string[] = process.argv): boolean {
  return argv.includes(HIDDEN_ARG);
}
