#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { realpathSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Config } from './config/schema.js';
import { ConfigError, findAndLoadConfig, loadConfigFile } from './config/load-config.js';
import { consoleLogger } from './core/log.js';
import { createDirectory } from './directory/create-directory.js';
import { Agent } from './agent.js';
import { CallHistory } from './storage/call-history.js';
import { DashboardServer } from './dashboard/dashboard-server.js';
import { headlessDataDir } from './storage/data-dir.js';
import { exitOnUnexpectedError } from './exit-on-unexpected.js';
import { shutDownWithin } from './shutdown-deadline.js';

/**
 * `tapi-messenger`: the headless shell (docs/protocol.md §5). Composes the core, prints where it listens
 * and the TapiServer link state, and shuts down cleanly on SIGINT/SIGTERM.
 */

const USAGE = `usage:
  tapi-messenger [--config FILE]              run the agent until SIGINT/SIGTERM
  tapi-messenger --check-config FILE          validate a config file (exit 0 or 2)
  tapi-messenger --check-directory SESSION [--config FILE]
                                              print what an APEX session resolves to`;

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        'check-config': { type: 'string' },
        'check-directory': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args['check-config'] !== undefined) return checkConfig(args['check-config']);
  let loaded;
  try {
    loaded = findAndLoadConfig(args.config);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  if (args['check-directory'] !== undefined)
    return checkDirectory(loaded.config, args['check-directory']);
  return run(loaded.config, loaded.file);
}

function checkConfig(file: string): number {
  try {
    const { config } = loadConfigFile(file);
    console.log(
      `${file}: OK (STOMP on ${config.server.host}:${config.server.port}${config.server.path}, ` +
        `TapiServer ${config.tapi.host}:${config.tapi.port}, directory ${config.directory.type})`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

async function checkDirectory(config: Config, session: string): Promise<number> {
  const logger = consoleLogger('warn');
  let directory;
  try {
    directory = await createDirectory(config.directory, logger);
  } catch (error) {
    console.error(`cannot open the directory: ${(error as Error).message}`);
    return 2;
  }
  try {
    const result = await directory.resolve(session);
    const state = directory.state();
    console.log(`directory: ${state.type} (${state.source}), health ${state.health}`);
    switch (result.kind) {
      case 'found':
        console.log(`APEX session ${session} → user ${result.user}, phone ${result.phone}`);
        return 0;
      case 'no-phone':
        console.log(`APEX session ${session} → user ${result.user}, who has no phone (NO_PHONE)`);
        return 1;
      case 'not-found':
        console.log(`APEX session ${session} is not known (SESSION_NOT_FOUND)`);
        return 1;
      case 'unavailable':
        console.log(`the directory could not answer (DIRECTORY_UNAVAILABLE): ${result.reason}`);
        return 3;
    }
  } finally {
    await directory.close();
  }
}

/** Resolves with the first SIGINT/SIGTERM; listening from the start, so no signal is missed. */
function shutdownSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** How long SIGINT/SIGTERM may take before the agent exits anyway (code 1, cause logged). */
const SHUTDOWN_LIMIT_MS = 5_000;

async function run(config: Config, file: string | null): Promise<number> {
  const signal = shutdownSignal();
  const logger = consoleLogger(config.log.level);
  // An error nothing contained: its cause on stderr, then a non-zero exit for whatever runs
  // the agent (Windows service recovery, docs/install-windows.md) to start it again.
  exitOnUnexpectedError((text) => writeSync(2, `${new Date().toISOString()} ERROR ${text}\n`));
  logger.info(file ? `configuration from ${file}` : 'no configuration file: using the defaults');
  let agent: Agent;
  let history: CallHistory;
  let dashboard: DashboardServer | null = null;
  try {
    history = await CallHistory.open({ folder: headlessDataDir(), logger });
    agent = await Agent.start({ config, logger, callStore: history });
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  try {
    dashboard = await DashboardServer.start({ agent, config: config.dashboard, logger });
  } catch (error) {
    // Screen-pops matter more than the dashboard: run on without it, and say so.
    logger.error((error as Error).message);
  }
  console.log(`Tapi Messenger listening on ${agent.endpoint}`);
  console.log(
    dashboard
      ? `Dashboard: ${dashboard.url} (call log in ${history.folder})`
      : 'Dashboard: not started (see the error above); the agent runs without it',
  );
  const { tapi } = config;
  console.log(
    `TapiServer link: ${agent.summary().link.status} to ${tapi.host}:${tapi.port} (retry every ${tapi.reconnectMs} ms)`,
  );
  let shown = agent.summary().link.status;
  agent.on('event', (event) => {
    if (event.type !== 'link' || event.link.status === shown) return;
    const { status, lastError } = event.link;
    shown = status;
    console.log(`TapiServer link: ${status}${lastError ? ` (${lastError})` : ''}`);
  });

  const received = await signal;
  logger.info(`${received}: closing every session and the TapiServer link`);
  try {
    await shutDownWithin(
      SHUTDOWN_LIMIT_MS,
      [
        { name: 'the dashboard', run: () => dashboard?.close() },
        { name: 'the agent', run: () => agent.stop() },
      ],
      (report) => {
        logger.error(`${report}; exiting anyway`);
        process.exit(1);
      },
    );
    return 0;
  } catch (error) {
    logger.error(`shutdown failed: ${(error as Error).message}`);
    return 1;
  }
}

/** True when this file is the program (`node dist/main/cli.js`, or the `tapi-messenger` bin link). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
