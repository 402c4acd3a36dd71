import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { Snapshot } from '../../src/shared/bridge.js';
import { callView } from '../helpers/calls.js';
import { freshBundle } from '../helpers/dashboard-harness.js';
import { launchChromium } from '../helpers/launch-chromium.js';

/**
 * The dashboard at the widths the tray window can have (src/main/shell/window.ts: 900×600 when
 * it opens, down to 420×400): what the operator reads in a table must not be cut off. The page
 * is the built bundle loaded from its file, as the tray window loads it, with a stand-in for
 * the preload's bridge that delivers one snapshot of long but real-looking values.
 */

/** The window's narrowest, each side of each of the page's breakpoints, its default, a desktop browser. */
const WIDTHS = [420, 519, 520, 699, 700, 879, 880, 900, 1280];
const HEIGHT = 600;

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

function snapshot(now: number): Snapshot {
  return {
    startedAt: now - 3 * DAY,
    endpoint: 'http://192.168.100.20:8081/tapi-messenger',
    link: {
      host: 'tapiserver.office.example',
      port: 44444,
      status: 'connected',
      since: now - 2 * DAY,
      lastError: null,
      attempts: 0,
      reconnects: 12,
    },
    directory: {
      type: 'oracle',
      health: 'ok',
      source: 'apex@db.office.example:1521/APEXPDB',
      lastError: null,
      since: now - 3 * DAY,
    },
    sessions: [
      {
        id: 'JR2zeD2E',
        apexSession: '14932847712345',
        user: 'ALICE',
        phone: '201',
        clientAddress: '127.0.0.1',
        transport: 'websocket (raw)',
        connectedAt: now - 5 * MIN,
      },
      {
        id: 'k3l1x0qa',
        apexSession: '7719283746501928',
        user: 'SCHOENEBERGER_A',
        phone: '2015',
        clientAddress: '::ffff:192.168.100.123',
        transport: 'xhr-streaming',
        connectedAt: now - 2 * DAY,
      },
      {
        id: 'p0q9r8s7',
        apexSession: null,
        user: null,
        phone: null,
        clientAddress: '192.168.100.77',
        transport: 'eventsource',
        connectedAt: now - MIN,
      },
    ],
    phones: [
      { phone: '201', sessions: 1, listening: true },
      { phone: '2015', sessions: 12, listening: false },
    ],
    calls: [
      callView({
        at: now - 5_000,
        extension: '201',
        caller: '+4930123456789',
        name: 'Müller Gebäudetechnik GmbH',
        callId: 'c-8',
        reached: 2,
        state: 'ringing',
      }),
      callView({
        at: now - 20_000,
        extension: '2015',
        direction: 'out',
        caller: '004930123456789',
        name: null,
        callId: 'c-7',
        reached: 0,
        state: 'dialing',
      }),
      callView({
        at: now - 4 * MIN,
        extension: '2015',
        caller: '+498955500012',
        name: null,
        callId: 'c-6',
        reached: 12,
        state: 'answered',
        answeredBy: '2015',
        answeredAt: now - 3 * MIN,
      }),
      callView({
        at: now - 9 * MIN,
        extension: '201',
        caller: '+4940123123',
        name: 'Hansen',
        callId: 'c-5',
        reached: 1,
        state: 'held',
        answeredBy: '201',
        answeredAt: now - 8 * MIN,
      }),
      callView({
        at: now - 30 * MIN,
        extension: '202',
        caller: 'UNKNOWN',
        name: null,
        callId: 'c-4',
        reached: 0,
        endedAt: now - 30 * MIN + 35_000,
        cause: 'NOANSWER',
        missed: true,
      }),
      callView({
        at: now - 4 * 60 * MIN,
        extension: '201',
        direction: 'out',
        caller: '004930123456789',
        name: 'Stadtwerke Charlottenburg-Wilmersdorf',
        callId: 'c-3',
        reached: 0,
        answeredAt: now - 4 * 60 * MIN + 10_000,
        endedAt: now - 50 * MIN,
        cause: 'NORMAL',
      }),
      callView({
        at: now - 5 * 60 * MIN,
        extension: '2015',
        direction: 'out',
        caller: '+4930999',
        name: null,
        callId: 'c-2',
        reached: 0,
        endedAt: now - 5 * 60 * MIN + 20_000,
        cause: 'UNREACHABLE',
      }),
      callView({
        at: now - 2 * DAY,
        extension: '2015',
        caller: '+441632960000',
        name: null,
        callId: 'c-1',
        reached: 12,
        endedAt: now - 2 * DAY + 15_000,
        cause: 'LINK_LOST',
        missed: true,
      }),
    ],
    cluster: {
      agentId: 'agent-berlin-1',
      url: 'amqp://tapi@broker.office.example:5672/office',
      broker: 'connected',
      since: now - DAY,
      lastError: null,
      extensions: ['2*'],
      agents: [
        {
          agentId: 'agent-hamburg-2',
          extensions: ['4*', '5*', '6000-6099'],
          link: 'connected',
          lastHeartbeat: now - 3_000,
        },
        { agentId: 'agent-muenchen-3', extensions: ['7*'], link: 'gone', lastHeartbeat: now - DAY },
      ],
      remoteListens: ['401'],
      served: [{ extension: '201', agents: ['agent-hamburg-2'] }],
    },
    missedCalls: 2,
  };
}

