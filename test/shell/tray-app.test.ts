import '../helpers/electron/install.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BridgeEvent } from '../../src/shared/bridge.js';
import { DASHBOARD_CSP } from '../../src/main/csp.js';
import { openPage } from '../helpers/electron/page.js';
import {
  app,
  session,
  standIn,
  StandInBrowserWindow,
  StandInEvent,
} from '../helpers/electron/stand-in.js';
import type { CoreLost } from '../../src/main/shell/core/core-supervisor.js';
import {
  BOOT_WAIT_MS,
  browserListens,
  listening,
  ROOT,
  trayFixture,
  type TrayFixture,
} from '../helpers/tray-boot.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * The tray app's wiring, booted in this process under the Electron stand-in: the real
 * tray-app.ts over a real agent on free ports and a fake TapiServer.
 */

const { start } = await import('../../src/main/shell/tray-app.js');
type TrayApp = NonNullable<Awaited<ReturnType<typeof start>>>;

const PRELOAD = path.join(ROOT, 'dist', 'preload', 'preload.cjs');
const EXE = 'C:\\Program Files\\Tapi Messenger\\Tapi Messenger.exe';
/** electron-log picks its file once per process: one %APPDATA% folder for every boot here. */
const APP_DATA = await tempDir({ after }, 'tray-app-data');

interface Boot {
  tray: TrayApp | null;
  exited: Promise<number>;
}

/** Boots the app as the packaged exe started with `args`. */
async function boot(
  fx: TrayFixture,
  args: string[],
  launchItems: typeof app.launchItems = [],
): Promise<Boot> {
  standIn.reset();
  app.launchItems = launchItems;
  app.appPath = ROOT;
  app.setPath('userData', APP_DATA);
  const exited = once(app, 'stand-in-exit').then(([code]) => code as number);
  app.emitReady();
  const tray = await start({
    argv: [EXE, ...args],
    defaultApp: false,
    appRoot: ROOT,
    resourcesDir: path.join(ROOT, 'assets'),
    configDir: fx.configDir,
    exe: EXE,
  });
  return { tray, exited };
}

function only<T>(items: readonly T[], what: string): T {
  assert.equal(items.length, 1, `one ${what}`);
  return items[0] as T;
}

/** Resolves when the tray icon is `file` (it follows the link's state). */
async function trayIcon(file: string): Promise<void> {
  const tray = only(standIn.trays, 'tray');
  while (path.basename(tray.image.path) !== file) await once(tray, 'stand-in-image');
}

