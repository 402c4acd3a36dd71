import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { configSchema, type Config } from './schema.js';
import { describeProblems } from './schema-problems.js';

/** A configuration that cannot be used; the message names the file and the key. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

/** A loaded configuration with every relative path made absolute against `baseDir`. */
export interface LoadedConfig {
  config: Config;
  /** The file it came from, or null for the built-in defaults. */
  file: string | null;
  baseDir: string;
}

/** Validates an already-parsed JSON value. Throws ConfigError naming every bad key. */
export function parseConfig(raw: unknown, source = 'configuration'): Config {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = describeProblems(result.error);
  throw new ConfigError(`${source} is invalid:\n  ${problems.join('\n  ')}`, problems);
}

function resolvePaths(config: Config, baseDir: string): Config {
  const abs = (p: string): string => path.resolve(baseDir, p);
  const tls = config.server.tls;
  return {
    ...config,
    server: {
      ...config.server,
      tls:
        tls === null
          ? null
          : 'pfx' in tls
            ? { ...tls, pfx: abs(tls.pfx) }
            : { ...tls, cert: abs(tls.cert), key: abs(tls.key) },
    },
    directory:
      config.directory.type === 'file'
        ? { ...config.directory, file: abs(config.directory.file) }
        : config.directory,
  };
}

/** Reads and validates a config file; relative paths become relative to its folder. */
export function loadConfigFile(file: string): LoadedConfig {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${absolute}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${absolute} is not valid JSON: ${(error as Error).message}`);
  }
  const baseDir = path.dirname(absolute);
  return {
    config: resolvePaths(parseConfig(raw, `config file ${absolute}`), baseDir),
    file: absolute,
    baseDir,
  };
}

export const DEFAULT_CONFIG_NAME = 'tapi-messenger.json';

/**
 * docs/protocol.md §5: `--config FILE` if given, else `tapi-messenger.json` in `cwd` if present, else defaults.
 */
export function findAndLoadConfig(explicit: string | undefined, cwd = process.cwd()): LoadedConfig {
  if (explicit !== undefined) return loadConfigFile(path.resolve(cwd, explicit));
  const local = path.join(cwd, DEFAULT_CONFIG_NAME);
  if (existsSync(local)) return loadConfigFile(local);
  return { config: resolvePaths(parseConfig({}), cwd), file: null, baseDir: cwd };
}
