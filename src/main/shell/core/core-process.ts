import { writeSync } from 'node:fs';
import { Agent } from '../../agent.js';
import type { LogLevel, Logger } from '../../core/log.js';
import { CallHistory } from '../../storage/call-history.js';
import { DashboardHub, type DashboardSource } from '../../dashboard/dashboard-hub.js';
import { DashboardServer } from '../../dashboard/dashboard-server.js';
import { exitOnUnexpectedError } from '../../exit-on-unexpected.js';
import { isToCore, type FromCore, type ToCore } from './core-messages.js';

/**
 * The agent core as a child process of the tray app (Electron's `utilityProcess`): plain Node,
 * no Electron API. It waits for `start`, runs the agent, the call log and the dashboard port,
 * and answers the main process's dashboard requests (core-messages.ts). An unexpected error
 * is written to stderr (the main process logs it) and ends the process with a non-zero code;
 * the supervisor in the main process starts a new one.
 */

const port = process.parentPort;
const post = (message: FromCore): void => port.postMessage(message);

const RANK: Readonly<Record<LogLevel, number>> = { error: 0, warn: 1, info: 2, debug: 3 };

/** The core's `Logger`: lines at `level` or above go to the main process's log file. */
function channelLogger(level: LogLevel): Logger {
  const at =
    (messageLevel: LogLevel) =>
    (message: string, ...details: unknown[]): void => {
      if (RANK[messageLevel] > RANK[level]) return;
      const text = details.length === 0 ? message : `${message} ${details.map(String).join(' ')}`;
      post({ type: 'log', level: messageLevel, message: text });
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

interface Running {
  agent: Agent;
  hub: DashboardHub;
  server: DashboardServer | null;
  subscriptions: Map<number, () => void>;
}

let running: Running | null = null;
let stopping = false;

async function start(message: Extract<ToCore, { type: 'start' }>): Promise<void> {
  const { config } = message;
  const logger = channelLogger(config.log.level);
  let agent: Agent;
  try {
    const history = await CallHistory.open({ folder: message.callLogDir, logger });
    agent = await Agent.start({ config, logger, callStore: history });
  } catch (error) {
    // The supervisor ends this process once it has read why (exiting here could lose it).
    post({ type: 'failed', message: (error as Error).message });
    return;
  }
  const source: DashboardSource = {
    snapshot: () => ({ ...agent.snapshot(), core: message.core }),
    restartLink: () => agent.restartLink(),
    markCallsSeen: () => agent.markCallsSeen(),
    on: (event, listener) => agent.on(event, listener),
  };
  const hub = new DashboardHub(source, logger);
  let server: DashboardServer | null = null;
  try {
    server = await DashboardServer.start({
      agent,
      hub,
      config: config.dashboard,
      logger,
      rendererDir: message.rendererDir,
    });
  } catch (error) {
    // Screen-pops matter more than the dashboard port: run on without it, and say so.
    logger.warn((error as Error).message);
  }
  running = { agent, hub, server, subscriptions: new Map() };
  post({ type: 'ready', endpoint: agent.endpoint, dashboardUrl: server?.url ?? null });
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (running) {
    for (const unsubscribe of running.subscriptions.values()) unsubscribe();
    await running.server?.close();
    running.hub.close();
    await running.agent.stop();
  }
  process.exit(0);
}

function serve(message: ToCore, core: Running): void {
  switch (message.type) {
    case 'subscribe': {
      core.subscriptions.get(message.subscription)?.();
      const { subscription } = message;
      core.subscriptions.set(
        subscription,
        core.hub.subscribe((events) => post({ type: 'events', subscription, events })),
      );
      return;
    }
    case 'unsubscribe':
      core.subscriptions.get(message.subscription)?.();
      core.subscriptions.delete(message.subscription);
      return;
    case 'snapshot':
      post({ type: 'snapshot', id: message.id, snapshot: core.hub.snapshot() });
      return;
    case 'restart-link': {
      let error: string | null = null;
      try {
        core.hub.restartLink();
      } catch (e) {
        error = `the link could not be restarted: ${(e as Error).message}`;
      }
      post({ type: 'restart-link-result', id: message.id, error });
      return;
    }
    case 'calls-seen':
      core.hub.markCallsSeen();
      return;
    case 'start':
    case 'stop':
      return;
  }
}

exitOnUnexpectedError((text) => writeSync(2, `${text}\n`));
port.on('message', ({ data }) => {
  if (!isToCore(data)) return;
  if (data.type === 'stop') void stop();
  else if (data.type === 'start') {
    if (running === null) void start(data);
  } else if (running) serve(data, running);
});
