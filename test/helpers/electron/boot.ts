import './install.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BridgeEvent } from '../../../src/shared/bridge.js';
import { openPage } from './page.js';
import { app, session, standIn } from './stand-in.js';

/**
 * `node --import tsx --import test/helpers/electron/boot.ts dist/main/shell/main.js …`: the
 * built tray main as Electron would run it (`electron . …`), under the stand-in, in a child
 * process the test forked. `exit()` ends this process; the test asks over the IPC channel what
 * the app made (`report`), drives its page (`ipc`) and quits it (`quit`).
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const appData = process.env.TAPI_STAND_IN_APP_DATA;
if (!appData) throw new Error('set TAPI_STAND_IN_APP_DATA to a folder for userData');
app.exitProcess = true;
app.appPath = root;
app.setPath('userData', appData);
// `electron . --config FILE`: argv is [electron, '.', …] as [node, main.js, …] is here.
Reflect.defineProperty(process, 'defaultApp', { value: true });

export type BootRequest = { type: 'report' } | { type: 'ipc'; url: string } | { type: 'quit' };

export interface BootReport {
  windows: { webPreferences: object; visible: boolean; url: string }[];
  trays: { icon: string; menu: string[] }[];
  errorBoxes: { title: string; content: string }[];
  csp: string[] | undefined;
}

export type IpcAnswer = { snapshot: string; firstEvent: string } | { error: string };

async function answer(request: BootRequest): Promise<BootReport | IpcAnswer | null> {
  switch (request.type) {
    case 'report':
      return {
        windows: standIn.windows.map((w) => ({
          webPreferences: w.options.webPreferences ?? {},
          visible: w.isVisible(),
          url: w.webContents.getURL(),
        })),
        trays: standIn.trays.map((t) => ({
          icon: path.basename(t.image.path),
          menu: t.menu?.items.map((i) => i.label).filter((l) => l !== '') ?? [],
        })),
        errorBoxes: standIn.errorBoxes,
        csp: session.defaultSession.responseHeaders('file:///index.html')[
          'Content-Security-Policy'
        ],
      };
    case 'ipc': {
      const window = standIn.windows[0];
      if (!window) return { error: 'no window' };
      const preload = window.options.webPreferences?.preload ?? '';
      try {
        const bridge = openPage(window.webContents, request.url, preload);
        const snapshot = await bridge.snapshot();
        const events = await new Promise<BridgeEvent[]>((resolve) => bridge.onEvents(resolve));
        return { snapshot: snapshot.endpoint, firstEvent: events[0]?.type ?? '' };
      } catch (error) {
        return { error: (error as Error).message };
      }
    }
    case 'quit':
      app.quit();
      return null;
  }
}

process.on('message', (request: BootRequest) => {
  void answer(request).then((reply) => {
    if (reply) process.send?.(reply);
  });
});
setImmediate(() => app.emitReady());
