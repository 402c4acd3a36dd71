/** The one logging seam of the core: the CLI prints to the console, the tray app to electron-log. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface Logger {
  error(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  debug(message: string, ...details: unknown[]): void;
}

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** A console logger that drops messages below `level`. */
export function consoleLogger(level: LogLevel = 'info', prefix = ''): Logger {
  const at = RANK[level];
  const line = (lvl: LogLevel, message: string, details: unknown[]): void => {
    if (RANK[lvl] > at) return;
    const text = `${new Date().toISOString()} ${lvl.toUpperCase().padEnd(5)} ${prefix}${message}`;
    const out = lvl === 'error' || lvl === 'warn' ? console.error : console.log;
    out(text, ...details);
  };
  return {
    error: (m, ...d) => line('error', m, d),
    warn: (m, ...d) => line('warn', m, d),
    info: (m, ...d) => line('info', m, d),
    debug: (m, ...d) => line('debug', m, d),
  };
}

/** A logger that drops every line (tests, tools that print their own output). */
export function silentLogger(): Logger {
  const noop = (): void => undefined;
  return { error: noop, warn: noop, info: noop, debug: noop };
}
