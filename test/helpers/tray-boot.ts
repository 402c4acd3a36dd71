import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TapiSimulator } from '../../tools/tapi-simulator.js';
import { listeningClient } from './stomp-clients.js';
import { DIRECTORY } from './harness.js';
import { ROOT } from './builder-config.js';

/**
 * What every boot of the tray app in a test needs: a fake TapiServer, a folder whose name has
 * a space, a config file in it (free ports, the simulator's port, a file directory), and an
 * empty machine-wide config folder.
 */
export interface TrayFixture {
  sim: TapiSimulator;
  folder: string;
  /** `<folder>/my config/tapi messenger.json` */
  configFile: string;
  /** Stands for %ProgramData%\Tapi Messenger. */
  configDir: string;
  /** Electron's userData and logs. */
  userData: string;
  stompPort: number;
  dashboardPort: number;
  cleanup(): Promise<void>;
}

export { ROOT };

/**
 * How long a test waits for the core (a forked process) to come up and reach TapiServer: a
 * failure bound for a loaded machine, not a measurement.
 */
export const BOOT_WAIT_MS = 30_000;

/** A port that was free a moment ago (for configs that must name one). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether something listens on 127.0.0.1:`port`. */
export async function listening(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

export function trayConfig(
  fixture: Pick<TrayFixture, 'sim' | 'folder' | 'stompPort' | 'dashboardPort'>,
): object {
  return {
    server: { host: '127.0.0.1', port: fixture.stompPort, allowedOrigins: ['*'] },
    tapi: { host: '127.0.0.1', port: fixture.sim.port, reconnectMs: 200 },
    directory: { type: 'file', file: path.join(fixture.folder, 'directory.json') },
    dashboard: { host: '127.0.0.1', port: fixture.dashboardPort },
    log: { level: 'warn' },
  };
}

export async function trayFixture(config?: (base: object) => object): Promise<TrayFixture> {
  const folder = await mkdtemp(path.join(tmpdir(), 'tray app '));
  const sim = new TapiSimulator();
  await sim.start();
  const [stompPort, dashboardPort] = [await freePort(), await freePort()];
  const fixture = { sim, folder, stompPort, dashboardPort };
  await writeFile(path.join(folder, 'directory.json'), JSON.stringify(DIRECTORY));
  await mkdir(path.join(folder, 'my config'));
  const configFile = path.join(folder, 'my config', 'tapi messenger.json');
  const base = trayConfig(fixture);
  await writeFile(configFile, JSON.stringify(config ? config(base) : base));
  const configDir = path.join(folder, 'ProgramData', 'Tapi Messenger');
  const userData = path.join(folder, 'userData');
  await mkdir(userData);
  return {
    ...fixture,
    configFile,
    configDir,
    userData,
    async cleanup() {
      await sim.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/**
 * A browser of `apexSession` listens on the tray app's STOMP port; resolves once TapiServer got
 * `expected` (e.g. `LISTEN 201`). Returns the client, still connected.
 */
export async function browserListens(
  fx: Pick<TrayFixture, 'sim' | 'stompPort'>,
  apexSession: string,
  expected: string,
): ReturnType<typeof listeningClient> {
  const listen = fx.sim.waitForLine(expected, BOOT_WAIT_MS);
  const client = await listeningClient(
    `ws://127.0.0.1:${fx.stompPort}/tapi-messenger/websocket`,
    apexSession,
  );
  await listen;
  return client;
}
