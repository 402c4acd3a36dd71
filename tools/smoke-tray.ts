import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from '../src/main/electron-runtime.js';
import { DASHBOARD_PATHS } from '../src/shared/dashboard-protocol.js';

/**
 * `npm run smoke:tray`, the release check on a build host with Electron's runtime (docs/
 * install-windows.md): starts the real tray app (`electron . --config TEMP --hidden`) on free
 * ports, waits until its dashboard bridge answers with a snapshot, asks it to quit (a second
 * start with `--quit`), and checks that it exited with 0. Without the runtime it says so in one
 * line and exits 0 without claiming anything.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WAIT_MS = 30_000;

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function snapshotAnswered(url: string, until: number): Promise<string> {
  let last = 'no answer';
  while (Date.now() < until) {
    try {
      const response = await fetch(url);
      if (response.ok) return ((await response.json()) as { endpoint: string }).endpoint;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the dashboard bridge did not answer within ${WAIT_MS / 1000} s (${last})`);
}

async function smoke(binary: string): Promise<void> {
  if (!existsSync(path.join(root, 'dist', 'main', 'shell', 'main.js'))) {
    throw new Error('no built app in dist/: run "npm run build" first');
  }
  const folder = await mkdtemp(path.join(tmpdir(), 'tapi-messenger-smoke '));
  const [stomp, dashboard] = [await freePort(), await freePort()];
  const config = path.join(folder, 'smoke config.json');
  await writeFile(
    config,
    JSON.stringify({
      server: { host: '127.0.0.1', port: stomp, allowedOrigins: ['http://127.0.0.1'] },
      dashboard: { host: '127.0.0.1', port: dashboard },
      directory: { type: 'file', file: path.join(folder, 'directory.json') },
    }),
  );
  const app: ChildProcess = spawn(binary, [root, '--config', config, '--hidden'], {
    stdio: 'inherit',
  });
  const exited = once(app, 'exit');
  try {
    const endpoint = await snapshotAnswered(
      `http://127.0.0.1:${dashboard}${DASHBOARD_PATHS.snapshot}`,
      Date.now() + WAIT_MS,
    );
    const quitter = spawn(binary, [root, '--quit'], { stdio: 'inherit' });
    await once(quitter, 'exit');
    const timeout = setTimeout(() => app.kill(), WAIT_MS);
    const [code] = (await exited) as [number | null];
    clearTimeout(timeout);
    if (code !== 0) throw new Error(`the tray app exited with ${String(code)} after --quit`);
    console.log(`smoke:tray: OK (browsers at ${endpoint}, the bridge answered, quit with 0)`);
  } finally {
    if (app.exitCode === null) app.kill();
    await rm(folder, { recursive: true, force: true });
  }
}

const found = electronBinary();
if ('missing' in found) {
  console.log(
    `smoke:tray: not run: Electron's runtime is missing here (${found.missing}); run it on a build host that has it.`,
  );
} else {
  await smoke(found.path).catch((error: unknown) => {
    console.error(`smoke:tray: FAILED: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
