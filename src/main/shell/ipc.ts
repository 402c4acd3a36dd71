import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import {
  INVOKE,
  TO_MAIN,
  TO_RENDERER,
  type EventsMessage,
  type RestartLinkResult,
  type SnapshotResult,
  type SubscriptionMessage,
} from '../../shared/ipc-channels.js';
import type { Logger } from '../core/log.js';
import type { DashboardHub } from '../dashboard/dashboard-hub.js';

/**
 * The main-process side of the dashboard bridge: snapshot and restart as `invoke`, event
 * batches pushed per subscription. Only the dashboard page itself (its file URL) is answered.
 * Returns a function that removes every handler.
 */
export function registerDashboardIpc(
  hub: DashboardHub,
  dashboardUrl: string,
  logger: Logger,
): () => void {
  const subscriptions = new Map<string, () => void>();
  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent): boolean => {
    const url = event.senderFrame?.url ?? '';
    if (url.split('#')[0] === dashboardUrl) return true;
    logger.warn(`dashboard IPC from an unexpected page ignored: ${url || '(unknown)'}`);
    return false;
  };
  const key = (sender: WebContents, subscription: number): string => `${sender.id}:${subscription}`;
  const isSubscription = (value: unknown): value is SubscriptionMessage =>
    typeof value === 'object' &&
    value !== null &&
    Number.isInteger((value as SubscriptionMessage).subscription);

  ipcMain.handle(INVOKE.snapshot, (event): SnapshotResult => {
    if (!trusted(event)) throw new Error('not the dashboard');
    return hub.snapshot();
  });
  ipcMain.handle(INVOKE.restartLink, (event): RestartLinkResult => {
    if (!trusted(event)) return { error: 'not the dashboard' };
    try {
      hub.restartLink();
      logger.info('dashboard: link restart requested by the operator');
      return { error: null };
    } catch (error) {
      return { error: `the link could not be restarted: ${(error as Error).message}` };
    }
  });
  ipcMain.on(TO_MAIN.subscribe, (event, message: unknown) => {
    if (!trusted(event) || !isSubscription(message)) return;
    const { sender } = event;
    const id = key(sender, message.subscription);
    subscriptions.get(id)?.();
    const unsubscribe = hub.subscribe((events) => {
      if (sender.isDestroyed()) return;
      const out: EventsMessage = { subscription: message.subscription, events };
      sender.send(TO_RENDERER.events, out);
    });
    subscriptions.set(id, unsubscribe);
    sender.once('destroyed', () => {
      unsubscribe();
      subscriptions.delete(id);
    });
  });
  ipcMain.on(TO_MAIN.unsubscribe, (event, message: unknown) => {
    if (!isSubscription(message)) return;
    const id = key(event.sender, message.subscription);
    subscriptions.get(id)?.();
    subscriptions.delete(id);
  });

  return () => {
    for (const unsubscribe of subscriptions.values()) unsubscribe();
    subscriptions.clear();
    ipcMain.removeHandler(INVOKE.snapshot);
    ipcMain.removeHandler(INVOKE.restartLink);
    ipcMain.removeAllListeners(TO_MAIN.subscribe);
    ipcMain.removeAllListeners(TO_MAIN.unsubscribe);
  };
}
