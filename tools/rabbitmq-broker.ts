import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * Debian's `rabbitmq-server`, started by the benchmark and the cluster tests on loopback only:
 * its own config folder, free ports, and its own epmd on a private port, so nothing is left
 * behind and no Erlang daemon of anyone else is touched. It can be stopped and started again on
 * the same ports and data (a broker outage, as agents see one).
 */

const SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const PLUGINS = '/usr/lib/rabbitmq/bin/rabbitmq-plugins';

export type Availability = { ok: true; version: string } | { ok: false; reason: string };

/** Whether the broker can run here, and why not. */
export function rabbitmqAvailability(): Availability {
  if (process.platform !== 'linux') return { ok: false, reason: 'RabbitMQ is run on Linux only' };
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

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface BrokerOptions {
  /** Its config, data and logs; created if missing. */
  dir: string;
  /** Erlang node name before `@localhost`. */
  name: string;
  /** Plugins to enable, e.g. `rabbitmq_web_stomp`. */
  plugins?: string[];
  /** Extra `rabbitmq.conf` lines (listeners of plugins). */
  config?: string[];
  /**
   * Resolves once `broker` serves what the caller needs (retried by the caller while
   * `running()` is true); its value is returned by `start` and `restart`.
   */
  ready: (broker: RabbitBroker, running: () => boolean) => Promise<number>;
}

export class RabbitBroker {
  #epmd: ChildProcess | null = null;
  #server: ChildProcess | null = null;
  #output = '';

  private constructor(
    readonly options: BrokerOptions,
    /** AMQP, Erlang distribution and epmd ports (kept across restarts). */
    readonly ports: { amqp: number; dist: number; epmd: number },
  ) {}

  /** `amqp://guest:guest@127.0.0.1:PORT` (guest may log in over loopback). */
  get amqpUrl(): string {
    return `amqp://guest:guest@127.0.0.1:${this.ports.amqp}`;
  }

  /** Starts a broker; `readyAt` is what `options.ready` resolved with. */
  static async start(options: BrokerOptions): Promise<{ broker: RabbitBroker; readyAt: number }> {
    const ports = { amqp: await freePort(), dist: await freePort(), epmd: await freePort() };
    const broker = new RabbitBroker(options, ports);
    const readyAt = await broker.restart();
    return { broker, readyAt };
  }

  /** Starts the broker again on the same ports and data after `stop()`. */
  async restart(): Promise<number> {
    const { dir, name, plugins = [], config = [] } = this.options;
    const { ports } = this;
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'rabbitmq.conf'),
      [
        `listeners.tcp.default = 127.0.0.1:${ports.amqp}`,
        ...config,
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
      RABBITMQ_NODENAME: `${name}@localhost`,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_DIST_PORT: String(ports.dist),
      ERL_EPMD_ADDRESS: '127.0.0.1',
      ERL_EPMD_PORT: String(ports.epmd),
      // Loopback-only distribution; schedulers that sleep instead of spinning when idle (a
      // spinning VM would take CPU from the clients on a 2-core machine).
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS:
        '-kernel inet_dist_use_interface {127,0,0,1} +sbwt none +sbwtdcpu none +sbwtdio none',
    };
    if (plugins.length > 0) {
      execFileSync(PLUGINS, ['enable', '--offline', ...plugins], { env, stdio: 'ignore' });
    } else {
      writeFileSync(path.join(dir, 'enabled_plugins'), '[].\n');
    }
    this.#epmd = spawn('epmd', ['-address', '127.0.0.1', '-port', String(ports.epmd)], {
      env,
      stdio: 'ignore',
    });
    // Its own process group: the start script, the VM and the VM's helpers stop together.
    const server = spawn(SERVER, [], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.#server = server;
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-4000);
    };
    server.stdout?.on('data', keep);
    server.stderr?.on('data', keep);
    try {
      return await this.options.ready(this, () => server.exitCode === null);
    } catch (error) {
      this.kill();
      throw new Error(`RabbitMQ did not start: ${(error as Error).message}\n${this.#output}`, {
        cause: error,
      });
    }
  }

  /** The broker's last console output (for error messages). */
  get output(): string {
    return this.#output;
  }

  /** The Erlang VM (beam.smp), a child of the start script. */
  vmPid(): number {
    return findChild(this.#server?.pid ?? 0, 'beam.smp');
  }

  /** At once, from a signal handler: the broker's process group and its epmd. */
  kill(): void {
    if (this.#server) stopGroup(this.#server, 'SIGKILL');
    this.#epmd?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    let vm = 0;
    try {
      vm = this.vmPid();
    } catch {
      // Not running any more.
    }
    const exited = new Promise<void>((resolve) => {
      if (server.exitCode !== null || server.signalCode !== null) resolve();
      else server.once('exit', () => resolve());
    });
    stopGroup(server);
    const timer = setTimeout(() => stopGroup(server, 'SIGKILL'), 15_000);
    await exited;
    // The VM may outlive the script by a moment.
    for (let i = 0; i < 100 && vm > 0 && existsSync(`/proc/${vm}`); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    clearTimeout(timer);
    this.#epmd?.kill('SIGTERM');
    this.#server = null;
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
