import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Electron from 'electron';

/**
 * A hand-written stand-in for the parts of Electron's main-process API the tray app uses (in
 * the style of electron/fiddle's tests/mocks/electron.ts). Each class implements a `Pick` of
 * Electron's own type from the electron package's electron.d.ts, so a call the real API does
 * not have, or has with other arguments, is a compile error here as in the app.
 *
 * Loaded in place of `electron` by `install.ts` (`mock.module`). What the app did is kept for
 * tests to look at (`standIn.windows`, `standIn.trays`, `standIn.errorBoxes`, …); `reset()`
 * empties it between boots in one test process.
 */

const here = path.dirname(fileURLToPath(import.meta.url));

/** An Electron event: `preventDefault()` and `defaultPrevented`. */
export class StandInEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** Everything the stand-in hands to the app where Electron's type is wider than what we model. */
function as<T>(value: object): T {
  return value as T;
}

// ---------------------------------------------------------------------------------------------
// app

type AppSurface = Pick<
  Electron.App,
  | 'whenReady'
  | 'isReady'
  | 'requestSingleInstanceLock'
  | 'quit'
  | 'exit'
  | 'getPath'
  | 'setPath'
  | 'getAppPath'
  | 'getName'
  | 'getVersion'
  | 'getLoginItemSettings'
  | 'setLoginItemSettings'
>;

export class StandInApp extends EventEmitter implements AppSurface {
  readonly name = 'Tapi Messenger';
  isPackaged = false;
  #ready = false;
  #readyWaiters: (() => void)[] = [];
  #paths = new Map<string, string>();
  /** The registry's Run entries (HKCU and HKLM) as `getLoginItemSettings` reports them. */
  launchItems: Electron.LaunchItems[] = [];
  /** What `exit()` was called with, null until then. */
  exitCode: number | null = null;
  /** Exit the real process on `exit()` (a booted child); in-process tests only record it. */
  exitProcess = false;
  singleInstanceLock = true;
  appPath = process.cwd();

