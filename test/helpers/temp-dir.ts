import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** What registers the clean-up: a test's context, or `{ after }` from `node:test` for a file. */
export interface Cleanup {
  after(fn: () => Promise<void>): void;
}

/** A new empty folder in the OS's temp folder, removed with everything in it when `owner` ends. */
export async function tempDir(owner: Cleanup, prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `${prefix}-`));
  owner.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
