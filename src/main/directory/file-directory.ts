import { readFile, stat } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../core/log.js';
import type { Directory, Resolution } from '../core/directory.js';
import type { DirectoryView } from '../../shared/bridge.js';
import { DirectoryStateHolder } from './directory-state.js';
import { EXTENSION_PATTERN } from '../core/number-rules.js';
import { describeProblems } from '../config/schema-problems.js';

/** docs/protocol.md §4: `{ "sessions": { "<apexSession>": "<USER>" }, "users": { "<USER>": "<ext>" } }`. */
const directoryFileSchema = z.strictObject({
  sessions: z.record(z.string().min(1), z.string().min(1)).default({}),
  users: z
    .record(
      z.string().min(1),
      z.string().regex(EXTENSION_PATTERN, 'must be an extension such as "201"'),
    )
    .default({}),
});

interface Tables {
  sessions: Map<string, string>;
  /** Keyed by upper-cased user name: names compare case-insensitively. */
  users: Map<string, string>;
}

/** Parses the text of a directory file; throws an Error naming the bad entry. */
export function parseDirectoryFile(text: string): Tables {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON: ${(error as Error).message}`);
  }
  const parsed = directoryFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(describeProblems(parsed.error).join('; '));
  return {
    sessions: new Map(Object.entries(parsed.data.sessions)),
    users: new Map(Object.entries(parsed.data.users).map(([u, ext]) => [u.toUpperCase(), ext])),
  };
}

export interface FileDirectoryEvents {
  /** After each successful (re)load. */
  onReload?: (entries: { sessions: number; users: number }) => void;
}

/**
 * The directory of docs/protocol.md §4, type `file`. Re-read when the file changes; a bad edit keeps the
 * last good contents and marks the directory degraded until the file is fixed.
 */
export class FileDirectory implements Directory {
  #tables: Tables = { sessions: new Map(), users: new Map() };
  #watcher: FSWatcher | null = null;
  #debounce: NodeJS.Timeout | null = null;
  #loading: Promise<void> = Promise.resolve();
  readonly #state: DirectoryStateHolder;

  private constructor(
    readonly file: string,
    private readonly logger: Logger,
    private readonly events: FileDirectoryEvents,
  ) {
    this.#state = new DirectoryStateHolder('file', file);
  }

  /** Loads the file once and starts watching it. A missing or bad file is logged, not thrown. */
  static async open(
    file: string,
    logger: Logger,
    events: FileDirectoryEvents = {},
  ): Promise<FileDirectory> {
    const directory = new FileDirectory(file, logger, events);
    await directory.reload();
    directory.watch();
    return directory;
  }

  /** Reads the file again now. Exposed for tests and for `--check-directory`. */
  reload(): Promise<void> {
    this.#loading = this.#loading
      .then(() => this.load())
      .catch((error: unknown) => {
        const message = `directory file ${this.file} could not be loaded: ${(error as Error).message}`;
        this.logger.error(message);
        this.#state.set('degraded', message);
      });
    return this.#loading;
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      // Only a regular file: reading a FIFO or a device would wait for ever (and hold start-up).
      const info = await stat(this.file);
      if (!info.isFile()) {
        const message = `directory file ${this.file} is not a regular file (a pipe, device or folder); every listen is answered SESSION_NOT_FOUND until it is`;
        this.logger.error(message);
        this.#state.set('degraded', message);
        return;
      }
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      const message =
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? `directory file ${this.file} does not exist; every listen is answered SESSION_NOT_FOUND until it does`
          : `cannot read directory file ${this.file}: ${(error as Error).message}`;
      this.logger.warn(message);
      this.#state.set('degraded', message);
      return;
    }
    try {
      this.#tables = parseDirectoryFile(text);
    } catch (error) {
      const message = `directory file ${this.file} ignored, keeping the previous contents: ${(error as Error).message}`;
      this.logger.error(message);
      this.#state.set('degraded', message);
      return;
    }
    this.logger.info(
      `directory file ${this.file} loaded: ${this.#tables.sessions.size} sessions, ${this.#tables.users.size} users`,
    );
    this.#state.set('ok', null);
    this.events.onReload?.({
      sessions: this.#tables.sessions.size,
      users: this.#tables.users.size,
    });
  }

  /** Watches the folder, not the file: editors replace files by rename, which ends a file watch. */
  private watch(): void {
    const folder = path.dirname(this.file);
    const name = path.basename(this.file);
    try {
      this.#watcher = watch(folder, { persistent: false }, (_event, changed) => {
        if (changed !== null && changed.toString() !== name) return;
        if (this.#debounce) clearTimeout(this.#debounce);
        this.#debounce = setTimeout(() => {
          this.#debounce = null;
          void this.reload();
        }, 50);
      });
      this.#watcher.on('error', (error) =>
        this.logger.warn(`watching ${folder} failed: ${error.message}`),
      );
    } catch (error) {
      this.logger.warn(
        `cannot watch ${folder} for changes (${(error as Error).message}); restart to reload`,
      );
    }
  }

  async resolve(apexSession: string): Promise<Resolution> {
    const user = this.#tables.sessions.get(apexSession);
    if (user === undefined) return { kind: 'not-found' };
    const phone = this.#tables.users.get(user.toUpperCase());
    if (phone === undefined) return { kind: 'no-phone', user };
    return { kind: 'found', user, phone };
  }

  state(): DirectoryView {
    return this.#state.get();
  }

  onStateChange(listener: (state: DirectoryView) => void): () => void {
    return this.#state.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.#debounce) clearTimeout(this.#debounce);
    this.#watcher?.close();
    this.#watcher = null;
    await this.#loading;
  }
}
