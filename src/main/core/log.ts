import { format } from 'node:util';

/** The one logging seam of the core: the CLI prints to the console, the tray app to electron-log. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface Logger {
  error(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  debug(message: string, ...details: unknown[]): void;
}

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/**
 * A console logger that drops messages below `level`. Info and debug lines (stdout) and
 * warnings (stderr) are written together every `LOG_FLUSH_MS` (`LineBuffer`); an error is
 * written at once, with whatever was waiting before it.
 */
export function consoleLogger(level: LogLevel = 'info', prefix = ''): Logger & { flush(): void } {
  const at = RANK[level];
  const out = new LineBuffer((text) => process.stdout.write(text));
  const err = new LineBuffer((text) => process.stderr.write(text));
  const line = (lvl: LogLevel, message: string, details: unknown[]): void => {
    if (RANK[lvl] > at) return;
    const text = `${new Date().toISOString()} ${lvl.toUpperCase().padEnd(5)} ${prefix}${message}`;
    const full = details.length === 0 ? text : format(text, ...details);
    if (lvl === 'info' || lvl === 'debug') return out.push(full);
    err.push(full);
    // An error is written at once, after everything before it: the operator reads it first.
    if (lvl === 'error') flush();
  };
  const flush = (): void => {
    out.flush();
    err.flush();
  };
  // Whatever is buffered when the process ends (process.exit included) is still written.
  process.once('exit', flush);
  return {
    error: (m, ...d) => line('error', m, d),
    warn: (m, ...d) => line('warn', m, d),
    info: (m, ...d) => line('info', m, d),
    debug: (m, ...d) => line('debug', m, d),
    flush,
  };
}

/** How long a log line may wait to be written with the ones after it. */
export const LOG_FLUSH_MS = 100;

/**
 * Log lines written together: every `LOG_FLUSH_MS`, or at once past 64 KiB. Writing each line
 * (as `console.log` does) is a blocking system call per line, and with a line per call the
 * agent's busiest moments spent a sixth of their CPU there. Nothing is lost on an exit, even
 * `process.exit()` after an unexpected error: the console logger flushes on the process's
 * `exit`. A process killed outright loses the last `LOG_FLUSH_MS` of lines.
 */
export class LineBuffer {
  #text = '';
  #timer: NodeJS.Timeout | null = null;
  readonly #flush = (): void => this.flush();

  constructor(
    private readonly write: (text: string) => void,
    private readonly flushMs = LOG_FLUSH_MS,
  ) {}

  push(line: string): void {
    this.#text += `${line}\n`;
    if (this.#text.length >= 65_536) this.flush();
    else if (this.#timer === null) {
      this.#timer = setTimeout(this.#flush, this.flushMs);
      this.#timer.unref();
    }
  }

  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const text = this.#text;
    if (text === '') return;
    this.#text = '';
    this.write(text);
  }
}

/** A logger that drops every line (tests, tools that print their own output). */
export function silentLogger(): Logger {
  const noop = (): void => undefined;
  return { error: noop, warn: noop, info: noop, debug: noop };
}
