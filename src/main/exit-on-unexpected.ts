/**
 * What the agent's processes do with an error nothing else caught: write its cause once, then
 * exit with `UNEXPECTED_EXIT_CODE` so that whatever runs the process (the tray app's supervisor,
 * Windows service recovery) starts a fresh one. Carrying on after an unknown error could leave
 * the agent half-working (a dead port that still looks up), which is worse than a restart.
 */

/** sysexits' EX_SOFTWARE: not a configuration error (2), not a failed start (1). */
export const UNEXPECTED_EXIT_CODE = 70;

export interface ProcessEvents {
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export function exitOnUnexpectedError(
  write: (text: string) => void,
  exit: (code: number) => void = (code) => process.exit(code),
  on: ProcessEvents = process,
): void {
  let exiting = false;
  const fail = (what: string, reason: unknown): void => {
    if (exiting) return;
    exiting = true;
    const cause = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    try {
      write(`tapi-messenger: ${what}, exiting with code ${UNEXPECTED_EXIT_CODE}: ${cause}`);
    } finally {
      exit(UNEXPECTED_EXIT_CODE);
    }
  };
  on.on('uncaughtException', (error) => fail('unexpected error', error));
  on.on('unhandledRejection', (reason) => fail('unhandled promise rejection', reason));
}