  whenReady(): Promise<void> {
    if (this.#ready) return Promise.resolve();
    return new Promise((resolve) => this.#readyWaiters.push(resolve));
  }

  isReady(): boolean {
    return this.#ready;
  }

  /** The test's part: Electron finished starting. */
  emitReady(): void {
    this.#ready = true;
    this.emit('ready', new StandInEvent(), {});
    for (const resolve of this.#readyWaiters.splice(0)) resolve();
  }

  requestSingleInstanceLock(): boolean {
    return this.singleInstanceLock;
  }

  quit(): void {
    const event = new StandInEvent();
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    for (const window of standIn.windows) if (!window.isDestroyed()) window.close();
    const willQuit = new StandInEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) return;
    this.exit(0);
  }

  exit(exitCode = 0): void {
    if (this.exitCode !== null) return;
    this.exitCode = exitCode;
    this.emit('quit', new StandInEvent(), exitCode);
    this.emit('stand-in-exit', exitCode);
    if (this.exitProcess) process.exit(exitCode);
  }

  getPath(name: Parameters<Electron.App['getPath']>[0]): string {
    let value = this.#paths.get(name);
    if (value === undefined) {
      value = mkdtempSync(path.join(tmpdir(), `electron-stand-in-${name}-`));
      this.#paths.set(name, value);
    }
    return value;
  }

  setPath(name: string, value: string): void {
    this.#paths.set(name, value);
  }

  getAppPath(): string {
    return this.appPath;
  }

  getName(): string {
    return this.name;
  }

  getVersion(): string {
    return '0.0.0-stand-in';
  }

  getLoginItemSettings(options?: Electron.LoginItemSettingsOptions): Electron.LoginItemSettings {
    const args = options?.args ?? [];
    const matching = this.launchItems.filter(
      (item) => item.path === (options?.path ?? process.execPath),
    );
    return {
      openAtLogin: matching.some(
        (item) => item.scope === 'user' && item.args.join(' ') === args.join(' '),
      ),
      executableWillLaunchAtLogin: matching.some((item) => item.enabled),
      launchItems: this.launchItems,
      wasOpenedAtLogin: false,
      status: 'not-registered',
    };
  }

  setLoginItemSettings(settings: Electron.Settings): void {
    const name = settings.name ?? 'com.stand-in.app';
    this.launchItems = this.launchItems.filter(
      (item) => !(item.scope === 'user' && item.name === name),
    );
    if (settings.openAtLogin) {
      this.launchItems.push({
        name,
        path: settings.path ?? process.execPath,
        args: settings.args ?? [],
        scope: 'user',
        enabled: settings.enabled ?? true,
      });
    }
  }

  reset(): void {
    this.removeAllListeners();
    this.#ready = false;
    this.#readyWaiters = [];
    this.launchItems = [];
    this.exitCode = null;
    this.singleInstanceLock = true;
  }
}

// ---------------------------------------------------------------------------------------------
// webContents, BrowserWindow

type WebContentsSurface = Pick<
  Electron.WebContents,
  'id' | 'send' | 'isDestroyed' | 'setWindowOpenHandler' | 'getURL' | 'loadFile'
>;

let nextWebContentsId = 1;

export class StandInWebContents extends EventEmitter implements WebContentsSurface {
  readonly id = nextWebContentsId++;
  /** Everything the main process sent to the page, in order. */
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: Parameters<Electron.WebContents['setWindowOpenHandler']>[0] | null = null;
  #destroyed = false;
  #url = '';

  send(channel: string, ...args: unknown[]): void {
    if (this.#destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args });
    this.emit('stand-in-sent', channel, ...args);
  }

  isDestroyed(): boolean {
    return this.#destroyed;
  }

  setWindowOpenHandler(handler: Parameters<Electron.WebContents['setWindowOpenHandler']>[0]): void {
    this.windowOpenHandler = handler;
  }

  getURL(): string {
    return this.#url;
  }

  loadFile(filePath: string): Promise<void> {
    this.#url = pathToFileURL(filePath).href;
    this.emit('stand-in-loaded', this.#url);
    return Promise.resolve();
  }

  /** The test's part: the page asks to go to `url`; true when the app let it. */
  tryNavigate(url: string): boolean {
    const event = new StandInEvent();
    this.emit('will-navigate', event, url);
    return !event.defaultPrevented;
  }

  /** The test's part: the page calls `window.open(url)`. */
  tryOpenWindow(url: string): Electron.WindowOpenHandlerResponse {
    if (!this.windowOpenHandler) return { action: 'allow' };
    return this.windowOpenHandler(
      as<Electron.HandlerDetails>({ url, frameName: '', features: '', disposition: 'new-window' }),
    );
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.emit('destroyed');
  }
}

type BrowserWindowSurface = Pick<
  Electron.BrowserWindow,
  | 'show'
  | 'hide'
  | 'focus'
  | 'close'
  | 'destroy'
  | 'isDestroyed'
  | 'isVisible'
  | 'isMinimized'
  | 'restore'
  | 'loadFile'
>;

export class StandInBrowserWindow extends EventEmitter implements BrowserWindowSurface {
  readonly webContents = new StandInWebContents();
  #visible: boolean;
  #destroyed = false;
  #minimized = false;

  constructor(readonly options: Electron.BrowserWindowConstructorOptions = {}) {
    super();
    this.#visible = options.show ?? true;
    standIn.windows.push(this);
  }

  static getAllWindows(): StandInBrowserWindow[] {
    return standIn.windows.filter((window) => !window.isDestroyed());
  }

  show(): void {
    this.#visible = true;
    this.#minimized = false;
  }

  hide(): void {
    this.#visible = false;
  }

  focus(): void {}

  isVisible(): boolean {
    return this.#visible;
  }

  isMinimized(): boolean {
    return this.#minimized;
  }

  minimize(): void {
    this.#minimized = true;
  }

  restore(): void {
    this.#minimized = false;
  }

  /** Like Electron: `close` can be prevented; otherwise the window and its page go. */
  close(): void {
    if (this.#destroyed) return;
    const event = new StandInEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroy();
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#visible = false;
    this.webContents.destroy();
    this.emit('closed');
  }

  isDestroyed(): boolean {
    return this.#destroyed;
  }

  async loadFile(filePath: string): Promise<void> {
    await this.webContents.loadFile(filePath);
    // Electron shows a window created with `show: false` only when asked; `ready-to-show`
    // follows the first paint.
    this.emit('ready-to-show', new StandInEvent());
  }
}

// ---------------------------------------------------------------------------------------------
// Tray, Menu, nativeImage

export class StandInNativeImage {
  constructor(readonly path: string) {}
  isEmpty(): boolean {
    return this.path === '';
  }
}

export const nativeImage: Pick<typeof Electron.nativeImage, 'createFromPath'> = {
  createFromPath: (file: string) => as<Electron.NativeImage>(new StandInNativeImage(file)),
};

export class StandInMenuItem {
  readonly label: string;
  readonly type: string;
  checked: boolean;
  readonly enabled: boolean;
  readonly #click: Electron.MenuItemConstructorOptions['click'];

  constructor(options: Electron.MenuItemConstructorOptions) {
    this.label = options.label ?? '';
    this.type = options.type ?? 'normal';
    this.checked = options.checked ?? false;
    this.enabled = options.enabled ?? true;
    this.#click = options.click;
  }

  /** The operator clicks it (a checkbox flips first, as in Electron). */
  click(): void {
    if (!this.enabled) throw new Error(`menu item "${this.label}" is disabled`);
    if (this.type === 'checkbox') this.checked = !this.checked;
    this.#click?.(as<Electron.MenuItem>(this), undefined, as<Electron.KeyboardEvent>({}));
  }
}

export class StandInMenu {
  constructor(readonly items: StandInMenuItem[]) {}

  static buildFromTemplate(
    template: (Electron.MenuItemConstructorOptions | Electron.MenuItem)[],
  ): Electron.Menu {
    const items = template.map(
      (item) => new StandInMenuItem(item as Electron.MenuItemConstructorOptions),
    );
    return as<Electron.Menu>(new StandInMenu(items));
  }

  /** The item labelled `label`; throws naming the labels there are. */
  item(label: string): StandInMenuItem {
    const found = this.items.find((item) => item.label === label);
    if (!found) {
      throw new Error(`no menu item "${label}" in ${this.items.map((i) => i.label).join(', ')}`);
    }
    return found;
  }
}

type TraySurface = Pick<
  Electron.Tray,
  'setImage' | 'setToolTip' | 'setContextMenu' | 'destroy' | 'isDestroyed'
>;

export class StandInTray extends EventEmitter implements TraySurface {
  image: StandInNativeImage;
  toolTip = '';
  menu: StandInMenu | null = null;
  #destroyed = false;

  constructor(image: Electron.NativeImage | string) {
    super();
    this.image = typeof image === 'string' ? new StandInNativeImage(image) : stand(image);
    standIn.trays.push(this);
  }

  setImage(image: Electron.NativeImage | string): void {
    this.image = typeof image === 'string' ? new StandInNativeImage(image) : stand(image);
    this.emit('stand-in-image', this.image);
  }

  setToolTip(toolTip: string): void {
    this.toolTip = toolTip;
  }

  setContextMenu(menu: Electron.Menu | null): void {
    this.menu = menu === null ? null : (menu as unknown as StandInMenu);
  }

  destroy(): void {
    this.#destroyed = true;
  }

  isDestroyed(): boolean {
    return this.#destroyed;
  }

  /** The current context menu; throws when the app set none. */
  contextMenu(): StandInMenu {
    if (!this.menu) throw new Error('the tray has no context menu');
    return this.menu;
  }
}

function stand(image: Electron.NativeImage): StandInNativeImage {
  return image as unknown as StandInNativeImage;
}

// ---------------------------------------------------------------------------------------------
// ipcMain

type IpcMainSurface = Pick<Electron.IpcMain, 'handle' | 'removeHandler'>;
type InvokeHandler = Parameters<Electron.IpcMain['handle']>[1];

/** A renderer frame as the main process sees it in an IPC event. */
export interface StandInFrame {
  sender: StandInWebContents;
  url: string;
}

export class StandInIpcMain extends EventEmitter implements IpcMainSurface {
  readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, listener: InvokeHandler): void {
    if (this.handlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    }
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** `ipcRenderer.invoke` from `frame`: rejects like Electron when nothing handles it. */
  async invokeFrom(frame: StandInFrame, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(as<Electron.IpcMainInvokeEvent>(ipcEvent(frame)), ...args);
  }

  /** `ipcRenderer.send` from `frame`. */
  sendFrom(frame: StandInFrame, channel: string, ...args: unknown[]): void {
    this.emit(channel, as<Electron.IpcMainEvent>(ipcEvent(frame)), ...args);
  }
}

function ipcEvent(frame: StandInFrame): object {
  return {
    ...new StandInEvent(),
    sender: frame.sender,
    senderFrame: { url: frame.url },
    processId: 1,
    frameId: 1,
  };
}

// ---------------------------------------------------------------------------------------------
// session, Notification, dialog, shell

type HeadersListener = Parameters<Electron.WebRequest['onHeadersReceived']>[0];
type PermissionHandler = Parameters<Electron.Session['setPermissionRequestHandler']>[0];

export class StandInSession {
  headersListener: HeadersListener = null;
  permissionHandler: PermissionHandler = null;
  readonly webRequest: Pick<Electron.WebRequest, 'onHeadersReceived'> = {
    // Electron's two forms: (listener) and (filter, listener); a filter is not modelled.
    onHeadersReceived: (
      first: Electron.WebRequestFilter | HeadersListener,
      second?: HeadersListener,
    ) => {
      this.headersListener =
        typeof first === 'function' || first === null ? first : (second ?? null);
    },
  };

  setPermissionRequestHandler(handler: PermissionHandler): void {
    this.permissionHandler = handler;
  }

  /** The headers a response from `url` reaches the page with. */
  responseHeaders(url: string, headers: Record<string, string[]> = {}): Record<string, string[]> {
    const listener = this.headersListener;
    if (!listener) return headers;
    let result: Record<string, string | string[]> = headers;
    listener(
      as<Electron.OnHeadersReceivedListenerDetails>({ url, responseHeaders: headers }),
      (r) => {
        result = r.responseHeaders ?? headers;
      },
    );
    return Object.fromEntries(
      Object.entries(result).map(([key, value]) => [key, Array.isArray(value) ? value : [value]]),
    );
  }

  /** Whether the app grants `permission` to a page. */
  grants(permission: string): boolean {
    let granted = true;
    this.permissionHandler?.(
      as<Electron.WebContents>({}),
      permission as 'notifications',
      (answer) => {
        granted = answer;
      },
      as<Electron.PermissionRequest>({}),
    );
    return granted;
  }
}

export const session = {
  defaultSession: new StandInSession(),
};

export class StandInNotification extends EventEmitter {
  constructor(readonly options: Electron.NotificationConstructorOptions = {}) {
    super();
  }

  static isSupported(): boolean {
    return true;
  }

  show(): void {
    standIn.notifications.push(this.options);
    standIn.emit('notification', this.options);
  }
}

export const dialog: Pick<typeof Electron.dialog, 'showErrorBox'> = {
  showErrorBox(title: string, content: string): void {
    standIn.errorBoxes.push({ title, content });
    standIn.emit('error-box', { title, content });
  },
};

export const shell: Pick<typeof Electron.shell, 'openPath'> = {
  openPath(file: string): Promise<string> {
    standIn.openedPaths.push(file);
    return Promise.resolve('');
  },
};

// ---------------------------------------------------------------------------------------------
// utilityProcess, backed by child_process.fork

/** Makes `process.parentPort` in the child, as Electron's utility process has it. */
const PARENT_PORT_SHIM = pathToFileURL(path.join(here, 'parent-port.ts')).href;

type UtilityProcessSurface = Pick<Electron.UtilityProcess, 'postMessage' | 'kill'>;

export class StandInUtilityProcess extends EventEmitter implements UtilityProcessSurface {
  readonly child: ChildProcess;

  constructor(modulePath: string, args: string[] = [], options: Electron.ForkOptions = {}) {
    super();
    // Electron's form: a string for stdout and stderr, or [stdin (ignore), stdout, stderr].
    type Stdio = 'pipe' | 'ignore' | 'inherit';
    const given = options.stdio ?? [];
    const [, stdout = 'inherit', stderr = 'inherit'] = (
      typeof given === 'string' ? ['ignore', given, given] : given
    ) as Stdio[];
    this.child = fork(modulePath, args, {
      cwd: options.cwd,
      env: options.env ? ({ ...options.env } as NodeJS.ProcessEnv) : undefined,
      execArgv: ['--import', 'tsx', '--import', PARENT_PORT_SHIM, ...(options.execArgv ?? [])],
      stdio: ['ignore', stdout, stderr, 'ipc'],
      serialization: 'advanced',
    });
    this.child.on('spawn', () => this.emit('spawn'));
    this.child.on('message', (message) => this.emit('message', message));
    // Electron reports a signal death as a code too (the platform's exit status).
    this.child.on('exit', (code, signal) => this.emit('exit', code ?? (signal ? 1 : 0)));
    standIn.utilityProcesses.push(this);
  }

  get pid(): number | undefined {
    return this.child.exitCode === null && this.child.signalCode === null
      ? this.child.pid
      : undefined;
  }

  get stdout(): NodeJS.ReadableStream | null {
    return this.child.stdout;
  }

  get stderr(): NodeJS.ReadableStream | null {
    return this.child.stderr;
  }

  postMessage(message: unknown): void {
    if (this.child.connected) this.child.send(message as object);
  }

  kill(): boolean {
    return this.child.kill('SIGTERM');
  }
}

export const utilityProcess = {
  fork(
    modulePath: string,
    args?: string[],
    options?: Electron.ForkOptions,
  ): Electron.UtilityProcess {
    return as<Electron.UtilityProcess>(new StandInUtilityProcess(modulePath, args, options));
  },
};

// ---------------------------------------------------------------------------------------------
// the module, and what the app did

class StandInState extends EventEmitter {
  readonly windows: StandInBrowserWindow[] = [];
  readonly trays: StandInTray[] = [];
  readonly notifications: Electron.NotificationConstructorOptions[] = [];
  readonly errorBoxes: { title: string; content: string }[] = [];
  readonly openedPaths: string[] = [];
  readonly utilityProcesses: StandInUtilityProcess[] = [];

  /** Forget every window, tray, handler and record (between boots in one test process). */
  reset(): void {
    for (const child of this.utilityProcesses) child.child.kill('SIGKILL');
    this.windows.length = 0;
    this.trays.length = 0;
    this.notifications.length = 0;
    this.errorBoxes.length = 0;
    this.openedPaths.length = 0;
    this.utilityProcesses.length = 0;
    app.reset();
    ipcMain.removeAllListeners();
    ipcMain.handlers.clear();
    session.defaultSession = new StandInSession();
  }
}

export const standIn = new StandInState();
export const app = new StandInApp();
export const ipcMain = new StandInIpcMain();
export const webContents = {
  getAllWebContents: (): StandInWebContents[] =>
    standIn.windows.filter((w) => !w.isDestroyed()).map((w) => w.webContents),
};

/** The `electron` module as the app imports it. */
export const electronModule = {
  app,
  BrowserWindow: StandInBrowserWindow,
  Tray: StandInTray,
  Menu: StandInMenu,
  MenuItem: StandInMenuItem,
  nativeImage,
  ipcMain,
  webContents,
  get session() {
    return session;
  },
  Notification: StandInNotification,
  dialog,
  shell,
  utilityProcess,
};

// The names the app imports (`import { BrowserWindow, Tray } from 'electron'`).
export {
  StandInBrowserWindow as BrowserWindow,
  StandInTray as Tray,
  StandInMenu as Menu,
  StandInMenuItem as MenuItem,
  StandInNotification as Notification,
};
export default electronModule;
