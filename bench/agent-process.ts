import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nowMicros } from './clock.js';
import { firstConnection } from './probe.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The built CLI; `TAPI_BENCH_CLI` points the benchmark at another build (an experiment). */
export const CLI = process.env.TAPI_BENCH_CLI || path.resolve(here, '../dist/main/cli.js');

/** A port nobody listens on right now (the cold-start probe must know it before the agent). */
export { freePort } from '../tools/rabbitmq-broker.js';

export interface AgentLaunch {
  configFile: string;
  /** Where the agent keeps its call log (`TAPI_MESSENGER_DATA_DIR`). */
  dataDir: string;
  /** Open the inspector on a free loopback port (GC before RSS samples, CPU profile). */
  inspect?: boolean;
}

/** The agent as the headless CLI, in its own process, so its CPU and RSS are its own. */
export class AgentProcess {
  readonly #tail: string[] = [];
  #exit: Promise<number>;
  endpoint = '';
  inspectorUrl = '';
  dashboardUrl = '';

  private constructor(
    readonly child: ChildProcess,
    readonly spawnedAt: number,
  ) {
    this.#exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** The last lines the agent printed (for error messages). */
  get tail(): string {
    return this.#tail.join('\n');
  }

  static spawn(launch: AgentLaunch): AgentProcess {
    // Experiments: extra Node flags for the agent (e.g. `--trace-gc`), and a copy of its output.
    const extra = (process.env.TAPI_BENCH_AGENT_FLAGS ?? '').split(' ').filter((f) => f !== '');
    const args = [...extra, ...(launch.inspect ? ['--inspect=127.0.0.1:0'] : []), CLI];
    args.push('--config', launch.configFile);
    const spawnedAt = nowMicros();
    const child = spawn(process.execPath, args, {
      env: { ...process.env, TAPI_MESSENGER_DATA_DIR: launch.dataDir, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const agent = new AgentProcess(child, spawnedAt);
    const copy = launch.inspect ? process.env.TAPI_BENCH_AGENT_LOG : undefined;
    const keep = (chunk: Buffer): void => {
      if (copy) appendFileSync(copy, chunk);
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        agent.#tail.push(line);
        if (agent.#tail.length > 40) agent.#tail.shift();
        const listening = /listening on (\S+)/.exec(line);
        if (listening?.[1] && agent.endpoint === '') agent.endpoint = listening[1];
        const dashboard = /^Dashboard: (http:\/\/\S+?)\/?(?:\s|$)/.exec(line);
        if (dashboard?.[1]) agent.dashboardUrl = dashboard[1];
        const debug = /Debugger listening on (ws:\/\/\S+)/.exec(line);
        if (debug?.[1]) agent.inspectorUrl = debug[1];
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return agent;
  }

  /** Resolves once the agent printed where it listens (and, if asked, its inspector URL). */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const exited = this.#exit.then((code) => {
      throw new Error(`the agent exited (${code}) before it was ready:\n${this.tail}`);
    });
    exited.catch(() => undefined);
    const inspect = this.child.spawnargs.some((a) => a.startsWith('--inspect'));
    while (this.endpoint === '' || (inspect && this.inspectorUrl === '')) {
      if (Date.now() > deadline) throw new Error(`the agent did not start:\n${this.tail}`);
      await Promise.race([new Promise((r) => setTimeout(r, 20)), exited]);
    }
  }

  /** SIGTERM, as an operator would stop it; resolves with the exit code. */
  async stop(timeoutMs = 15_000): Promise<number> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.#exit;
    clearTimeout(timer);
    return code;
  }
}

/**
 * How long a cold agent takes to accept its first STOMP session: spawn the CLI, and from that
 * moment try every 2 ms to open a raw WebSocket and CONNECT, until CONNECTED arrives.
 * Resolves with ms from spawn to CONNECTED.
 */
export async function coldStart(launch: AgentLaunch, port: number, path: string): Promise<number> {
  const agent = AgentProcess.spawn(launch);
  try {
    const at = await firstConnection(
      `ws://127.0.0.1:${port}${path}/websocket`,
      () => agent.child.exitCode === null,
    ).catch((error: unknown) => {
      throw new Error(`cold start: ${(error as Error).message}:\n${agent.tail}`);
    });
    return (at - agent.spawnedAt) / 1000;
  } finally {
    await agent.stop();
  }
}
