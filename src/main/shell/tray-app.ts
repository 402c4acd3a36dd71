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
import { LoginItem } from './login-item.js';
import { notify } from './notifications.js';
import { parseShellArgs, userArgs, type ShellArgs } from './shell-args.js';
import { loadShellConfig } from './shell-config.js';
import { AgentTray } from './tray.js';
import { createDashboardWindow, showWindow } from './window.js';

/**
 * The tray app: composes the core (agent, call log, dashboard hub and server) with the
 * Electron parts (tray, window, IPC, notifications, login item). Importing it does nothing;
 * `start(deps)` runs it with everything it needs passed in (main.ts passes Electron's).
 */

export interface TrayAppDeps {
  /** `process.argv` of the Electron main process. */
  argv: readonly string[];
  /** `process.defaultApp`: started as `electron <folder> …` rather than the packaged exe. */
  defaultApp: boolean;
  /** The app's folder (`app.getAppPath()`): dist/, assets/. */
  appRoot: string;
  /** The folder whose `config/` holds the shipped defaults (`process.resourcesPath`). */
  resourcesDir: string;
  /** The machine-wide config folder (ProgramData). */
  configDir: string;
  /** The executable the login entries start (`process.execPath`). */
  exe: string;
}

/** What a running tray app offers its caller (main.ts needs nothing; tests look inside). */
export interface TrayApp {
  window: BrowserWindow;
  /** Browser-facing endpoint of the agent, e.g. `http://127.0.0.1:8081/tapi-messenger`. */
  endpoint: string;
  /** The dashboard page's URL in the window (IPC is answered for it alone). */
  dashboardUrl: string;
  /** Dashboard subscriptions open (the window's, the tray's, browsers'). */
  dashboardSubscribers(): number;
}

/** The icon shown with each kind of link notification. */
const TRAY_ICON_FOR = { down: 'tray-down.png', recovered: 'tray-connected.png' } as const;

/** Exit codes, as the CLI's: a configuration that cannot be used, and a start that failed. */
const EXIT_CONFIG = 2;
const EXIT_START = 1;

function appPaths(appRoot: string): {
  rendererDir: string;
  indexHtml: string;
  preload: string;
  assets: string;
} {
  return {
    rendererDir: path.join(appRoot, 'dist', 'renderer'),
    indexHtml: path.join(appRoot, 'dist', 'renderer', 'index.html'),
    preload: path.join(appRoot, 'dist', 'preload', 'preload.cjs'),
    assets: path.join(appRoot, 'assets'),
  };
}

/** Shows one error box and exits with `code`; returns null for the caller to pass on. */
function fail(title: string, error: unknown, code: number): null {
  dialog.showErrorBox(`Tapi Messenger: ${title}`, (error as Error).message);
  app.exit(code);
  return null;
}

/**
 * Runs the tray app (call after `app.whenReady()`). Returns null when it could not start: an
 * error box was shown and `app.exit()` called with 2 (configuration) or 1 (anything else),
 * and nothing was left running.
 */
export async function start(deps: TrayAppDeps): Promise<TrayApp | null> {
  const logging = electronLogging('info', (error) =>
    logging.logger.error(`unhandled: ${error.stack ?? error.message}`),
  );
  const { logger, file: logFile } = logging;
  let args: ShellArgs;
  let loaded;
  try {
    args = parseShellArgs(userArgs(deps.argv, deps.defaultApp));
    loaded = await loadShellConfig(args.config, deps, logger);
  } catch (error) {
    const what =
      error instanceof ConfigError ? 'configuration error' : 'cannot read its configuration';
    return fail(what, error, EXIT_CONFIG);
  }
  const { config } = loaded;
  logging.setLevel(config.log.level);
  logger.info(
    loaded.file ? `configuration from ${loaded.file}` : 'no configuration file: defaults',
  );

  const paths = appPaths(deps.appRoot);
  let agent: Agent;
  try {
    const history = await CallHistory.open({
      folder: path.join(app.getPath('userData'), 'call-log'),
      logger,
    });
    agent = await Agent.start({ config, logger, callStore: history });
  } catch (error) {
    return fail('cannot start', error, EXIT_START);
  }
  const hub = new DashboardHub(agent, logger);
  const server = await startServer(agent, hub, config.dashboard, paths.rendererDir, logger);
  const dashboardUrl = pathToFileURL(paths.indexHtml).href;
  const stopIpc = registerDashboardIpc(hub, dashboardUrl, logger);

  let quitting = false;
  const window = createDashboardWindow({
    preload: paths.preload,
    indexHtml: paths.indexHtml,
    icon: path.join(paths.assets, 'tray-connected.png'),
    quitting: () => quitting,
  });
  const login = new LoginItem(app, deps.exe);
  if (login.removeDuplicate()) {
    logger.info('start at login: removed a per-user entry beside the machine-wide one');
  }
  const tray = new AgentTray(paths.assets, {
    openDashboard: () => showWindow(window),
    restartLink: () => agent.restartLink(),
    loginStart: () => login.state(),
    setStartAtLogin: (enabled) => login.set(enabled),
    openLogFolder: () => void shell.openPath(path.dirname(logFile())),
    quit: () => app.quit(),
  });
  const alerts = new LinkAlerts(config.tapi.reconnectMs);
  const showState = (): void =>
    tray.show({ link: agent.link.state(), sessions: agent.router.sessions().length });
  showState();
  const stopTray = hub.subscribe(showState);
  const stopAlerts = agent.link.on('state', (link) => {
    const alert = alerts.next(link);
    if (alert) notify(alert, path.join(paths.assets, TRAY_ICON_FOR[alert.kind]));
  });
  if (!args.hidden) window.once('ready-to-show', () => showWindow(window));

  app.on('second-instance', (_event, argv) => {
    // A login entry starting the app again (`--hidden`) must not pop the window up.
    if (!argv.includes('--hidden')) showWindow(window);
  });
  // The agent lives in the tray: closing the last window does not quit.
  app.on('window-all-closed', () => undefined);
  let stopping: Promise<void> | null = null;
  app.on('before-quit', (event) => {
    quitting = true;
    if (stopping) return;
    event.preventDefault();
    stopping = (async () => {
      stopAlerts();
      stopTray();
      stopIpc();
      tray.destroy();
      await server?.close();
      hub.close();
      await agent.stop();
    })();
    stopping
      .catch((error: unknown) => logger.error(`shutdown: ${(error as Error).message}`))
      .finally(() => app.quit());
  });

  return {
    window,
    endpoint: agent.endpoint,
    dashboardUrl,
    dashboardSubscribers: () => hub.subscriberCount,
  };
}

/** The dashboard port (health, metrics, the page in a browser); the tray app runs without it. */
async function startServer(
  agent: Agent,
  hub: DashboardHub,
  config: Agent['config']['dashboard'],
  rendererDir: string,
  logger: Logger,
): Promise<DashboardServer | null> {
  try {
    const server = await DashboardServer.start({ agent, hub, config, logger, rendererDir });
    logger.info(`dashboard also served on ${server.url}`);
    return server;
  } catch (error) {
    logger.warn((error as Error).message);
    return null;
  }
}
