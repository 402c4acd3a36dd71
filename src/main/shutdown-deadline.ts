/**
 * A shutdown a service manager can rely on: the steps run in order, and if they have not
 * finished within the limit the caller hears which step is stuck and what the process still
 * holds open (then exits anyway). Windows service control and the tray's supervisor wait a
 * bounded time for a stop; an agent that hangs there is as bad as one that died.
 */

export interface ShutdownStep {
  readonly name: string;
  run(): Promise<void> | void;
}

/** What stops the process from ending: Node's active resources, counted by kind. */
export function openResources(): string {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo())
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n} ${kind}`).join(', ') || 'nothing';
}

/**
 * Runs `steps` in order; resolves once all finished. If they take longer than `limitMs`,
 * `overdue` is called once with a description (the step still running, the open resources)
 * while the steps go on; the caller decides to exit.
 */
export async function shutDownWithin(
  limitMs: number,
  steps: readonly ShutdownStep[],
  overdue: (report: string) => void,
): Promise<void> {
  let current = steps[0]?.name ?? 'nothing';
  const timer = setTimeout(() => {
    overdue(`shutdown still waiting for ${current} after ${limitMs} ms (open: ${openResources()})`);
  }, limitMs);
  timer.unref();
  try {
    for (const step of steps) {
      current = step.name;
      await step.run();
    }
  } finally {
    clearTimeout(timer);
  }
}
