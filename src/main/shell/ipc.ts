import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { DashboardBridge } from '../../shared/bridge.js';
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

/**
 * The main-process side of the dashboard bridge: snapshot and restart as `invoke`, event
 * batches pushed per subscription, all relayed to `bridge` (the supervised core's). Only the
 * dashboard page itself (its file URL) is answered; a page's subscriptions end when it goes
 * (closed, crashed or navigated). Returns a function that removes every handler.
 */
export function registerDashboardIpc(
  bridge: DashboardBridge,
  dashboardUrl: string,
  logger: Logger,
): () => void {
  const subscriptions = new Map<string, () => void>();
  const watched = new Set<WebContents>();
  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent): boolean => {
    const url = event.senderFrame?.url ?? '';
    if (url.split('#')[0] === dashboardUrl) return true;
    logger.warn(
      `dashboard IPC from an unexpected page ignored: ${url.slice(0, 200) || '(unknown)'}`,
    );
    return false;
  };
  const key = (sender: WebContents, subscription: number): string => `${sender.id}:${subscription}`;
  const isSubscription = (value: unknown): value is SubscriptionMessage =>
    typeof value === 'object' &&
    value !== null &&
    Number.isInteger((value as SubscriptionMessage).subscription);
  const endAll = (sender: WebContents): void => {
    const prefix = `${sender.id}:`;
    for (const [id, unsubscribe] of subscriptions) {
      if (!id.startsWith(prefix)) continue;
      unsubscribe();
      subscriptions.delete(id);
    }
  };
  /** Once per page: its subscriptions go with it. */
  const watch = (sender: WebContents): void => {
    if (watched.has(sender)) return;
    watched.add(sender);
    sender.once('destroyed', () => {
      endAll(sender);
      watched.delete(sender);
    });
    sender.on('render-process-gone', () => endAll(sender));
    sender.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) endAll(sender);
    });
  };

  ipcMain.handle(INVOKE.snapshot, (event): Promise<SnapshotResult> => {
    if (!trusted(event)) return Promise.reject(new Error('not the dashboard'));
    return bridge.snapshot();
  });
  ipcMain.handle(INVOKE.restartLink, async (event): Promise<RestartLinkResult> => {
    if (!trusted(event)) return { error: 'not the dashboard' };
    try {
      await bridge.restartLink();
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
    watch(sender);
    subscriptions.set(
      id,
      bridge.onEvents((events) => {
        if (sender.isDestroyed()) return;
        const out: EventsMessage = { subscription: message.subscription, events };
        sender.send(TO_RENDERER.events, out);
      }),
    );
  });
  ipcMain.on(TO_MAIN.callsSeen, (event) => {
    if (trusted(event)) void bridge.markCallsSeen();
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
    ipcMain.removeAllListeners(TO_MAIN.callsSeen);
  };
}
