import { mkdir, open, readFile, rename, stat, truncate, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { CallView } from '../../shared/bridge.js';
import type { Logger } from '../core/log.js';
import type { CallStore } from '../core/call-log.js';
import { CALL_STATES, END_CAUSES } from '../../shared/calls.js';

export interface CallHistoryOptions {
  /** The data folder: `calls.jsonl` and the previous file `calls.1.jsonl` live here. */
  folder: string;
  logger: Logger;
  /** The current file is rotated before it would grow past this (default 5 MiB). */
  maxBytes?: number;
  /** How many of the newest calls `recent()` returns (default 500, the dashboard's log). */
  keep?: number;
  /** Calls are written together at most this long after they ended (default 1 s). */
  flushMs?: number;
}

/**
 * What a line of the file must hold; anything else is skipped when loading. Lines written before
 * calls had a lifecycle hold only the first six keys: they read as ended inbound calls. What it
 * yields is a `CallView` (the bridge's type; `satisfies` makes the compiler check it).
 */
const callSchema = z.object({
  at: z.number().finite(),
  extension: z.string(),
  caller: z.string(),
  name: z.string().nullable(),
  callId: z.string().nullable(),
  reached: z.number().int().min(0),
  direction: z.enum(['in', 'out']).default('in'),
  state: z.enum(CALL_STATES).default('ended'),
  answeredBy: z.string().nullable().default(null),
  answeredAt: z.number().finite().nullable().default(null),
  endedAt: z.number().finite().nullable().default(null),
  cause: z.enum(END_CAUSES).nullable().catch(null).default(null),
  missed: z.boolean().default(false),
}) satisfies z.ZodType<CallView>;

export const CURRENT_FILE = 'calls.jsonl';
export const PREVIOUS_FILE = 'calls.1.jsonl';
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_FLUSH_MS = 1000;

/**
 * The incoming-call log on disk, so that it survives a restart of the agent: one JSON line per
 * call, appended in order; when the file would pass `maxBytes` it becomes `calls.1.jsonl`
 * (replacing the one before) and a new file starts. At most twice `maxBytes` on disk.
 * Writes are queued and never block the caller: the calls that ended within `flushMs` go to
 * the file together, through one handle kept open between writes (closed to rotate, and by
 * `flush()`, which the agent calls when it stops). A crash loses at most the calls of the last
 * `flushMs`. A failing disk is logged, not thrown.
 * A record is whole or absent: a write that fails part-way is cut off the file again, and
 * when that is not possible either (or the file ended mid-line at start, after a crash or a
 * full disk) the next write starts on a fresh line, so the torn piece can never swallow it.
 */
export class CallHistory implements CallStore {
  readonly #queue: string[] = [];
  #draining: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #handle: FileHandle | null = null;
  #size: number;
  #recent: CallView[];
  #failing = false;
  #folderMade = false;
  /** The file may end mid-line: the next write begins with a line break. */
  #torn: boolean;

  private constructor(
    readonly folder: string,
    private readonly logger: Logger,
    private readonly maxBytes: number,
    private readonly flushMs: number,
    size: number,
    recent: CallView[],
    torn: boolean,
  ) {
    this.#size = size;
    this.#recent = recent;
    this.#torn = torn;
  }

  /** Reads the newest calls of both files (the folder is made on the first write). */
  static async open(options: CallHistoryOptions): Promise<CallHistory> {
    const { folder, logger } = options;
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const keep = options.keep ?? 500;
    const current = await readLines(path.join(folder, CURRENT_FILE), logger);
    const recent = newestCalls(current.lines, keep);
    if (recent.length < keep) {
      const previous = await readLines(path.join(folder, PREVIOUS_FILE), logger);
      recent.push(...newestCalls(previous.lines, keep - recent.length));
    }
    if (current.torn) {
      logger.warn(
        `call log: ${path.join(folder, CURRENT_FILE)} ends in the middle of a record (a crash or a full disk while writing); that piece is ignored and new calls start on a fresh line`,
      );
    }
    return new CallHistory(
      folder,
      logger,
      maxBytes,
      options.flushMs ?? DEFAULT_FLUSH_MS,
      current.bytes,
      recent,
      current.torn,
    );
  }

  get file(): string {
    return path.join(this.folder, CURRENT_FILE);
  }

  /** The calls read at start, newest first (what the dashboard shows from before this run). */
  recent(): CallView[] {
    return this.#recent;
  }

  /** Queues one call for the file (written within `flushMs`). */
  append(call: CallView): void {
    this.#queue.push(`${JSON.stringify(call)}\n`);
    if (this.#timer === null && this.#draining === null) {
      this.#timer = setTimeout(() => this.#startDrain(), this.flushMs);
      this.#timer.unref();
    }
  }

  /**
   * Writes every queued call now and closes the file; resolves when they are on disk (or
   * their write failed and was logged). Later appends open it again.
   */
  async flush(): Promise<void> {
    do {
      this.#startDrain();
      while (this.#draining) await this.#draining;
    } while (this.#queue.length > 0);
    await this.#closeFile();
  }

  #startDrain(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = null;
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const lines = this.#queue.splice(0, this.#queue.length);
      let chunk = '';
      let chunkBytes = 0;
      for (const line of lines) {
        const bytes = Buffer.byteLength(line);
        if (this.#size + chunkBytes + bytes > this.maxBytes && this.#size + chunkBytes > 0) {
          await this.#write(chunk, chunkBytes);
          chunk = '';
          chunkBytes = 0;
          await this.#rotate();
        }
        chunk += line;
        chunkBytes += bytes;
      }
      await this.#write(chunk, chunkBytes);
    }
  }

  async #write(chunk: string, bytes: number): Promise<void> {
    if (bytes === 0) return;
    const text = this.#torn ? `\n${chunk}` : chunk;
    try {
      if (!this.#folderMade) {
        await mkdir(this.folder, { recursive: true });
        this.#folderMade = true;
      }
      this.#handle ??= await open(this.file, 'a');
      await this.#handle.appendFile(text);
      this.#size += this.#torn ? bytes + 1 : bytes;
      this.#torn = false;
      this.#failing = false;
    } catch (error) {
      await this.#closeFile();
      await this.#undoPartialWrite();
      this.#report(
        `cannot write ${this.file}: ${(error as Error).message} ` +
          '(set TAPI_MESSENGER_DATA_DIR to a writable folder)',
      );
    }
  }

  /** After a failed append: cut what part of it reached the file, or else mark the file torn. */
  async #undoPartialWrite(): Promise<void> {
    try {
      // Only ever shorter: a file that is not what this process thinks is left alone.
      if ((await stat(this.file)).size > this.#size) await truncate(this.file, this.#size);
      else this.#torn = true;
    } catch {
      this.#torn = true;
    }
  }

  async #closeFile(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close().catch(() => undefined);
  }

  async #rotate(): Promise<void> {
    // Closed first: Windows cannot rename a file that is open.
    await this.#closeFile();
    try {
      await rename(this.file, path.join(this.folder, PREVIOUS_FILE));
      this.#torn = false;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.#report(`cannot rotate ${this.file}: ${(error as Error).message}`);
        return;
      }
    }
    this.#size = 0;
  }

  #report(problem: string): void {
    if (this.#failing) return;
    this.#failing = true;
    this.logger.warn(
      `call log: ${problem}; new calls still show in the dashboard but will not survive a restart`,
    );
  }
}

async function readLines(
  file: string,
  logger: Logger,
): Promise<{ lines: string[]; bytes: number; torn: boolean }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      logger.warn(
        `call log: cannot read ${file}: ${(error as Error).message}; starting without it`,
      );
    }
    return { lines: [], bytes: 0, torn: false };
  }
  return {
    lines: text.split('\n'),
    bytes: Buffer.byteLength(text),
    torn: text.length > 0 && !text.endsWith('\n'),
  };
}

/** The last `limit` valid calls of `lines` (oldest first in the file), newest first. */
function newestCalls(lines: readonly string[], limit: number): CallView[] {
  const calls: CallView[] = [];
  for (let i = lines.length - 1; i >= 0 && calls.length < limit; i--) {
    const line = lines[i];
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // a torn last line after a crash, or a foreign edit
    }
    const parsed = callSchema.safeParse(value);
    if (parsed.success) calls.push(parsed.data);
  }
  return calls;
}
