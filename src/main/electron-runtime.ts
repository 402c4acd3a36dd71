import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where Electron's runtime is, if this machine has it: `npm start` runs the tray app with it,
 * `npm run smoke:tray` checks the tray app with it. Reads what the electron package's install
 * script records instead of `require('electron')`, which tries to download the runtime when
 * it is missing (npm here does not run install scripts).
 */
export function electronBinary(): { path: string } | { missing: string } {
  let packageDir: string;
  try {
    packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return { missing: 'its install script never downloaded the runtime' };
  const binary = path.join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { path: binary } : { missing: `${binary} does not exist` };
}
