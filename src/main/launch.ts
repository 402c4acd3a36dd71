import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './cli.js';
import { electronBinary } from './electron-runtime.js';
import { electronCommandLine } from './shell/shell-args.js';

/**
 * `npm start`: the tray app where the Electron runtime is installed, otherwise the headless
 * agent with a one-line explanation.
 */

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
