import path from 'node:path';
import { findAndLoadConfig, type LoadedConfig } from '../config/load-config.js';
import type { Logger } from '../core/log.js';
import { ensureConfigFiles } from './first-run.js';

export interface ShellConfigPaths {
  /** The machine-wide config folder (ProgramData) that first run fills. */
  configDir: string;
  /** The folder whose `config/` holds the shipped defaults (`process.resourcesPath`). */
  resourcesDir: string;
}

/**
 * The tray app's configuration: `explicit` (from `--config`) when given, else
 * `tapi-messenger.json` in the machine-wide config folder that first run fills, else the
 * defaults. Throws `ConfigError` (message names the file and key) like the CLI.
 */
export async function loadShellConfig(
  explicit: string | undefined,
  paths: ShellConfigPaths,
  logger: Logger,
): Promise<LoadedConfig> {
  // The machine-wide folder is always where the config is read from: falling back to a
  // per-user folder would silently run with the built-in defaults (origins `*`).
  const dir = paths.configDir;
  try {
    const result = await ensureConfigFiles({ configDir: dir, resourcesDir: paths.resourcesDir });
    for (const file of result.copied) logger.info(`first run: copied the default ${file}`);
    for (const { file, reason } of result.skipped)
      logger.warn(`first run: ${file} not created: ${reason}`);
  } catch (error) {
    logger.error(
      `first-run setup failed: ${(error as Error).message}; reading the config from ${dir}`,
    );
  }
  // A relative --config is relative to where the app was started, like the CLI's.
  return findAndLoadConfig(explicit === undefined ? undefined : path.resolve(explicit), dir);
}
