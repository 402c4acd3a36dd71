import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../helpers/launch-chromium.js';

/**
 * `npm run demo` as a newcomer uses it: the demo process (agent, simulator, demo page,
 * dashboard) on free ports, the demo page in Chromium, `ring 201 …` typed into the demo's
 * terminal; the pop appears on the page and the call in the dashboard's log.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('npm run demo: a call rung from the terminal pops on the page and shows in the dashboard', async (t) => {
  const demo = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'tools/demo.ts',
      '--port',
      '0',
      '--tapi-port',
      '0',
      '--dashboard-port',
      '0',
    ],
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  t.after(async () => {
    if (demo.exitCode === null) {
      demo.kill('SIGTERM');
      await once(demo, 'exit');
    }
  });
  const output: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  readline.createInterface({ input: demo.stdout }).on('line', (line) => {
    output.push(line);
    for (const w of [...waiters]) {
      const match = w.pattern.exec(line);
      if (match) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(match);
      }
    }
  });
  const line = (pattern: RegExp): Promise<RegExpMatchArray> => {
    for (const seen of output) {
      const match = pattern.exec(seen);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolve) => waiters.push({ pattern, resolve }));
  };

  const [, pageUrl = ''] = await line(/Demo page:\s+(\S+)/);
  const [, dashboardUrl = ''] = await line(/Dashboard:\s+(\S+)/);
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));

  await page.goto(pageUrl);
  await page.click('#connect button');
  await line(/TapiServer <- LISTEN 201/);
  await page.waitForFunction(
    "document.querySelector('#state')?.textContent?.startsWith('session ')",
  );

  demo.stdin.write('ring 201 +48123456789\n');
  await page.waitForFunction("document.querySelectorAll('#pops li').length > 0");
  assert.match((await page.textContent('#pops li')) ?? '', /Call from \+48123456789/);

  const dashboard = await browser.newPage();
  dashboard.on('pageerror', (error) => problems.push(error.message));
  await dashboard.goto(dashboardUrl);
  await dashboard.waitForSelector('#calls tbody tr');
  assert.match((await dashboard.textContent('#calls tbody')) ?? '', /201.*\+48123456789/);

  // The second page, reached from the first, uses the browser SDK: its tel: link dials.
  await page.click('#sdk-page');
  await page.click('#connect button');
  await page.waitForFunction(
    "document.querySelector('#state')?.textContent?.startsWith('listening')",
  );
  await page.click('#tel');
  await line(/TapiServer <- CALL 201 \+48225550102/);

  demo.stdin.write('quit\n');
  const [code] = (await once(demo, 'exit')) as [number | null];
  assert.equal(code, 0, 'quit stops the demo cleanly');
  assert.deepEqual(problems, []);
});
