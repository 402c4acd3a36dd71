import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './cli.js';
import { electronCommandLine } from './shell/shell-args.js';

/**
 * `npm start`: the tray app where the Electron runtime is installed, otherwise the headless
 * agent with a one-line explanation (DEVELOPERS.md).
 */
function electronBinary(): { path: string } | { missing: string } {
  // Read what electron's install script records instead of `require('electron')`, which
  // tries to download the runtime when it is missing (npm here does not run install scripts).
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

const found = electronBinary();
const argv = process.argv.slice(2);
if ('path' in found && process.env.TAPI_MESSENGER_HEADLESS !== '1') {
  const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const child = spawn(found.path, electronCommandLine(appDir, argv), { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
} else {
  const why =
    'path' in found
      ? 'TAPI_MESSENGER_HEADLESS=1'
      : `Electron runtime not available (${found.missing})`;
  console.log(
    `Starting headless: ${why}. The dashboard is served to your browser instead of a tray window.`,
  );
  process.exit(await main(argv));
}
