import type { Logger } from './log.js';
import { TypedEmitter } from './typed-emitter.js';
import { cleanText } from './client-text.js';

/**
 * Where an unexpected exception was caught: each entry point fed from outside runs inside a
 * guard named for it. The names are the `where` label of
 * `tapi_messenger_contained_errors_total`.
 */
export type ContainmentSite =
  | 'stomp-http'
  | 'stomp-upgrade'
  | 'raw-websocket'
  | 'sockjs'
  | 'stomp-session'
  | 'tapi-line'
  | 'router'
  | 'dashboard-http'
  | 'dashboard-upgrade'
  | 'dashboard-bridge';

export interface ContainedError {
  where: ContainmentSite;
  /** One line, at most 300 bytes. */
  message: string;
}

export interface ContainmentEvents {
  contained: [ContainedError];
}

/**
 * The agent's one answer to a bug reached from outside: the exception is caught where the
 * input entered, the offender alone is cut off (`recover`: close that connection, answer 500),
 * the error is logged once with a bounded one-line message and counted. It never reaches
 * `uncaughtException`.
 */
export class Containment extends TypedEmitter<ContainmentEvents> {
  constructor(private readonly logger: Logger) {
    super();
  }

  /** Runs `work`; if it throws, reports it and runs `recover` (whose own failure is swallowed). */
  run(where: ContainmentSite, work: () => void, recover?: (error: unknown) => void): void {
    try {
      work();
    } catch (error) {
      this.report(where, error);
      if (recover) {
        try {
          recover(error);
        } catch {
          // Recovery is best effort (e.g. destroying a socket that is already gone).
        }
      }
    }
  }

  /** `listener` guarded: for socket and emitter events. */
  wrap<A extends unknown[]>(
    where: ContainmentSite,
    listener: (...args: A) => void,
    recover?: (error: unknown) => void,
  ): (...args: A) => void {
    return (...args: A) => this.run(where, () => listener(...args), recover);
  }

  /** Logs and counts an error caught elsewhere (a rejected promise, a caught exception). */
  report(where: ContainmentSite, error: unknown): void {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const message = cleanText(text, 300);
    const frame = error instanceof Error ? cleanText(firstFrame(error.stack), 200) : '';
    this.logger.error(`contained an unexpected error in ${where}: ${message}${frame}`);
    this.emit('contained', { where, message });
  }
}

/** ` at file:line` of the first stack frame, so the log line points at the bug. */
function firstFrame(stack: string | undefined): string {
  const line = stack?.split('\n').find((l) => l.trimStart().startsWith('at '));
  return line === undefined ? '' : ` (${line.trim()})`;
}
