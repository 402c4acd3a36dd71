import log from 'electron-log/main';
import type { LogLevel, Logger } from '../core/log.js';

const MAX_LOG_BYTES = 5 * 1024 * 1024;

export interface ElectronLogging {
  logger: Logger;
  /** The current log file (main.log in the app's log folder; main.old.log is the one before). */
  file(): string;
  /** The configured level, once the configuration is read. */
  setLevel(level: LogLevel): void;
}

/**
 * The tray app's `Logger`: electron-log writing a file that rotates at 5 MiB (one old file
 * kept), and catching unhandled errors and rejections into it instead of a crash dialog.
 */
export function electronLogging(
  level: LogLevel,
  onUnhandled: (error: Error) => void,
): ElectronLogging {
  log.transports.file.level = level;
  log.transports.file.maxSize = MAX_LOG_BYTES;
  log.transports.console.level = level;
  log.errorHandler.startCatching({
    showDialog: false,
    onError: ({ error }) => onUnhandled(error),
  });
  return {
    logger: {
      error: (message, ...details) => log.error(message, ...details),
      warn: (message, ...details) => log.warn(message, ...details),
      info: (message, ...details) => log.info(message, ...details),
      debug: (message, ...details) => log.debug(message, ...details),
    },
    file: () => log.transports.file.getFile().path,
    setLevel(next) {
      log.transports.file.level = next;
      log.transports.console.level = next;
    },
  };
}
