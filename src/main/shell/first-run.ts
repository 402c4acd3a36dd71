import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, copyFile, link, mkdir, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * First run of the tray app: the default config files shipped with the app
 * (`<resources>/config/`, electron-builder's extraResources) are copied into the machine-wide
 * config folder when absent. An existing file is never replaced: it may hold an
 * administrator's edits, and upgrades must keep them. Plain Node: the caller passes the paths
 * (or lets them default to Electron's `process.resourcesPath` and the ProgramData folder).
 */

/** The files in `<resources>/config/`, copied under the same names. */
export const SHIPPED_CONFIG_FILES = ['tapi-messenger.json', 'directory.example.json'] as const;

/** The folder name under ProgramData (Windows) or the config home (elsewhere). */
const FOLDER_WINDOWS = 'Tapi Messenger';
const FOLDER_POSIX = 'tapi-messenger';

/** Errors that mean "not allowed to write here", as opposed to a broken disk or path. */
const PERMISSION_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);

export interface FirstRunPaths {
  /** Electron's `process.resourcesPath`: the shipped defaults are in its `config/` folder. */
  resourcesDir?: string;
  /** Where the config lives; `programDataConfigDir()` when not given. */
  configDir?: string;
}

export interface FirstRunResult {
  configDir: string;
  /** Files copied now (absolute paths in `configDir`). */
  copied: string[];
  /** Files that were there already and were left alone. */
  kept: string[];
  /**
   * Files absent but not copied because the folder is read-only to this user (the installer
   * makes it writable for administrators only); each with what to do.
   */
  skipped: { file: string; reason: string }[];
}

/**
 * The machine-wide config folder: `%ProgramData%\Tapi Messenger` on Windows; elsewhere
 * (development only, the product ships for Windows) `$XDG_CONFIG_HOME/tapi-messenger`, by
 * default `~/.config/tapi-messenger`.
 */
export function programDataConfigDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (platform === 'win32') {
    const programData = env.ProgramData ?? env.PROGRAMDATA ?? env.ALLUSERSPROFILE;
    return path.win32.join(programData || 'C:\\ProgramData', FOLDER_WINDOWS);
  }
  const configHome = env.XDG_CONFIG_HOME || path.posix.join(env.HOME || os.homedir(), '.config');
  return path.posix.join(configHome, FOLDER_POSIX);
}

/** Electron sets `process.resourcesPath`; plain Node does not. */
function electronResourcesDir(): string {
  const value: unknown = Reflect.get(process, 'resourcesPath');
  if (typeof value !== 'string' || value === '') {
    throw new Error(
      'ensureConfigFiles: no resourcesDir given and process.resourcesPath is not set ' +
        '(not running inside Electron); pass the folder that holds config/',
    );
  }
  return value;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Copies `from` to `to` unless `to` exists, so that `to` is never seen half-written and never
 * overwritten: the bytes go to a temporary file in the same folder, which is then hard-linked
 * to its name (fails if the name exists, atomically). Where hard links are not supported the
 * temporary file is copied with COPYFILE_EXCL (still never overwrites). Returns false when
 * `to` existed.
 */
async function copyIfAbsent(from: string, to: string): Promise<boolean> {
  const temp = path.join(
    path.dirname(to),
    `.${path.basename(to)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  await copyFile(from, temp, constants.COPYFILE_EXCL);
  try {
    await link(temp, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') {
      throw error;
    }
    try {
      await copyFile(temp, to, constants.COPYFILE_EXCL);
      return true;
    } catch (copyError) {
      if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw copyError;
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

function describe(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return code ?? message;
}

/**
 * Creates the config folder if needed and copies each shipped default that is absent there.
 * Throws (naming the file or folder and what to do) when the shipped defaults are missing or
 * the folder cannot be made; a file the folder's permissions do not let this user write is
 * reported in `skipped`, not thrown, since the folder's other files are still the config.
 */
export async function ensureConfigFiles(paths: FirstRunPaths = {}): Promise<FirstRunResult> {
  const sourceDir = path.join(paths.resourcesDir ?? electronResourcesDir(), 'config');
  const configDir = paths.configDir ?? programDataConfigDir();
  const missing: string[] = [];
  for (const name of SHIPPED_CONFIG_FILES) {
    if (!(await exists(path.join(sourceDir, name)))) missing.push(name);
  }
  if (missing.length > 0) {
    throw new Error(
      `the default config files ${missing.join(', ')} are missing from ${sourceDir}; ` +
        'reinstall Tapi Messenger',
    );
  }
  try {
    await mkdir(configDir, { recursive: true });
  } catch (error) {
    throw new Error(
      `cannot create the config folder ${configDir} (${describe(error)}); ` +
        'create it as an administrator, or start the app once as one',
    );
  }
  const result: FirstRunResult = { configDir, copied: [], kept: [], skipped: [] };
  for (const name of SHIPPED_CONFIG_FILES) {
    await copyOne(path.join(sourceDir, name), path.join(configDir, name), result);
  }
  return result;
}

async function copyOne(from: string, to: string, result: FirstRunResult): Promise<void> {
  if (await exists(to)) {
    result.kept.push(to);
    return;
  }
  try {
    if (await copyIfAbsent(from, to)) result.copied.push(to);
    else result.kept.push(to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!PERMISSION_CODES.has(code)) {
      throw new Error(`cannot copy ${from} to ${to}: ${describe(error)}`);
    }
    result.skipped.push({
      file: to,
      reason: `no permission to write it (${code}); an administrator can copy it from ${from}`,
    });
  }
}
