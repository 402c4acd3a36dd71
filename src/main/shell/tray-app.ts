import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, dialog, shell, utilityProcess, type BrowserWindow } from 'electron';
import { ConfigError } from '../config/load-config.js';
import { CoreBridge } from './core/core-bridge.js';
import { CoreSupervisor, type CoreChild } from './core/core-supervisor.js';
import { electronLogging } from './electron-logger.js';
import { registerDashboardIpc } from './ipc.js';
import { LinkAlerts } from './link-alerts.js';
import { LoginItem } from './login-item.js';
import { notify } from './notifications.js';
import { HIDDEN_ARG, QUIT_ARG, parseShellArgs, userArgs, type ShellArgs } from './shell-args.js';
import { loadShellConfig } from './shell-config.js';
import { AgentTray } from './tray.js';
import { TrayStatusTracker } from './tray-status.js';
import { createDashboardWindow, showWindow } from './window.js';

/**
 * The tray app: the agent core runs in a child process (core/core-process.ts) that a
 * supervisor restarts when it dies; this process keeps the tray, the window and its IPC, which
 * reach the core through one `DashboardBridge`. Importing this does nothing; `start(deps)` runs
 * it with everything it needs passed in (main.ts passes Electron's).
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
  /** The core's supervisor: `lost` and `ready` as the core dies and comes back. */
  core: CoreSupervisor;
  /** Dashboard subscriptions open in this process (the window's pages and the tray's). */
  dashboardSubscribers(): number;
}

/** Exit codes, as the CLI's: a configuration that cannot be used, and a start that failed. */
const EXIT_CONFIG = 2;
const EXIT_START = 1;

function appPaths(appRoot: string): {
  rendererDir: string;
  indexHtml: string;
  preload: string;
  assets: string;
  core: string;
} {
  return {
    rendererDir: path.join(appRoot, 'dist', 'renderer'),
    indexHtml: path.join(appRoot, 'dist', 'renderer', 'index.html'),
    preload: path.join(appRoot, 'dist', 'preload', 'preload.cjs'),
    assets: path.join(appRoot, 'assets'),
    core: path.join(appRoot, 'dist', 'main', 'shell', 'core', 'core-process.js'),
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
    if (args.quit) {
      // `--quit` with no tray app running: nothing to quit, nothing to start.
      app.exit(0);
      return null;
    }
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
  const core = new CoreSupervisor({
    fork: (): CoreChild =>
      utilityProcess.fork(paths.core, [], {
        serviceName: 'Tapi Messenger core',
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    startMessage: (view) => ({
      type: 'start',
      config,
      callLogDir: path.join(app.getPath('userData'), 'call-log'),
      rendererDir: paths.rendererDir,
      core: view,
    }),
    logger,
  });
  let ready;
  try {
    ready = await core.start();
  } catch (error) {
    return fail('cannot start', error, EXIT_START);
  }
  logger.info(`browsers connect to ${ready.endpoint}`);
  if (ready.dashboardUrl) logger.info(`dashboard also served on ${ready.dashboardUrl}`);

  const bridge = new CoreBridge(core);
  const dashboardUrl = pathToFileURL(paths.indexHtml).href;
  const stopIpc = registerDashboardIpc(bridge, dashboardUrl, logger);
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
    restartLink: () =>
      void bridge
        .restartLink()
        .catch((error: unknown) => logger.warn(`Restart link: ${(error as Error).message}`)),
    loginStart: () => login.state(),
    setStartAtLogin: (enabled) => login.set(enabled),
    openLogFolder: () => void shell.openPath(path.dirname(logFile())),
    quit: () => app.quit(),
  });
  const icon = (file: string): string => path.join(paths.assets, file);
  const alerts = new LinkAlerts(config.tapi.reconnectMs);
  const status = new TrayStatusTracker();
  const stopTray = bridge.onEvents((events) => {
    const shown = status.apply(events);
    if (!shown) return;
    tray.show(shown);
    // While the core restarts, its own notification says so; the link's would repeat it.
    const alert = status.coreUp ? alerts.next(shown.link) : null;
    if (alert) {
      notify(
        { ...alert, urgent: alert.kind === 'down' },
        icon(alert.kind === 'down' ? 'tray-down.png' : 'tray-connected.png'),
      );
    }
  });
  core.on('lost', ({ code, restartInMs, restarts }) =>
    notify(
      {
        title: 'Tapi Messenger restarted its agent core',
        body:
          `The core stopped unexpectedly (exit code ${code}; restart ${restarts}, ` +
          `in ${(restartInMs / 1000).toFixed(1)} s). Open APEX pages must be reloaded to ` +
          'get screen-pops again; the log has the cause.',
        urgent: true,
      },
      icon('tray-down.png'),
    ),
  );
  core.on('ready', () => logger.info(`the agent core is back (restart ${core.restarts})`));
  if (!args.hidden) window.once('ready-to-show', () => showWindow(window));

  app.on('second-instance', (_event, argv) => {
    if (argv.includes(QUIT_ARG)) app.quit();
    // A login entry starting the app again (`--hidden`) must not pop the window up.
    else if (!argv.includes(HIDDEN_ARG)) showWindow(window);
  });
  // The agent lives in the tray: closing the last window does not quit.
  app.on('window-all-closed', () => undefined);
  let stopping: Promise<void> | null = null;
  app.on('before-quit', (event) => {
    quitting = true;
    if (stopping) return;
    event.preventDefault();
    stopping = (async () => {
      stopTray();
      stopIpc();
      tray.destroy();
      await core.stop();
    })();
    stopping
      .catch((error: unknown) => logger.error(`shutdown: ${(error as Error).message}`))
      .finally(() => app.quit());
  });

  return {
    window,
    endpoint: ready.endpoint,
    dashboardUrl,
    core,
    dashboardSubscribers: () => bridge.subscriptionCount,
  };
}
