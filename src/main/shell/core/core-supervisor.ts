import type { CoreView } from '../../../shared/bridge.js';
import type { Logger } from '../../core/log.js';
import { TypedEmitter } from '../../core/typed-emitter.js';
import { isFromCore, type FromCore, type ToCore } from './core-messages.js';
import { RestartBackoff } from './restart-backoff.js';

/** What the supervisor needs of a child process (Electron's `UtilityProcess` fits). */
export interface CoreChild {
  postMessage(message: ToCore): void;
  kill(): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  readonly stderr: NodeJS.ReadableStream | null;
}

export interface CoreReady {
  endpoint: string;
  dashboardUrl: string | null;
}

export interface CoreLost {
  /** The dead core's exit code. */
  code: number;
  /** When the next core starts. */
  restartInMs: number;
  /** Restarts so far, this one included. */
  restarts: number;
}

export interface SupervisorEvents {
  /** A core is up: the first one, or one started after a loss. */
  ready: [CoreReady];
  /** The core exited unexpectedly; a new one starts in `restartInMs`. */
  lost: [CoreLost];
  /** Dashboard traffic from the core (events and answers). */
  message: [FromCore];
}

export interface SupervisorOptions {
  /** Starts a core process (`utilityProcess.fork` of core-process.js). */
  fork: () => CoreChild;
  /** The `start` message for a new core, given the count so far. */
  startMessage: (core: CoreView) => Extract<ToCore, { type: 'start' }>;
  logger: Logger;
  backoff?: RestartBackoff;
  now?: () => number;
  /** How long `stop()` waits for a clean exit before killing the core. */
  stopTimeoutMs?: number;
}

/** Bounds what a dying core's stderr can put in the log. */
const MAX_STDERR_LINE = 4000;

/**
 * Runs the agent core in a child process and keeps it running: after an unexpected exit a new
 * core is started after `RestartBackoff`'s delay (250 ms the first time), and `lost`/`ready`
 * say so. `start()` resolves with the first core's `ready`, or rejects with why it could not
 * start (nothing is restarted then: a port in use or a bad directory would fail again).
 */
export class CoreSupervisor extends TypedEmitter<SupervisorEvents> {
  readonly #options: SupervisorOptions;
  readonly #backoff: RestartBackoff;
  readonly #now: () => number;
  #child: CoreChild | null = null;
  #up = false;
  #startedAt = 0;
  #restarts = 0;
  #lastExit: string | null = null;
  #stopping = false;
  #timer: NodeJS.Timeout | null = null;
  #exited: Promise<void> = Promise.resolve();
  /** The first start, until its core is ready or gone. */
  #first: {
    resolve: (ready: CoreReady) => void;
    reject: (error: Error) => void;
    failure: string | null;
  } | null = null;

  constructor(options: SupervisorOptions) {
    super();
    this.#options = options;
    this.#backoff = options.backoff ?? new RestartBackoff();
    this.#now = options.now ?? Date.now;
  }

  /** Whether a core is up and answering. */
  get up(): boolean {
    return this.#up;
  }

  get restarts(): number {
    return this.#restarts;
  }

  start(): Promise<CoreReady> {
    return new Promise((resolve, reject) => {
      this.#first = { resolve, reject, failure: null };
      this.#spawn();
    });
  }

  /** Sends `message` to the core; false when no core is up (it is restarting). */
  post(message: ToCore): boolean {
    if (!this.#up || !this.#child) return false;
    this.#child.postMessage(message);
    return true;
  }

  /** Stops the core cleanly (killed after `stopTimeoutMs`) and starts no other. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const child = this.#child;
    if (!child) return;
    child.postMessage({ type: 'stop' });
    const timer = setTimeout(() => child.kill(), this.#options.stopTimeoutMs ?? 4000);
    await this.#exited;
    clearTimeout(timer);
  }

  #spawn(): CoreChild {
    const child = this.#options.fork();
    this.#child = child;
    this.#startedAt = this.#now();
    let exited!: () => void;
    this.#exited = new Promise((resolve) => (exited = resolve));
    this.#pipeStderr(child);
    child.on('message', (message) => this.#onMessage(child, message));
    child.on('exit', (code) => {
      exited();
      this.#onExit(child, code);
    });
    child.postMessage(
      this.#options.startMessage({ restarts: this.#restarts, lastExit: this.#lastExit }),
    );
    return child;
  }

  #onMessage(child: CoreChild, message: unknown): void {
    if (child !== this.#child || !isFromCore(message)) return;
    switch (message.type) {
      case 'log':
        this.#options.logger[message.level](`core: ${message.message}`);
        return;
      case 'ready':
        this.#up = true;
        this.#first?.resolve(message);
        this.#first = null;
        this.emit('ready', message);
        return;
      case 'failed':
        if (this.#first) this.#first.failure = message.message;
        else this.#options.logger.error(`the agent core could not start: ${message.message}`);
        child.postMessage({ type: 'stop' });
        return;
      default:
        this.emit('message', message);
    }
  }

  #onExit(child: CoreChild, code: number): void {
    if (child !== this.#child) return;
    const wasUp = this.#up;
    this.#up = false;
    this.#child = null;
    const first = this.#first;
    if (first) {
      // A core that never started is not restarted: a port in use would fail again.
      this.#first = null;
      this.#stopping = true;
      first.reject(
        new Error(first.failure ?? `the agent core exited with code ${code} while starting`),
      );
      return;
    }
    if (this.#stopping) return;
    this.#restarts++;
    this.#lastExit = `exit code ${code} at ${new Date(this.#now()).toISOString()}`;
    const restartInMs = this.#backoff.next(this.#startedAt, this.#now());
    this.#options.logger.error(
      `the agent core ${wasUp ? 'stopped' : 'failed to start again'} (exit code ${code}); ` +
        `starting a new one in ${restartInMs} ms (restart ${this.#restarts})`,
    );
    this.emit('lost', { code, restartInMs, restarts: this.#restarts });
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (!this.#stopping) this.#spawn();
    }, restartInMs);
  }

  #pipeStderr(child: CoreChild): void {
    const stream = child.stderr;
    if (!stream) return;
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pending += chunk;
      let lf: number;
      while ((lf = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, lf).slice(0, MAX_STDERR_LINE);
        pending = pending.slice(lf + 1);
        if (line.trim() !== '') this.#options.logger.error(`core: ${line}`);
      }
      if (pending.length > MAX_STDERR_LINE) pending = pending.slice(0, MAX_STDERR_LINE);
    });
  }
}
