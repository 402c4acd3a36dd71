import type { Directory, Resolution } from '../../src/main/core/directory.js';

/**
 * A stand-in for the directory seam: answers from `answers` at once (unknown sessions are
 * `not-found`), always healthy. `resolve` replaces the lookup, e.g. to make it fail.
 */
export function fakeDirectory(
  answers: Readonly<Record<string, Resolution>>,
  resolve: (apexSession: string) => Promise<Resolution> = (apex) =>
    Promise.resolve(answers[apex] ?? { kind: 'not-found' }),
): Directory {
  return {
    resolve,
    state: () => ({ type: 'test', health: 'ok', source: 'memory', lastError: null, since: 0 }),
    onStateChange: () => () => undefined,
    close: () => Promise.resolve(),
  };
}
