import type { BridgeEvent, Snapshot } from './bridge.js';

/**
 * Every IPC channel between the Electron main process and the dashboard's preload. Nobody types
 * a channel name anywhere else; the message types below are what travels on each.
 */

/** The property of `window` where the preload puts the `DashboardBridge`. */
export const BRIDGE_GLOBAL = 'tapiBridge';

/** Renderer → main, answered (`ipcRenderer.invoke` / `ipcMain.handle`). */
export const INVOKE = {
  /** → `Snapshot` */
  snapshot: 'dashboard:snapshot',
  /** → `RestartLinkResult` */
  restartLink: 'dashboard:restart-link',
} as const;

/** Renderer → main, one way (`ipcRenderer.send` / `ipcMain.on`). */
export const TO_MAIN = {
  /** `SubscriptionMessage`: start sending `EventsMessage`s for this subscription. */
  subscribe: 'dashboard:subscribe',
  /** `SubscriptionMessage`: stop. */
  unsubscribe: 'dashboard:unsubscribe',
  /** No payload: the operator has seen the call log (missed-calls count back to 0). */
  callsSeen: 'dashboard:calls-seen',
} as const;

/** Main → renderer (`webContents.send` / `ipcRenderer.on`). */
export const TO_RENDERER = {
  /** `EventsMessage` */
  events: 'dashboard:events',
} as const;

export interface SubscriptionMessage {
  subscription: number;
}

/** The first message of a subscription starts with a `snapshot` event. */
export interface EventsMessage {
  subscription: number;
  events: BridgeEvent[];
}

/** Errors thrown across `invoke` lose their message, so failures travel as data. */
export interface RestartLinkResult {
  error: string | null;
}

export type SnapshotResult = Snapshot;
