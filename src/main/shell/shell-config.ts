import { parseArgs } from 'node:util';
import { findAndLoadConfig, type LoadedConfig } from '../config/load-config.js';
import type { Logger } from '../core/log.js';

/** What the first-run module (another part of the tray app) offers, when it is there. */
interface FirstRun {
  ensureConfigFiles?: () => unknown;
  programDataConfigDir?: () => string;
}

async function firstRun(): Promise<FirstRun> {
  try {
    // Resolved at run time so that the shell builds with or without it.
    const url = new URL('./first-run.js', import.meta.url).href;
    return (await import(url)) as FirstRun;
  } catch {
    return {};
  }
}

/**
 * The tray app's configuration: `--config FILE` when given, else `tapi-messenger.json` in the
 * machine-wide config folder that first run fills (ProgramData), else in `fallbackDir`, else
 * the defaults. Throws `ConfigError` (message names the file and key) like the CLI.
 */
export async function loadShellConfig(
  argv: readonly string[],
  fallbackDir: string,
  logger: Logger,
): Promise<LoadedConfig> {
  const { values } = parseArgs({
    args: argv.slice(1).filter((arg) => arg.startsWith('--')),
    options: { config: { type: 'string' } },
    strict: false,
  });
  const explicit = typeof values.config === 'string' ? values.config : undefined;
  let dir = fallbackDir;
  const setup = await firstRun();
  try {
    await setup.ensureConfigFiles?.();
    dir = setup.programDataConfigDir?.() ?? fallbackDir;
  } catch (error) {
    logger.warn(`first-run setup failed (${(error as Error).message}); config from ${dir}`);
  }
  return findAndLoadConfig(explicit, dir);
}