/*
 * What the page functions below use of the DOM (this file is typechecked without the DOM
 * library).
 */
interface PageElement {
  id: string;
  title: string;
  textContent: string | null;
  scrollWidth: number;
  clientWidth: number;
  firstChild: PageNode | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  getClientRects(): { length: number };
  getBoundingClientRect(): { top: number; bottom: number };
}
interface PageNode {
  nodeType: number;
}
declare const document: {
  querySelectorAll(selector: string): Iterable<PageElement>;
  createRange(): {
    setStart(node: PageNode, offset: number): void;
    setEnd(node: PageNode, offset: number): void;
    getClientRects(): Iterable<{ top: number }>;
  };
};

interface Cut {
  panel: string;
  column: string;
  text: string;
  /** `cut by N px`, or `split: WORD` for a word broken across two lines. */
  problem: string;
}

/**
 * Every cell of a shown panel whose text is cut off. In the call log (`strict`) that is any
 * cut, and also a word broken across lines (a phone number, a time, a cause); in the other
 * panels a cut is allowed where the cell's tooltip holds the whole text (long ids and
 * addresses). A table wider than its panel counts as its last column cut, a table whose first
 * row is below the bottom of its scrolling box as every row cut; a tab's count split over two
 * lines counts too.
 */
function cutCells(strict: string): Cut[] {
  const cuts: Cut[] = [];
  for (const panel of document.querySelectorAll('.panel')) {
    if (panel.getClientRects().length === 0) continue;
    const scroll = panel.querySelector('.scroll');
    if (scroll && scroll.scrollWidth > scroll.clientWidth) {
      cuts.push({
        panel: panel.id,
        column: '(the table is wider than its panel)',
        text: '',
        problem: `cut by ${scroll.scrollWidth - scroll.clientWidth} px`,
      });
    }
    const first = panel.querySelector('tbody tr');
    if (
      scroll &&
      first &&
      first.getBoundingClientRect().top >= scroll.getBoundingClientRect().bottom
    )
      cuts.push({ panel: panel.id, column: '(every row)', text: '', problem: 'no room to show' });
    const labels = [...panel.querySelectorAll('th')].map((th) => th.textContent ?? '');
    for (const row of panel.querySelectorAll('tr')) {
      let index = 0;
      for (const cell of row.querySelectorAll('th, td')) {
        const column = labels[index++] ?? '?';
        if (cell.getClientRects().length === 0) continue;
        const text = cell.textContent ?? '';
        const where = { panel: panel.id, column, text };
        if (cell.scrollWidth > cell.clientWidth && (panel.id === strict || cell.title !== text))
          cuts.push({ ...where, problem: `cut by ${cell.scrollWidth - cell.clientWidth} px` });
        const node = cell.firstChild;
        if (panel.id !== strict || node?.nodeType !== 3) continue;
        for (const word of text.matchAll(/[^\s-]+/g)) {
          const range = document.createRange();
          range.setStart(node, word.index);
          range.setEnd(node, word.index + word[0].length);
          const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          if (lines.size > 1) cuts.push({ ...where, problem: `split: ${word[0]}` });
        }
      }
    }
  }
  for (const badge of document.querySelectorAll('.tabs .count')) {
    const text = badge.textContent ?? '';
    if (badge.getClientRects().length > 1)
      cuts.push({ panel: 'tabs', column: 'count', text, problem: `split: ${text}` });
  }
  return cuts;
}

