import { readFileSync } from 'node:fs';
import { compileFunction } from 'node:vm';
import type { DashboardBridge } from '../../../src/shared/bridge.js';
import { BRIDGE_GLOBAL } from '../../../src/shared/ipc-channels.js';
import { ipcMain, type StandInWebContents } from './stand-in.js';

/**
 * A renderer frame for the stand-in: runs the built preload (dist/preload/preload.cjs) the way
 * Electron's sandboxed renderer does, with a `contextBridge` and an `ipcRenderer` of its own
 * that reach `ipcMain` as messages from `url` in `webContents`. Returns what the preload
 * exposed to the page.
 */
export function openPage(
  webContents: StandInWebContents,
  url: string,
  preloadFile: string,
): DashboardBridge {
  const frame = { sender: webContents, url };
  const exposed = new Map<string, unknown>();
  const ipcRenderer = {
    invoke: (channel: string, ...args: unknown[]) => ipcMain.invokeFrom(frame, channel, ...args),
    send: (channel: string, ...args: unknown[]) => ipcMain.sendFrom(frame, channel, ...args),
    on(channel: string, listener: (event: object, ...args: unknown[]) => void) {
      webContents.on('stand-in-sent', (sent: string, ...args: unknown[]) => {
        // structuredClone: what crosses IPC is a copy, as in Electron.
        if (sent === channel) listener({ sender: ipcRenderer }, ...structuredClone(args));
      });
      return ipcRenderer;
    },
  };
  const contextBridge = {
    exposeInMainWorld(key: string, api: unknown) {
      exposed.set(key, api);
    },
  };
  const electron = { ipcRenderer, contextBridge };
  const require = (id: string): unknown => {
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${id}`);
  };
  const module = { exports: {} };
  const code = readFileSync(preloadFile, 'utf8');
  compileFunction(code, ['require', 'module', 'exports'], { filename: preloadFile })(
    require,
    module,
    module.exports,
  );
  const bridge = exposed.get(BRIDGE_GLOBAL);
  if (!bridge) throw new Error(`the preload exposed no ${BRIDGE_GLOBAL}`);
  return bridge as DashboardBridge;
}
