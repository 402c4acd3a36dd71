import { BrowserWindow, session } from 'electron';
import { DASHBOARD_CSP } from '../csp.js';

export interface DashboardWindowOptions {
  preload: string;
  indexHtml: string;
  icon?: string;
  /** While false, closing the window only hides it (the agent lives in the tray). */
  quitting(): boolean;
}

/**
 * The dashboard window: sandboxed, context-isolated, no Node in the page, a strict CSP, no
 * navigation away and no pop-ups. Closing hides it.
 */
export function createDashboardWindow(options: DashboardWindowOptions): BrowserWindow {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [DASHBOARD_CSP] },
    });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, grant) =>
    grant(false),
  );
  const window = new BrowserWindow({
    width: 900,
    height: 600,
    minWidth: 420,
    minHeight: 400,
    show: false,
    title: 'Tapi Messenger',
    icon: options.icon,
    autoHideMenuBar: true,
    backgroundColor: '#f3f5f8',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.on('close', (event) => {
    if (options.quitting()) return;
    event.preventDefault();
    window.hide();
  });
  void window.loadFile(options.indexHtml);
  return window;
}

/** Brings the window to the front (from the tray, or a second start of the app). */
export function showWindow(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
