import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { nowMicros } from './clock.js';
import { encodeClientFrame } from './mini-stomp.js';
import { firstConnection } from './probe.js';
import { freePort } from './agent-process.js';

/**
 * The peer: RabbitMQ with its Web-STOMP plugin (Debian's `rabbitmq-server`), started by the
 * benchmark on loopback only and stopped after it. Its own epmd runs on a private port, so
 * nothing is left behind and no Erlang daemon of anyone else is touched.
 */

const SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const PLUGINS = '/usr/lib/rabbitmq/bin/rabbitmq-plugins';
export const LOGIN = 'guest';
export const PASSCODE = 'guest';

export type Availability = { ok: true; version: string } | { ok: false; reason: string };

/** Whether the peer can run here, and why not. */
export function rabbitmqAvailability(): Availability {
  if (process.platform !== 'linux') return { ok: false, reason: 'the peer runs on Linux only' };
  if (!existsSync(SERVER)) {
    return {
      ok: false,
      reason: `RabbitMQ is not installed (${SERVER} missing; \`apt-get install -y rabbitmq-server\`)`,
    };
  }
  try {
    const version = execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'rabbitmq-server'], {
      encoding: 'utf8',
    }).trim();
    return { ok: true, version };
  } catch {
    return { ok: true, version: 'unknown version' };
  }
}

export interface RabbitPorts {
  amqp: number;
  stomp: number;
  webStomp: number;
  dist: number;
  epmd: number;
}

export class RabbitMq {
  /** ms from spawning the broker to its first accepted Web-STOMP session. */
  coldStartMs = Number.NaN;

  private constructor(
    readonly dir: string,
    readonly ports: RabbitPorts,
    private readonly epmd: ChildProcess,
    private readonly server: ChildProcess,
    /** The Erlang VM (beam.smp), a child of the start script: what CPU and RSS are read from. */
    readonly pid: number,
    private readonly log: () => string,
  ) {}

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.ports.webStomp}/ws`;
  }

  static async start(dir: string): Promise<RabbitMq> {
    mkdirSync(dir, { recursive: true });
    const ports: RabbitPorts = {
      amqp: await freePort(),
      stomp: await freePort(),
      webStomp: await freePort(),
      dist: await freePort(),
      epmd: await freePort(),
    };
    writeFileSync(
      path.join(dir, 'rabbitmq.conf'),
      [
        `listeners.tcp.default = 127.0.0.1:${ports.amqp}`,
        `stomp.listeners.tcp.1 = 127.0.0.1:${ports.stomp}`,
        'web_stomp.tcp.ip = 127.0.0.1',
        `web_stomp.tcp.port = ${ports.webStomp}`,
        'log.console = true',
        'log.console.level = warning',
        'log.file = false',
        '',
      ].join('\n'),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: dir,
      RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq'),
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
      RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: path.join(dir, 'log'),
      RABBITMQ_NODENAME: `tapibench${process.pid}@localhost`,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_DIST_PORT: String(ports.dist),
      ERL_EPMD_ADDRESS: '127.0.0.1',
      ERL_EPMD_PORT: String(ports.epmd),
      // Loopback-only distribution; schedulers that sleep instead of spinning when idle (a
      // spinning VM would take CPU from the clients on a 2-core machine).
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS:
        '-kernel inet_dist_use_interface {127,0,0,1} +sbwt none +sbwtdcpu none +sbwtdio none',
    };
    execFileSync(PLUGINS, ['enable', '--offline', 'rabbitmq_web_stomp'], { env, stdio: 'ignore' });
    const epmd = spawn('epmd', ['-address', '127.0.0.1', '-port', String(ports.epmd)], {
      env,
      stdio: 'ignore',
    });
    let output = '';
    const spawnedAt = nowMicros();
    // Its own process group: the start script, the VM and the VM's helpers stop together.
    const server = spawn(SERVER, [], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    server.stdout?.on('data', keep);
    server.stderr?.on('data', keep);
    let beam = 0;
    try {
      const at = await firstConnection(
        `ws://127.0.0.1:${ports.webStomp}/ws`,
        () => server.exitCode === null,
        { login: LOGIN, passcode: PASSCODE },
      );
      beam = findChild(server.pid ?? 0, 'beam.smp');
      const rabbit = new RabbitMq(dir, ports, epmd, server, beam, () => output);
      rabbit.coldStartMs = (at - spawnedAt) / 1000;
      return rabbit;
    } catch (error) {
      stopGroup(server);
      epmd.kill('SIGTERM');
      throw new Error(`RabbitMQ did not start: ${(error as Error).message}\n${output}`);
    }
  }

  get output(): string {
    return this.log();
  }

  /** At once, from a signal handler: the broker's process group and its epmd. */
  kill(): void {
    stopGroup(this.server, 'SIGKILL');
    this.epmd.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.server.exitCode !== null || this.server.signalCode !== null) resolve();
      else this.server.once('exit', () => resolve());
    });
    stopGroup(this.server);
    const timer = setTimeout(() => stopGroup(this.server, 'SIGKILL'), 15_000);
    await exited;
    // The VM may outlive the script by a moment.
    for (let i = 0; i < 100 && this.pid > 0 && existsSync(`/proc/${this.pid}`); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    clearTimeout(timer);
    this.epmd.kill('SIGTERM');
  }
}

function stopGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** The pid of the child of `parent` named `name` (Linux /proc). */
function findChild(parent: number, name: string): number {
  const children = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter((p) => p !== '')
    .map(Number);
  for (const pid of children) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name) return pid;
    } catch {
      // Exited meanwhile.
    }
  }
  throw new Error(`no ${name} process under ${parent}`);
}

/**
 * The peer's publisher: one STOMP connection that SENDs a screen-pop body to `/topic/ext-<phone>`.
 * The body is the JSON our agent would send for the same call, with the stamp in `callId`.
 */
export class RabbitPublisher {
  private constructor(private readonly ws: WebSocket) {}

  static open(url: string): Promise<RabbitPublisher> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, ['v12.stomp'], { perMessageDeflate: false });
      ws.once('open', () =>
        ws.send(
          encodeClientFrame('CONNECT', {
            'accept-version': '1.2',
            host: '/',
            login: LOGIN,
            passcode: PASSCODE,
            'heart-beat': '0,0',
          }),
        ),
      );
      ws.once('message', (data: WebSocket.RawData) => {
        if (data.toString().startsWith('CONNECTED')) resolve(new RabbitPublisher(ws));
        else reject(new Error(`publisher refused: ${data.toString()}`));
      });
      ws.once('error', reject);
    });
  }

  publish(phone: string, body: string): void {
    this.ws.send(
      'SEND\ndestination:/topic/ext-' + phone + '\ncontent-type:application/json\n\n' + body + '\0',
    );
  }

  /** Bytes the publisher's socket has not taken yet. */
  get pendingBytes(): number {
    return this.ws.bufferedAmount;
  }

  close(): void {
    this.ws.close();
  }
}
