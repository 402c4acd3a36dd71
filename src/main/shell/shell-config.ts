import { parseArgs } from 'node:util';
import { findAndLoadConfig, type LoadedConfig } from '../config/load-config.js';
import type { Logger } from '../core/log.js';
import { ensureConfigFiles, programDataConfigDir } from './first-run.js';

/**
 * The tray app's configuration: `--config FILE` when given, else `tapi-messenger.json` in the
 * machine-wide config folder that first run fills (ProgramData), else the defaults.
 * Throws `ConfigError` (message names the file and key) like the CLI.
 */
export async function loadShellConfig(
  argv: readonly string[],
  logger: Logger,
): Promise<LoadedConfig> {
  const { values } = parseArgs({
    args: argv.slice(1).filter((arg) => arg.startsWith('--')),
    options: { config: { type: 'string' } },
    strict: false,
  });
  const explicit = typeof values.config === 'string' ? values.config : undefined;
  // The machine-wide folder is always where the config is read from: falling back to a
  // per-user folder would silently run with the built-in defaults (origins `*`).
  const dir = programDataConfigDir();
  try {
    const result = await ensureConfigFiles({ configDir: dir });
    for (const file of result.copied) logger.info(`first run: copied the default ${file}`);
    for (const { file, reason } of result.skipped)
      logger.warn(`first run: ${file} not created: ${reason}`);
  } catch (error) {
    logger.error(
      `first-run setup failed: ${(error as Error).message}; reading the config from ${dir}`,
    );
  }
  return findAndLoadConfig(explicit, dir);
}
