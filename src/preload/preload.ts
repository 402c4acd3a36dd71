import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { BridgeEvent, DashboardBridge, Snapshot } from '../shared/bridge.js';
import {
  BRIDGE_GLOBAL,
  INVOKE,
  TO_MAIN,
  TO_RENDERER,
  type EventsMessage,
  type RestartLinkResult,
  type SubscriptionMessage,
} from '../shared/ipc-channels.js';

/**
 * The Electron side of the dashboard bridge: the same `DashboardBridge` as the headless one,
 * over IPC. The page gets only these four functions, never `ipcRenderer`.
 */

const listeners = new Map<number, (events: BridgeEvent[]) => void>();
let nextSubscription = 1;

ipcRenderer.on(TO_RENDERER.events, (_event: IpcRendererEvent, message: EventsMessage) => {
  listeners.get(message.subscription)?.(message.events);
});

const bridge: DashboardBridge = {
  snapshot: () => ipcRenderer.invoke(INVOKE.snapshot) as Promise<Snapshot>,

  onEvents(listener) {
    const message: SubscriptionMessage = { subscription: nextSubscription++ };
    listeners.set(message.subscription, listener);
    ipcRenderer.send(TO_MAIN.subscribe, message);
    return () => {
      listeners.delete(message.subscription);
      ipcRenderer.send(TO_MAIN.unsubscribe, message);
    };
  },

  async restartLink() {
    const result = (await ipcRenderer.invoke(INVOKE.restartLink)) as RestartLinkResult;
    if (result.error !== null) throw new Error(result.error);
  },

  markCallsSeen() {
    ipcRenderer.send(TO_MAIN.callsSeen);
    return Promise.resolve();
  },
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
