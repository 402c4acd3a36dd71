import { parseArgs } from 'node:util';
import { ConfigError } from '../config/load-config.js';

/** What the tray app is told on its command line. */
export interface ShellArgs {
  /** `--config FILE` or `--config=FILE`; absent: the machine-wide config folder. */
  config: string | undefined;
  /** `--hidden`: the tray only, no window (how the login entries start the app). */
  hidden: boolean;
  /** `--quit`: ask the running tray app to quit (release check, scripts); start nothing. */
  quit: boolean;
}

/** The argument the login entries start the app with: tray only, no window. */
export const HIDDEN_ARG = '--hidden';
/** Started again with this, the running tray app quits. */
export const QUIT_ARG = '--quit';

/**
 * The user's arguments in Electron's `process.argv`: after the executable when packaged
 * (`Tapi Messenger.exe --config FILE`), after the executable and the app folder when the app
 * was handed to the default Electron (`electron . --config FILE`, what `npm start` runs;
 * Electron then sets `process.defaultApp`).
 */
export function userArgs(argv: readonly string[], defaultApp: boolean): string[] {
  return argv.slice(defaultApp ? 2 : 1);
}

/**
 * The arguments `npm start` (launch.ts) hands the Electron binary: the app folder, then the
 * user's arguments unchanged (`npm start -- --config FILE`), which `userArgs` gets back.
 */
export function electronCommandLine(appDir: string, args: readonly string[]): string[] {
  return [appDir, ...args];
}

/**
 * Parses the tray app's arguments. Unknown flags are ignored (Chromium adds its own switches
 * to a second instance's command line), a value may contain spaces, and `--config` without a
 * value is a `ConfigError`.
 */
export function parseShellArgs(args: readonly string[]): ShellArgs {
  const { values } = parseArgs({
    args: [...args],
    options: {
      config: { type: 'string' },
      hidden: { type: 'boolean' },
      quit: { type: 'boolean' },
    },
    strict: false,
    allowPositionals: true,
  });
  const config = values.config;
  if (
    config === true ||
    (typeof config === 'string' && (config === '' || config.startsWith('--')))
  ) {
    throw new ConfigError('--config needs a file name: --config FILE or --config=FILE');
  }
  return {
    config: typeof config === 'string' ? config : undefined,
    hidden: values.hidden === true,
    quit: values.quit === true,
  };
}