let browser: Browser;
let page: Page;

before(async () => {
  const bundle = await freshBundle();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 900, height: HEIGHT } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  // As text: a function would be sent with the helpers tsx adds to named functions.
  await page.addInitScript(`window.tapiBridge = ((snapshot) => ({
    snapshot: () => Promise.resolve(snapshot),
    onEvents: (listener) => {
      queueMicrotask(() => listener([{ type: 'snapshot', snapshot }]));
      return () => undefined;
    },
    restartLink: () => Promise.resolve(),
    markCallsSeen: () => Promise.resolve(),
  }))(${JSON.stringify(snapshot(Date.now()))});`);
  await page.goto(pathToFileURL(path.join(bundle, 'index.html')).href);
  await page.waitForSelector('#calls tbody tr:nth-child(8)');
  await page.waitForSelector('#cluster .scroll tbody tr:nth-child(2)');
  assert.deepEqual(problems, []);
});
after(() => browser.close());

/** The panels on screen at this width: all at once (wide), or each tab in turn (narrow). */
async function eachShownPanel(width: number, check: (shown: string) => Promise<void>) {
  await page.setViewportSize({ width, height: HEIGHT });
  if (!(await page.locator('.tabs').isVisible())) return check('every panel');
  for (const tab of ['sessions', 'phones', 'calls']) {
    await page.click(`.tabs button[data-tab="${tab}"]`);
    await check(`the ${tab} tab`);
  }
}

test('from the tray window’s narrowest to a desktop browser, no call-log cell is cut off', async () => {
  for (const width of WIDTHS) {
    await eachShownPanel(width, async (shown) => {
      const cuts = (await page.evaluate(cutCells, 'calls')).filter((c) => c.panel === 'calls');
      assert.deepEqual(cuts, [], `${width} px, ${shown}`);
    });
  }
});

test('at those widths the other tables cut nothing either, unless the tooltip has it all', async () => {
  for (const width of WIDTHS) {
    await eachShownPanel(width, async (shown) => {
      const cuts = await page.evaluate(cutCells, 'calls');
      assert.deepEqual(cuts, [], `${width} px, ${shown}`);
    });
  }
});

test('in the narrowest window the duration column goes and the state’s tooltip tells it', async () => {
  await page.setViewportSize({ width: 420, height: HEIGHT });
  await page.click('.tabs button[data-tab="calls"]');
  assert.equal(await page.isVisible('#calls th.c-duration'), false);
  const missed = page.locator('#calls tbody tr.missed').first().locator('td').nth(3);
  assert.equal(await missed.textContent(), 'missed (NOANSWER)');
  assert.match((await missed.getAttribute('title')) ?? '', /^missed \(NOANSWER\), after 35\s+s$/);
  await page.setViewportSize({ width: 520, height: HEIGHT });
  assert.equal(await page.isVisible('#calls th.c-duration'), true);
});
