import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Agent } from '../../src/main/agent.js';
import { silentLogger } from '../../src/main/core/log.js';
import type { Asset } from '../../src/main/stomp/client-assets.js';
import type { CallEvent } from '../../src/sdk/api.js';
import { startHarness, waitUntil, type Harness } from '../helpers/harness.js';
import { launchChromium } from '../helpers/launch-chromium.js';
import { sdkTestAssets } from '../helpers/sdk-page.js';

/**
 * The browser SDK in Chromium, loaded from the agent as one script tag: call events, reconnect
 * across an agent restart, click-to-dial and dial errors, and the one-tab pop policy.
 */

let browser: Browser;
let assets: Map<string, Asset>;

before(async () => {
  [browser, assets] = await Promise.all([launchChromium(), sdkTestAssets()]);
});
after(() => browser.close());

async function openPage(
  h: Harness,
  options: string,
  context: Browser | BrowserContext = browser,
): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${h.base}/tapi-messenger-client/sdk-test.html`);
  await page.evaluate(`start(${options})`);
  await page.waitForFunction("client.status.state === 'listening'");
  return page;
}

const calls = (page: Page): Promise<CallEvent[]> => page.evaluate('log.calls');

test('one script tag: the SDK connects with the APEX session and a ring is a call event', async (t) => {
  const h = await startHarness({ extraAssets: assets });
  t.after(() => h.stop());
  const listened = h.sim.waitForLine('LISTEN 201', 30_000);
  const page = await openPage(h, "{ apexSession: 'apex-alice' }");
  await listened;
  assert.deepEqual(await page.evaluate('added'), ['TapiMessenger'], 'the only global');
  assert.deepEqual(await page.evaluate('client.status'), {
    state: 'listening',
    phone: '201',
    user: 'ALICE',
    reason: null,
  });

  h.sim.ring('201', '+48123456789', 'call-1', 'Jan Kowalski');
  await page.waitForFunction('log.calls.length === 1');
  const [call] = await calls(page);
  assert.deepEqual(
    { ...call, startedAt: typeof call?.startedAt },
    {
      callId: 'call-1',
      extension: '201',
      direction: 'in',
      state: 'ringing',
      from: '+48123456789',
      to: '201',
      name: 'Jan Kowalski',
      answeredBy: null,
      cause: null,
      missed: false,
      startedAt: 'string',
      answeredAt: null,
      endedAt: null,
      shown: true,
    },
  );

  // The ES module build: same API, same default agent.
  const state =
    await page.evaluate(`import('/tapi-messenger-client/tapi-messenger.mjs').then((m) => {
    const other = m.connect({ apexSession: 'apex-bob' });
    return new Promise((resolve) => other.on('status', (s) => { resolve(s.phone); other.close(); }));
  })`);
  assert.equal(state, '202');
  assert.deepEqual(await page.evaluate('log.errors'), []);

  // An APEX session the directory does not know (expired): closed for good, no retrying.
  const ended = await page.evaluate(`new Promise((resolve) => {
    const expired = TapiMessenger.connect({ apexSession: 'apex-expired' });
    expired.on('status', (s) => s.state === 'closed' && resolve(s.reason));
  })`);
  assert.equal(ended, 'SESSION_NOT_FOUND');
  await waitUntil(() => h.agent.snapshot().sessions.length === 1, 10_000, 'the client to hang up');
});

test('the agent restarts on the same port: reconnecting, listening again, the next ring arrives', async (t) => {
  const h = await startHarness({ extraAssets: assets });
  let agent = h.agent;
  t.after(async () => {
    await agent.stop();
    await h.stop();
  });
  const page = await openPage(h, "{ apexSession: 'apex-alice', clickToDial: true }");

  await h.agent.stop();
  await page.waitForFunction("client.status.state === 'reconnecting'");
  assert.equal(await page.evaluate('clickTel()'), false, 'not listening: the link is a link');
  const linked = h.sim.waitForConnection();
  agent = await Agent.start({
    config: { ...h.agent.config, server: { ...h.agent.config.server, port: h.agent.address.port } },
    logger: silentLogger(),
    extraAssets: assets,
  });
  await linked;
  await page.waitForFunction("client.status.state === 'listening'", undefined, { timeout: 10_000 });
  assert.deepEqual(await page.evaluate('log.states'), ['listening', 'reconnecting', 'listening']);

  h.sim.ring('201', '+48555000111', 'call-after-restart');
  await page.waitForFunction('log.calls.length === 1');
  assert.equal((await calls(page))[0]?.callId, 'call-after-restart');
});

test('click-to-dial: a tel: link dials through the agent; a bad number rejects with its code', async (t) => {
  const h = await startHarness({ extraAssets: assets });
  t.after(() => h.stop());
  const page = await openPage(
    h,
    "{ apexSession: 'apex-alice', clickToDial: true, confirmDial: (n) => log.asked.push(n) < 2 }",
  );

  const dialled = h.sim.waitForLine(/^CALL /);
  await page.click('#tel');
  assert.equal(await dialled, 'CALL 201 +48225550102');
  assert.match(page.url(), /sdk-test\.html$/, 'the click did not follow the link');
  await page.click('#tel'); // the page's confirmDial says no this time
  assert.deepEqual(await page.evaluate('log.asked'), ['+48225550102', '+48225550102']);

  const refused = await page.evaluate(
    "client.dial('12;DROP').then(() => 'resolved', (e) => e instanceof Error && e.code)",
  );
  assert.equal(refused, 'BAD_NUMBER');
  const second = h.sim.waitForLine('CALL 201 +48225550103');
  assert.equal(await page.evaluate("client.dial('+48 22 555 01 03').then(() => 'ok')"), 'ok');
  await second;
  assert.deepEqual(
    h.sim.lines.filter((line) => line.startsWith('CALL ')),
    ['CALL 201 +48225550102', 'CALL 201 +48225550103'],
    'the refused confirmation and the bad number dialled nothing',
  );
  assert.deepEqual(await page.evaluate('log.errors'), [], 'dial errors reject, not report');

  await page.evaluate('client.close()');
  assert.equal(await page.evaluate('client.status.reason'), 'CLOSED_BY_PAGE');
  assert.equal(await page.evaluate('clickTel()'), false, 'a closed client leaves links alone');
});

test("popIn 'one-tab': one tab raises, the other gets shown: false; the next call moves on when it closes", async (t) => {
  const h = await startHarness({ extraAssets: assets });
  t.after(() => h.stop());
  const context = await browser.newContext();
  t.after(() => context.close());
  const options = "{ apexSession: 'apex-alice', popIn: 'one-tab' }";
  const first = await openPage(h, options, context);
  await first.waitForFunction('client.raisesPops');
  const second = await openPage(h, options, context);
  assert.equal(await second.evaluate('client.raisesPops'), false);

  h.sim.ring('201', '+48123456789', 'call-1');
  await first.waitForFunction('log.calls.length === 1');
  await second.waitForFunction('log.calls.length === 1');
  assert.equal((await calls(first))[0]?.shown, true);
  assert.equal((await calls(second))[0]?.shown, false);

  await first.close();
  await second.waitForFunction('client.raisesPops');
  h.sim.ring('201', '+48123456789', 'call-2');
  await second.waitForFunction('log.calls.length === 2');
  assert.equal((await calls(second))[1]?.shown, true);
});
