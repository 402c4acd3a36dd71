import { spawnSync } from 'node:child_process';

/**
 * `npm run screenshots`: runs the dashboard's Chromium test with its screenshots going to
 * docs/img (the README's pictures) instead of the ignored out/screenshots of every test run.
 */
const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', 'test/e2e/dashboard.test.ts'],
  { stdio: 'inherit', env: { ...process.env, SCREENSHOT_DIR: 'docs/img' } },
);
process.exit(run.status ?? 1);
