import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent } from '../../src/main/agent.js';
import type { AgentEvent } from '../../src/main/agent-events.js';
import { parseConfig } from '../../src/main/config/load-config.js';
import type { Config } from '../../src/main/config/schema.js';
import { silentLogger, type Logger } from '../../src/main/core/log.js';
import type { Directory } from '../../src/main/core/directory.js';
import { TapiSimulator, type SimulatorOptions } from '../../tools/tapi-simulator.js';
import type { Asset } from '../../src/main/stomp/client-assets.js';

/** The directory most tests use: three users, two of them on phones 201 and 202. */
export const DIRECTORY = {
  sessions: {
    'apex-alice': 'ALICE',
    'apex-alice-2': 'alice',
    'apex-bob': 'BOB',
    'apex-carol': 'CAROL',
  },
  users: { ALICE: '201', BOB: '202' },
};

export interface Harness {
  agent: Agent;
  sim: TapiSimulator;
  /** `http://127.0.0.1:PORT` — what pages pass as `base`. */
  base: string;
  /** The raw STOMP-over-WebSocket endpoint. */
  wsUrl: string;
  directoryFile: string;
  folder: string;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Raw config overrides (validated like a config file). */
  config?: Record<string, unknown>;
  directory?: Directory;
  directoryContents?: unknown;
  logger?: Logger;
  /** Start the simulator before the agent (default true). */
  simulator?: boolean;
  /** How the simulator behaves, e.g. `{ version: 1 }` for a TapiServer without call states. */
  simulatorOptions?: SimulatorOptions;
  /** Extra files the agent serves under `<path>-client/` (the demo page). */
  extraAssets?: ReadonlyMap<string, Asset>;
}

/** A real agent on loopback ports chosen by the OS, a simulator, and a temp directory file. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const folder = await mkdtemp(path.join(tmpdir(), 'tapi-messenger-test-'));
  const directoryFile = path.join(folder, 'directory.json');
  await writeFile(directoryFile, JSON.stringify(options.directoryContents ?? DIRECTORY));
  const sim = new TapiSimulator({ stepMs: 20, ...options.simulatorOptions });
  const simPort = options.simulator === false ? 1 : await sim.start();
  const overrides = options.config ?? {};
  const raw = {
    ...overrides,
    server: {
      host: '127.0.0.1',
      port: 0,
      heartbeatMs: [1000, 1000],
      ...(overrides.server as object | undefined),
    },
    tapi: {
      host: '127.0.0.1',
      port: simPort,
      reconnectMs: 300,
      ...(overrides.tapi as object | undefined),
    },
    directory: { type: 'file', file: directoryFile },
    dashboard: { host: '127.0.0.1', port: 0 },
  };
  const config: Config = parseConfig(raw);
  const connected = options.simulator === false ? Promise.resolve() : sim.waitForConnection();
  const agent = await Agent.start({
    config,
    logger: options.logger ?? silentLogger(),
    directory: options.directory,
    extraAssets: options.extraAssets,
  });
  await connected;
  const base = `http://127.0.0.1:${agent.address.port}`;
  return {
    agent,
    sim,
    base,
    wsUrl: `ws://127.0.0.1:${agent.address.port}${config.server.path}/websocket`,
    directoryFile,
    folder,
    async stop() {
      await agent.stop();
      await sim.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** Listens to one type of the agent's events; returns the unsubscribe function. */
export function onAgentEvent<K extends AgentEvent['type']>(
  agent: Agent,
  type: K,
  listener: (event: Extract<AgentEvent, { type: K }>) => void,
): () => void {
  return agent.on('event', (event) => {
    if (event.type === type) listener(event as Extract<AgentEvent, { type: K }>);
  });
}

/** Resolves when `check()` is true, re-checking on each event of `emitter`… or rejects after `timeoutMs`. */
export function waitUntil(
  check: () => boolean,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const started = Date.now();
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }
    }, 5);
  });
}
