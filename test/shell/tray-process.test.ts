import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { BootReport, BootRequest, IpcAnswer } from '../helpers/electron/boot.js';
import { tempDir } from '../helpers/temp-dir.js';
import {
  BOOT_WAIT_MS,
  browserListens,
  listening,
  ROOT,
  trayFixture,
} from '../helpers/tray-boot.js';

/**
 * The built tray main (dist/main/shell/main.js, what Electron runs) started in its own process
 * under the stand-in as `electron . --config FILE --hidden`, until it exits.
 */

const BOOT = path.join(ROOT, 'test', 'helpers', 'electron', 'boot.ts');
const MAIN = path.join(ROOT, 'dist', 'main', 'shell', 'main.js');

test('the built main: --config FILE --hidden serves, one window, one tray, quits with 0', async (t) => {
  const fx = await trayFixture();
  const appData = await tempDir(t, 'tray-process');
  const connected = fx.sim.waitForConnection(BOOT_WAIT_MS);
  const child = fork(MAIN, ['--config', fx.configFile, '--hidden'], {
    execArgv: ['--import', 'tsx', '--import', BOOT],
    env: { ...process.env, TAPI_STAND_IN_APP_DATA: appData, XDG_CONFIG_HOME: fx.folder },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const ask = async <T>(request: BootRequest): Promise<T> => {
    const reply = once(child, 'message');
    child.send(request);
    return (await reply)[0] as T;
  };
  try {
    await connected;
    const client = await browserListens(fx, 'apex-alice', 'LISTEN 201');
    await client.close();

    const report = await ask<BootReport>({ type: 'report' });
    assert.deepEqual(report.errorBoxes, []);
    assert.equal(report.windows.length, 1);
    const [window] = report.windows;
    assert.deepEqual(
      {
        ...window?.webPreferences,
        preload: path.relative(ROOT, String(Reflect.get(window?.webPreferences ?? {}, 'preload'))),
      },
      {
        preload: path.join('dist', 'preload', 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        spellcheck: false,
      },
    );
    assert.equal(window?.visible, false);
    assert.equal(report.trays.length, 1);
    assert.ok(report.trays[0]?.menu.includes('Restart link'), String(report.trays[0]?.menu));
    assert.ok(report.csp?.[0]?.includes("default-src 'none'"));

    const own = await ask<IpcAnswer>({ type: 'ipc', url: window?.url ?? '' });
    assert.deepEqual(own, {
      snapshot: `http://127.0.0.1:${fx.stompPort}/tapi-messenger`,
      firstEvent: 'snapshot',
    });
    const other = await ask<IpcAnswer>({ type: 'ipc', url: 'https://evil.example/' });
    assert.match('error' in other ? other.error : '', /not the dashboard/);

    child.send({ type: 'quit' } satisfies BootRequest);
    const timeout = AbortSignal.timeout(5000);
    const [code] = await Promise.race([
      exited,
      once(timeout, 'abort').then(() => assert.fail('still running 5 s after app.quit()')),
    ]);
    assert.equal(code, 0);
    assert.equal(await listening(fx.stompPort), false, 'STOMP port released');
    assert.equal(await listening(fx.dashboardPort), false, 'dashboard port released');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await fx.cleanup();
  }
});
