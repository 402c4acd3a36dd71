import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent } from '../../src/main/agent.js';
import { parseConfig } from '../../src/main/config/load-config.js';
import { silentLogger, type Logger } from '../../src/main/core/log.js';
import { CallHistory } from '../../src/main/storage/call-history.js';
import { DashboardServer } from '../../src/main/dashboard/dashboard-server.js';
import { TapiSimulator } from '../../tools/tapi-simulator.js';
import { buildRenderer } from '../../tools/build-dashboard.js';

let bundle: Promise<string> | null = null;

/** The dashboard bundle built from the current sources, once per test process. */
export function freshBundle(): Promise<string> {
  bundle ??= mkdtemp(path.join(tmpdir(), 'tm-bundle-')).then((dir) => buildRenderer(dir));
  return bundle;
}

export interface DashboardHarness {
  sim: TapiSimulator;
  agent: Agent;
  dashboard: DashboardServer;
  history: CallHistory;
  /** The dashboard page, e.g. `http://127.0.0.1:PORT/`. */
  url: string;
  /** Raw STOMP-over-WebSocket endpoint for browser-like clients. */
  wsUrl: string;
  /** Temp folder: directory.json, the call log in `data/`. */
  folder: string;
  /** Stops the agent and dashboard (keeps the simulator and folder: `restart()` may follow). */
  stopAgent(): Promise<void>;
  /** Starts a new agent + dashboard on the same folder (the call log is read again). */
  restart(): Promise<DashboardHarness>;
  stop(): Promise<void>;
}

export interface DashboardHarnessOptions {
  directory?: unknown;
  reconnectMs?: number;
  maxBytes?: number;
  logger?: Logger;
  /** Reuse a folder and simulator (restart). */
  reuse?: { folder: string; sim: TapiSimulator };
}

export const DASHBOARD_DIRECTORY = {
  sessions: { s1: 'ALICE', s2: 'alice', s3: 'BOB', s4: 'CAROL' },
  users: { ALICE: '201', BOB: '202' },
};

/** Simulator, agent with a file directory and a persisted call log, dashboard server: all on ports 0. */
export async function startDashboardHarness(
  options: DashboardHarnessOptions = {},
): Promise<DashboardHarness> {
  const folder = options.reuse?.folder ?? (await mkdtemp(path.join(tmpdir(), 'tm-dash-')));
  const directoryFile = path.join(folder, 'directory.json');
  if (!options.reuse) {
    await writeFile(directoryFile, JSON.stringify(options.directory ?? DASHBOARD_DIRECTORY));
  }
  const sim = options.reuse?.sim ?? new TapiSimulator();
  const simPort = options.reuse ? sim.port : await sim.start();
  const logger = options.logger ?? silentLogger();
  const config = parseConfig({
    server: { host: '127.0.0.1', port: 0 },
    tapi: { host: '127.0.0.1', port: simPort, reconnectMs: options.reconnectMs ?? 500 },
    directory: { type: 'file', file: directoryFile },
    dashboard: { host: '127.0.0.1', port: 0 },
  });
  const history = await CallHistory.open({
    folder: path.join(folder, 'data'),
    logger,
    maxBytes: options.maxBytes,
  });
  const connected = sim.waitForConnection();
  const agent = await Agent.start({ config, logger, callStore: history });
  await connected;
  const dashboard = await DashboardServer.start({
    agent,
    config: config.dashboard,
    logger,
    rendererDir: await freshBundle(),
  });
  let stopped = false;
  const stopAgent = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await dashboard.close();
    await agent.stop();
  };
  return {
    sim,
    agent,
    dashboard,
    history,
    url: `http://127.0.0.1:${dashboard.address.port}/`,
    wsUrl: `ws://127.0.0.1:${agent.address.port}${config.server.path}/websocket`,
    folder,
    stopAgent,
    restart: () => startDashboardHarness({ ...options, reuse: { folder, sim } }),
    async stop() {
      await stopAgent();
      await sim.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
