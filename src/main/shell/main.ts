import path from 'node:path';
import { app, dialog } from 'electron';
import { programDataConfigDir } from './first-run.js';
import { start } from './tray-app.js';

/**
 * The Electron entry (package.json "main"): one instance per user session, started once
 * Electron is ready with Electron's own paths. All the app is in tray-app.ts.
 */

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app
    .whenReady()
    .then(() => {
      const appRoot = app.getAppPath();
      return start({
        argv: process.argv,
        defaultApp: process.defaultApp === true,
        appRoot,
        // Packaged: <install dir>/resources/config; from a checkout: assets/config.
        resourcesDir: app.isPackaged ? process.resourcesPath : path.join(appRoot, 'assets'),
        configDir: programDataConfigDir(),
        exe: process.execPath,
      });
    })
    .catch((error: unknown) => {
      dialog.showErrorBox('Tapi Messenger cannot start', (error as Error).message);
      app.exit(1);
    });
}
