import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, dialog, shell, type BrowserWindow } from 'electron';
import { Agent } from '../agent.js';
import { ConfigError } from '../config/load-config.js';
import type { Logger } from '../core/log.js';
import { CallHistory } from '../dashboard/call-history.js';
import { DashboardHub } from '../dashboard/dashboard-hub.js';
import { DashboardServer } from '../dashboard/dashboard-server.js';
import { electronLogging } from './electron-logger.js';
import { registerDashboardIpc } from './ipc.js';
import { LinkAlerts } from './link-alerts.js';
import { setStartAtLogin, startedHidden, startsAtLogin } from './login-item.js';
import { notify } from './notifications.js';
import { loadShellConfig } from './shell-config.js';
import { AgentTray } from './tray.js';
import { createDashboardWindow, showWindow } from './window.js';

/**
 * The tray app: composes the core (agent, call log, dashboard hub and server) with the
 * Electron parts (tray, window, IPC, notifications, login item). No logic of its own.
 */

const root = app.getAppPath();
const paths = {
  rendererDir: path.join(root, 'dist', 'renderer'),
  indexHtml: path.join(root, 'dist', 'renderer', 'index.html'),
  preload: path.join(root, 'dist', 'preload', 'preload.cjs'),
  assets: path.join(root, 'assets'),
};

/** The icon shown with each kind of link notification. */
const TRAY_ICON_FOR = { down: 'tray-down.png', recovered: 'tray-connected.png' } as const;

let quitting = false;
let window: BrowserWindow | null = null;
let shutdown: (() => Promise<void>) | null = null;

async function start(): Promise<void> {
  const logging = electronLogging('info', (error) =>
    logging.logger.error(`unhandled: ${error.stack ?? error.message}`),
  );
  const { logger, file: logFile } = logging;
  let loaded;
  try {
    loaded = await loadShellConfig(process.argv, logger);
  } catch (error) {
    const what =
      error instanceof ConfigError ? 'configuration error' : 'cannot read its configuration';
    dialog.showErrorBox(`Tapi Messenger: ${what}`, (error as Error).message);
    app.exit(2);
    return;
  }
  const { config } = loaded;
  logging.setLevel(config.log.level);
  logger.info(
    loaded.file ? `configuration from ${loaded.file}` : 'no configuration file: defaults',
  );

  const history = await CallHistory.open({
    folder: path.join(app.getPath('userData'), 'call-log'),
    logger,
  });
  let agent: Agent;
  try {
    agent = await Agent.start({ config, logger, callStore: history });
  } catch (error) {
    dialog.showErrorBox('Tapi Messenger cannot start', (error as Error).message);
    app.exit(1);
    return;
  }
  const hub = new DashboardHub(agent, logger);
  const server = await startServer(agent, hub, config.dashboard, logger);
  const stopIpc = registerDashboardIpc(hub, pathToFileURL(paths.indexHtml).href, logger);

  const win = createDashboardWindow({
    preload: paths.preload,
    indexHtml: paths.indexHtml,
    icon: path.join(paths.assets, 'tray-connected.png'),
    quitting: () => quitting,
  });
  window = win;
  const tray = new AgentTray(paths.assets, {
    openDashboard: () => showWindow(win),
    restartLink: () => agent.restartLink(),
    startsAtLogin,
    setStartAtLogin,
    openLogFolder: () => void shell.openPath(path.dirname(logFile())),
    quit: () => app.quit(),
  });
  const alerts = new LinkAlerts(config.tapi.reconnectMs);
  const showState = (): void => tray.show(agent.link.state(), agent.router.sessions().length);
  showState();
  const stopTray = hub.subscribe(showState);
  const stopAlerts = agent.link.on('state', (link) => {
    const alert = alerts.next(link);
    if (alert) notify(alert, path.join(paths.assets, TRAY_ICON_FOR[alert.kind]));
  });
  if (!startedHidden()) win.once('ready-to-show', () => showWindow(win));

  shutdown = async () => {
    stopAlerts();
    stopTray();
    stopIpc();
    tray.destroy();
    await server?.close();
    hub.close();
    await agent.stop();
  };
}

/** The dashboard port (health, metrics, the page in a browser); the tray app runs without it. */
async function startServer(
  agent: Agent,
  hub: DashboardHub,
  config: Agent['config']['dashboard'],
  logger: Logger,
): Promise<DashboardServer | null> {
  try {
    const server = await DashboardServer.start({
      agent,
      hub,
      config,
      logger,
      rendererDir: paths.rendererDir,
    });
    logger.info(`dashboard also served on ${server.url}`);
    return server;
  } catch (error) {
    logger.warn((error as Error).message);
    return null;
  }
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (window) showWindow(window);
  });
  // The agent lives in the tray: closing the last window does not quit.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    quitting = true;
    const stop = shutdown;
    if (!stop) return;
    shutdown = null;
    event.preventDefault();
    void stop().finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      dialog.showErrorBox('Tapi Messenger cannot start', (error as Error).message);
      app.exit(1);
    });
}
