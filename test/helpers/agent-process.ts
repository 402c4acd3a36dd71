import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { TapiSimulator } from '../../tools/tapi-simulator.js';
import { DIRECTORY } from './harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The built headless program (npm test builds before running tests). */
export const CLI = path.join(root, 'dist/main/cli.js');
/** How long a clean shutdown may take (the gateway destroys stragglers after 2 s). */
const SHUTDOWN_MS = 10_000;

/**
 * The real agent as users run it: `node dist/main/cli.js --config …` in a child process on
 * loopback ports the OS picks, with a TapiServer simulator in this process and a temp folder
 * for the directory file and the call log. For tests of what arrives over real sockets.
 */
export class AgentProcess {
  #output = '';
  #exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly exited: Promise<void>;

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly sim: TapiSimulator,
    readonly folder: string,
  ) {
    const onData = (data: Buffer): void => {
      this.#output += data.toString();
      if (this.#output.length > 1_000_000) this.#output = this.#output.slice(-500_000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve();
      }),
    );
  }

  /** STOMP/SockJS port and dashboard port, read from what the program prints. */
  port = 0;
  dashboardPort = 0;

  static async start(
    server: Record<string, unknown> = {},
    directory: unknown = DIRECTORY,
  ): Promise<AgentProcess> {
    const folder = await mkdtemp(path.join(tmpdir(), 'tapi-messenger-process-'));
    const directoryFile = path.join(folder, 'directory.json');
    await writeFile(directoryFile, JSON.stringify(directory));
    const sim = new TapiSimulator();
    const simPort = await sim.start();
    const config = {
      server: { host: '127.0.0.1', port: 0, heartbeatMs: [0, 0], ...server },
      tapi: { host: '127.0.0.1', port: simPort, reconnectMs: 200 },
      directory: { type: 'file', file: directoryFile },
      dashboard: { host: '127.0.0.1', port: 0 },
      log: { level: 'warn' },
    };
    const configFile = path.join(folder, 'config.json');
    await writeFile(configFile, JSON.stringify(config));
    const connected = sim.waitForConnection(15_000);
    const child = spawn(process.execPath, [CLI, '--config', configFile], {
      cwd: folder,
      env: { ...process.env, TAPI_MESSENGER_DATA_DIR: path.join(folder, 'data') },
    });
    const agent = new AgentProcess(child, sim, folder);
    const [port, dashboard] = await Promise.all([
      agent.waitForOutput(/listening on http:\/\/127\.0\.0\.1:(\d+)\//),
      agent.waitForOutput(/Dashboard: http:\/\/127\.0\.0\.1:(\d+)\//),
      connected,
    ]);
    agent.port = Number(port[1]);
    agent.dashboardPort = Number(dashboard[1]);
    return agent;
  }

  get output(): string {
    return this.#output;
  }

  /** Whether the process is still running (what every test of a bad input asserts). */
  get alive(): boolean {
    return this.#exit === null && this.child.exitCode === null;
  }

  describeExit(): string {
    return `agent exited (${JSON.stringify(this.#exit)}); its output ended:\n${this.#output.slice(-3000)}`;
  }

  /** The peak resident memory of the process so far, in bytes (Linux `VmHWM`). */
  peakRss(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return Number(kb ?? 0) * 1024;
  }

  waitForOutput(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const check = (): void => {
        const match = pattern.exec(this.#output);
        if (match) return resolve(match);
        if (!this.alive) return reject(new Error(this.describeExit()));
        if (Date.now() - started > timeoutMs) {
          return reject(new Error(`no output matching ${pattern} in:\n${this.#output}`));
        }
        setTimeout(check, 10);
      };
      check();
    });
  }

  /** SIGTERM, as a service manager stops it; a shutdown that hangs fails the test. */
  async stop(): Promise<void> {
    let hung = false;
    const stopping = this.alive;
    if (this.alive) {
      this.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          hung = true;
          this.child.kill('SIGKILL');
          resolve();
        }, SHUTDOWN_MS);
      });
      await Promise.race([this.exited, deadline]);
      clearTimeout(timer);
      await this.exited;
    }
    await this.sim.stop();
    await rm(this.folder, { recursive: true, force: true });
    if (hung) {
      throw new Error(
        `the agent did not exit within ${SHUTDOWN_MS} ms of SIGTERM; its output ended:\n${this.#output.slice(-3000)}`,
      );
    }
    if (stopping && this.#exit?.code !== 0) {
      throw new Error(`SIGTERM did not end the agent cleanly: ${this.describeExit()}`);
    }
  }
}

/**
 * A well-behaved page over the raw WebSocket endpoint: CONNECT, subscribe to its screen-pops,
 * listen as `apexSession`, and resolve once a call rung on its phone has popped up.
 */
export async function screenPopReaches(
  agent: AgentProcess,
  apexSession = 'apex-bob',
  phone = '202',
  timeoutMs = 10_000,
): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${agent.port}/tapi-messenger/websocket`, ['v12.stomp']);
  ws.on('error', () => undefined);
  const caller = `+4912${Math.floor(Math.random() * 1e6)}`;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no screen-pop within ${timeoutMs} ms`)),
        timeoutMs,
      );
      let ringing: NodeJS.Timeout | null = null;
      const done = (error?: Error): void => {
        clearTimeout(timer);
        if (ringing) clearInterval(ringing);
        if (error) reject(error);
        else resolve();
      };
      ws.once('close', (code, reason) => done(new Error(`closed ${code} ${reason.toString()}`)));
      ws.once('open', () => {
        ws.send('CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0');
        ws.send('SUBSCRIBE\nid:pop\ndestination:/user/queue/incoming-call\n\n\0');
        ws.send('SUBSCRIBE\nid:init\ndestination:/topic/is-listen-init\n\n\0');
        ws.send(`SEND\ndestination:/tapi/listen\napex_session:${apexSession}\n\n\0`);
      });
      ws.on('message', (data: Buffer) => {
        const text = data.toString();
        if (text.includes('"listening":true') && ringing === null) {
          // Ring until it arrives: LISTEN reaches TapiServer just after the reply.
          agent.sim.ring(phone, caller);
          ringing = setInterval(() => agent.sim.ring(phone, caller), 200);
        } else if (text.includes(caller)) done();
        else if (text.startsWith('ERROR')) done(new Error(text));
      });
    });
  } finally {
    ws.removeAllListeners('close');
    ws.terminate();
  }
}
