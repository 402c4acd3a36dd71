import type { DashboardBridge } from '../../shared/bridge.js';
import type { BRIDGE_GLOBAL } from '../../shared/ipc-channels.js';
import { SocketBridge } from './socket-bridge.js';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a plain browser. */
    [BRIDGE_GLOBAL]?: DashboardBridge;
  }
}

/** The tray window's preload bridge when there is one, else the dashboard server's WebSocket. */
export function pickBridge(): DashboardBridge {
  return window.tapiBridge ?? new SocketBridge(window.location);
}