describe('booted with --config "<path with spaces>" --hidden', () => {
  let fx: TrayFixture;
  let booted: Boot;
  let tray: TrayApp;
  let window: StandInBrowserWindow;

  before(async () => {
    fx = await trayFixture();
    const connected = fx.sim.waitForConnection(BOOT_WAIT_MS);
    booted = await boot(fx, ['--config', fx.configFile, '--hidden']);
    assert.ok(booted.tray, `did not start: ${JSON.stringify(standIn.errorBoxes)}`);
    tray = booted.tray;
    window = only(standIn.windows, 'window');
    await connected;
  });

  after(async () => {
    if (app.exitCode === null) app.quit();
    await booted.exited;
    await fx.cleanup();
  });

  test('serves browsers on the port from the file, and links to its TapiServer', async () => {
    assert.equal(tray.endpoint, `http://127.0.0.1:${fx.stompPort}/tapi-messenger`);
    const client = await browserListens(fx, 'apex-alice', 'LISTEN 201');
    assert.equal(client.reply.listening, true);
    await client.close();
    assert.deepEqual(standIn.errorBoxes, []);
  });

  test('one window: sandboxed, isolated, no Node, its preload and page exist; hidden', () => {
    const prefs = window.options.webPreferences ?? {};
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.ok(prefs.preload && existsSync(prefs.preload), `preload ${prefs.preload}`);
    assert.equal(prefs.preload, PRELOAD);
    const page = window.webContents.getURL();
    assert.equal(page, tray.dashboardUrl);
    assert.ok(existsSync(fileURLToPath(page)), `page ${page}`);
    assert.equal(window.isVisible(), false, '--hidden: tray only');
  });

  test('the page gets the CSP header; navigation, pop-ups and permissions are refused', () => {
    const headers = session.defaultSession.responseHeaders(tray.dashboardUrl);
    assert.deepEqual(headers['Content-Security-Policy'], [DASHBOARD_CSP]);
    assert.equal(window.webContents.tryNavigate('https://evil.example/'), false);
    assert.equal(window.webContents.tryNavigate(tray.dashboardUrl), false);
    assert.deepEqual(window.webContents.tryOpenWindow('https://evil.example/'), { action: 'deny' });
    assert.equal(session.defaultSession.grants('notifications'), false);
  });

  test('closing the window hides it; Open dashboard brings it back', () => {
    window.show();
    window.close();
    assert.equal(window.isDestroyed(), false);
    assert.equal(window.isVisible(), false);
    only(standIn.trays, 'tray').contextMenu().item('Open dashboard').click();
    assert.equal(window.isVisible(), true);
  });

  test('one tray, its menu, and an icon that follows the link', async () => {
    const menu = only(standIn.trays, 'tray').contextMenu();
    assert.deepEqual(
      menu.items.filter((item) => item.type !== 'separator').map((item) => item.label),
      ['Open dashboard', 'Restart link', 'Start at login', 'Open log folder', 'Quit'],
    );
    await trayIcon('tray-connected.png');
    const notified = once(standIn, 'notification');
    await fx.sim.stop();
    await trayIcon('tray-down.png');
    const [alert] = (await notified) as [{ title: string }];
    assert.equal(alert.title, 'TapiServer link down');
    const back = fx.sim.waitForConnection(BOOT_WAIT_MS);
    await fx.sim.start();
    await back;
    await trayIcon('tray-connected.png');
    assert.match(only(standIn.trays, 'tray').toolTip, /TapiServer connected/);
  });

  test('Restart link: TapiServer sees a new connection and the LISTEN again', async () => {
    const client = await browserListens(fx, 'apex-bob', 'LISTEN 202');
    const reconnected = fx.sim.waitForConnection(BOOT_WAIT_MS);
    const relisten = fx.sim.waitForLine('LISTEN 202', BOOT_WAIT_MS);
    const before = fx.sim.connectionCount;
    only(standIn.trays, 'tray').contextMenu().item('Restart link').click();
    await reconnected;
    await relisten;
    assert.equal(fx.sim.connectionCount, before + 1);
    await client.close();
  });

  test('Open log folder opens the folder of the log file', () => {
    only(standIn.trays, 'tray').contextMenu().item('Open log folder').click();
    assert.equal(only(standIn.openedPaths, 'opened path'), path.join(APP_DATA, 'logs'));
  });

  test('IPC: the dashboard page gets snapshot, events and restart', async () => {
    const bridge = openPage(window.webContents, tray.dashboardUrl, PRELOAD);
    const snapshot = await bridge.snapshot();
    assert.equal(snapshot.endpoint, tray.endpoint);
    const subscribers = tray.dashboardSubscribers();
    const first = new Promise<BridgeEvent[]>((resolve) => bridge.onEvents(resolve));
    assert.equal((await first)[0]?.type, 'snapshot');
    assert.equal(tray.dashboardSubscribers(), subscribers + 1);
    await bridge.restartLink();
  });

  test('IPC: any other frame URL is refused and gets no events', async () => {
    const own = openPage(window.webContents, tray.dashboardUrl, PRELOAD);
    for (const url of [
      'https://evil.example/',
      `${tray.dashboardUrl}/../other.html`,
      'file:///C:/x/index.html',
    ]) {
      const frame = new StandInBrowserWindow({ show: false }).webContents;
      const bridge = openPage(frame, url, PRELOAD);
      await assert.rejects(bridge.snapshot(), /not the dashboard/);
      await assert.rejects(bridge.restartLink(), /not the dashboard/);
      const subscribers = tray.dashboardSubscribers();
      bridge.onEvents(() => undefined);
      assert.equal(tray.dashboardSubscribers(), subscribers, url);
      // A round trip through the core after it: anything for the frame would have come first.
      await own.snapshot();
      assert.deepEqual(frame.sent, [], url);
      frame.destroy();
    }
  });

  test('IPC: subscriptions go with the page (closed or navigated)', async () => {
    const subscribers = tray.dashboardSubscribers();
    const page = new StandInBrowserWindow({ show: false });
    await page.loadFile(fileURLToPath(tray.dashboardUrl));
    const bridge = openPage(page.webContents, tray.dashboardUrl, PRELOAD);
    bridge.onEvents(() => undefined);
    bridge.onEvents(() => undefined);
    assert.equal(tray.dashboardSubscribers(), subscribers + 2);
    // A reload or a navigation inside the page ends them as well; an in-page one does not.
    page.webContents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    assert.equal(tray.dashboardSubscribers(), subscribers + 2);
    page.webContents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    assert.equal(tray.dashboardSubscribers(), subscribers);
    openPage(page.webContents, tray.dashboardUrl, PRELOAD).onEvents(() => undefined);
    assert.equal(tray.dashboardSubscribers(), subscribers + 1);
    page.destroy();
    assert.equal(tray.dashboardSubscribers(), subscribers);
  });

  test('a second start shows the window, unless it is a login entry (--hidden)', () => {
    window.hide();
    app.emit('second-instance', new StandInEvent(), [EXE, '--hidden'], 'C:\\', {});
    assert.equal(window.isVisible(), false);
    app.emit('second-instance', new StandInEvent(), [EXE], 'C:\\', {});
    assert.equal(window.isVisible(), true);
  });

  test('a killed core is started again within 2 s; the window stays; the dashboard counts it', async () => {
    const page = openPage(window.webContents, tray.dashboardUrl, PRELOAD);
    const seen: BridgeEvent[] = [];
    const regained = new Promise<void>((resolve) =>
      page.onEvents((events) => {
        seen.push(...events);
        if (events.some((e) => e.type === 'bridge' && e.connected)) resolve();
      }),
    );
    const lost = new Promise<CoreLost>((resolve) => tray.core.once('lost', resolve));
    const back = new Promise((resolve) => tray.core.once('ready', resolve));
    const notified = once(standIn, 'notification');
    const relinked = fx.sim.waitForConnection(BOOT_WAIT_MS);
    const core = standIn.utilityProcesses.at(-1);
    assert.ok(core?.pid, 'the core runs in a child process');
    core.child.kill('SIGKILL');

    const { restartInMs, restarts } = await lost;
    assert.ok(restartInMs <= 2000, `restart scheduled in ${restartInMs} ms`);
    assert.equal(restarts, 1);
    const [notice] = (await notified) as [{ title: string; body: string }];
    assert.match(notice.title, /restarted its agent core/);
    assert.match(notice.body, /reloaded/);
    await back;
    await relinked;
    await regained;
    assert.equal(window.isDestroyed(), false, 'the window stayed up');
    assert.equal(standIn.utilityProcesses.length, 2);
    const lostAt = seen.findIndex((e) => e.type === 'bridge' && !e.connected);
    const snapshot = seen.slice(lostAt).find((e) => e.type === 'snapshot');
    assert.ok(
      lostAt >= 0 && snapshot?.type === 'snapshot',
      JSON.stringify(seen.map((e) => e.type)),
    );
    assert.equal(snapshot.snapshot.core?.restarts, 1);
    assert.match(snapshot.snapshot.core?.lastExit ?? '', /exit code/);

    const client = await browserListens(fx, 'apex-alice', 'LISTEN 201');
    await client.close();
    await trayIcon('tray-connected.png');
  });

  test('Quit: the agent stops, both ports are released, exit code 0', async () => {
    const gone = once(fx.sim, 'disconnect');
    only(standIn.trays, 'tray').contextMenu().item('Quit').click();
    assert.equal(await booted.exited, 0);
    await gone;
    assert.equal(await listening(fx.stompPort), false, 'STOMP port released');
    assert.equal(await listening(fx.dashboardPort), false, 'dashboard port released');
    assert.equal(only(standIn.trays, 'tray').isDestroyed(), true);
  });
});

