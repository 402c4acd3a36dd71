import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from '../helpers/harness.js';
import { launchChromium } from '../helpers/launch-chromium.js';
import { demoAssets } from '../../tools/demo-assets.js';

/**
 * The demo page in a real browser: Chromium runs the reference page client, unchanged, with the
 * sockjs-client and stompjs bundles the agent serves itself (no CDN).
 */
test('a page in Chromium: connect with the reference client, screen-pop, dial, close', async (t) => {
  const h = await startHarness({
    extraAssets: demoAssets(),
    directoryContents: { sessions: { '1234567890': 'ALICE' }, users: { ALICE: '201' } },
  });
  t.after(() => h.stop());
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await page.goto(`${h.base}/tapi-messenger-client/demo.html`);
  const listened = h.sim.waitForLine('LISTEN 201');
  await page.click('#connect button');
  await listened;
  await page.waitForFunction(
    "document.querySelector('#state')?.textContent?.startsWith('session ')",
  );
  const shown = (await page.textContent('#state')) ?? '';
  assert.deepEqual(
    h.agent.snapshot().sessions.map((s) => `session ${s.id}`),
    [shown],
    'the id the page read from its URL is the server session id',
  );

  // One pop per call, though the page subscribes twice: a second pop of the first call
  // would be shown before the pop of the second.
  h.sim.ring('201', '+48123456789', 'call-1');
  h.sim.ring('201', '+48500', 'call-2');
  await page.waitForFunction("document.querySelector('#pops')?.textContent?.includes('+48500')");
  const pops = await page.$$eval('#pops li', (items) => items.map((li) => li.textContent ?? ''));
  assert.equal(pops.length, 2, pops.join('\n'));
  assert.match(pops[0] ?? '', /Call from \+48500 \(UNKNOWN\)$/, 'newest first');
  assert.match(pops[1] ?? '', /Call from \+48123456789 \(UNKNOWN\)$/);

  await page.fill('#number', '+48 (22) 555-01-02');
  const dialled = h.sim.waitForLine(/^CALL /);
  await page.click('#dial button');
  assert.equal(await dialled, 'CALL 201 +48225550102');

  const unlistened = h.sim.waitForLine('UNLISTEN 201');
  await page.close();
  await unlistened;
  assert.deepEqual(pageErrors, []);
});