describe('failing starts leave nothing running', () => {
  test('a config error: one error box naming the file and key, exit 2', async () => {
    const fx = await trayFixture((base) => ({ ...base, tapi: { hots: 'x' } }));
    const { tray, exited } = await boot(fx, ['--hidden', `--config=${fx.configFile}`]);
    assert.equal(tray, null);
    assert.equal(await exited, 2);
    const box = only(standIn.errorBoxes, 'error box');
    assert.match(box.title, /configuration error/);
    assert.ok(box.content.includes(fx.configFile), box.content);
    assert.match(box.content, /tapi\.hots/);
    assert.deepEqual([standIn.windows.length, standIn.trays.length], [0, 0]);
    assert.equal(fx.sim.connectionCount, 0);
    await fx.cleanup();
  });

  test('--config without a file: an error box saying so, exit 2', async () => {
    const fx = await trayFixture();
    const { exited } = await boot(fx, ['--config', '--hidden']);
    assert.equal(await exited, 2);
    assert.match(only(standIn.errorBoxes, 'error box').content, /--config needs a file/);
    await fx.cleanup();
  });

  test('the STOMP port in use: one error box naming the port, exit 1', async () => {
    const fx = await trayFixture();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(fx.stompPort, '127.0.0.1', resolve));
    const { tray, exited } = await boot(fx, ['--config', fx.configFile]);
    assert.equal(tray, null);
    assert.equal(await exited, 1);
    const box = only(standIn.errorBoxes, 'error box');
    assert.match(box.content, new RegExp(`port ${fx.stompPort} is in use`));
    assert.deepEqual([standIn.windows.length, standIn.trays.length], [0, 0]);
    assert.equal(fx.sim.connectionCount, 0);
    assert.equal(await listening(fx.dashboardPort), false, 'no dashboard left listening');
    await new Promise((resolve) => blocker.close(resolve));
    await fx.cleanup();
  });
});

describe('first run and start at login', () => {
  test('the shipped files are copied once; an administrator’s config is never overwritten', async () => {
    const fx = await trayFixture();
    await mkdir(fx.configDir, { recursive: true });
    const edited = await readFile(fx.configFile, 'utf8');
    await writeFile(path.join(fx.configDir, 'tapi-messenger.json'), edited);
    const connected = fx.sim.waitForConnection(BOOT_WAIT_MS);
    const { tray, exited } = await boot(fx, []);
    assert.ok(tray, JSON.stringify(standIn.errorBoxes));
    await connected; // the administrator's file (the simulator's port) is what runs
    assert.equal(await readFile(path.join(fx.configDir, 'tapi-messenger.json'), 'utf8'), edited);
    assert.equal(
      await readFile(path.join(fx.configDir, 'directory.example.json'), 'utf8'),
      await readFile(path.join(ROOT, 'assets', 'config', 'directory.example.json'), 'utf8'),
    );
    assert.equal(only(standIn.windows, 'window').isVisible(), true, 'no --hidden: shown');
    app.quit();
    assert.equal(await exited, 0);
    await fx.cleanup();
  });

  test('the installer’s machine-wide entry: shown ticked and greyed; a per-user duplicate removed', async () => {
    const fx = await trayFixture();
    const run = { path: EXE, args: ['--hidden'], enabled: true, name: 'Tapi Messenger' };
    const booted = await boot(
      fx,
      ['--config', fx.configFile, '--hidden'],
      [
        { ...run, scope: 'machine' },
        { ...run, scope: 'user' },
      ],
    );
    const item = only(standIn.trays, 'tray').contextMenu().item('Start at login');
    assert.equal(item.checked, true);
    assert.equal(item.enabled, false);
    assert.deepEqual(
      app.launchItems.map((i) => i.scope),
      ['machine'],
      'the per-user entry would start a second instance',
    );
    app.quit();
    assert.equal(await booted.exited, 0);
    await fx.cleanup();
  });

  test('without it, the checkbox adds and removes the per-user entry', async () => {
    const fx = await trayFixture();
    const booted = await boot(fx, ['--config', fx.configFile, '--hidden']);
    const menu = (): ReturnType<(typeof standIn.trays)[0]['contextMenu']> =>
      only(standIn.trays, 'tray').contextMenu();
    assert.equal(menu().item('Start at login').checked, false);
    menu().item('Start at login').click();
    assert.deepEqual(app.launchItems, [
      { name: 'Tapi Messenger', path: EXE, args: ['--hidden'], scope: 'user', enabled: true },
    ]);
    assert.equal(menu().item('Start at login').checked, true);
    menu().item('Start at login').click();
    assert.deepEqual(app.launchItems, []);
    // `Tapi Messenger.exe --quit` while it runs (the release check quits it so).
    app.emit('second-instance', new StandInEvent(), [EXE, '--quit'], 'C:\\', {});
    assert.equal(await booted.exited, 0);
    await fx.cleanup();
  });
});
