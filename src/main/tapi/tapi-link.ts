import net from 'node:net';
import type { Logger } from '../core/log.js';
import { TypedEmitter } from '../core/typed-emitter.js';
import type { TapiConfig } from '../config/schema.js';
import type { LinkView } from '../../shared/bridge.js';
import { Containment } from '../core/containment.js';
import { LineSplitter, encodeCommand, parseLine } from './line-codec.js';
import type { LinkEvents, LinkPort, TapiCommand } from '../core/tapi-port.js';

const CONNECT_TIMEOUT_MS = 5000;

/**
 * The TCP client to TapiServer (docs/protocol.md §3): reconnects every `reconnectMs` after a failure,
 * optional keep-alive with PING, and a `restart()` for the operator. It never queues a
 * command while down: `send` says whether the line went out.
 */
export class TapiLink extends TypedEmitter<LinkEvents> implements LinkPort {
  #socket: net.Socket | null = null;
  #retry: NodeJS.Timeout | null = null;
  #keepalive: NodeJS.Timeout | null = null;
  #lastHeard = 0;
  #running = false;
  #state: LinkView;

  constructor(
    private readonly config: TapiConfig,
    private readonly logger: Logger,
    private readonly containment: Containment = new Containment(logger),
  ) {
    super();
    this.#state = {
      host: config.host,
      port: config.port,
      status: 'disconnected',
      since: Date.now(),
      lastError: null,
      attempts: 0,
      reconnects: 0,
    };
  }

  state(): LinkView {
    return this.#state;
  }

  get isConnected(): boolean {
    return this.#state.status === 'connected';
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#setState({ status: 'connecting' });
    this.#connect();
  }

  /** Drops the connection (if any) and connects again at once. */
  restart(): void {
    this.logger.info('TapiServer link: restart requested');
    this.#running = true;
    this.#teardown();
    this.#setState({ status: 'connecting', attempts: 0 });
    this.#connect();
  }

  async stop(): Promise<void> {
    this.#running = false;
    const socket = this.#socket;
    this.#teardown();
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => socket.end(resolve));
      socket.destroy();
    }
    this.#setState({ status: 'disconnected' });
  }

  /** Writes a command if the link is up; returns false (nothing queued) when it is not. */
  send(command: TapiCommand): boolean {
    const line = encodeCommand(command);
    const socket = this.#socket;
    if (!socket || socket.destroyed || this.#state.status !== 'connected') return false;
    socket.write(line);
    this.logger.debug(`-> TapiServer: ${line.trimEnd()}`);
    if (socket.writableLength > this.config.maxPendingBytes) {
      // TapiServer stopped reading (hung, or a half-open peer): what is queued would never
      // arrive, and memory would grow with every command. Drop the link and connect again.
      const problem = `TapiServer stopped reading (${socket.writableLength} bytes of commands pending, limit ${this.config.maxPendingBytes}); reconnecting`;
      this.logger.warn(`TapiServer link: ${problem}`);
      this.#setState({ lastError: problem });
      socket.destroy();
    }
    return true;
  }

  #setState(change: Partial<LinkView>): void {
    const prev = this.#state;
    const next: LinkView = { ...prev, ...change };
    if (next.status !== prev.status) next.since = Date.now();
    if (
      next.status === prev.status &&
      next.lastError === prev.lastError &&
      next.attempts === prev.attempts &&
      next.reconnects === prev.reconnects
    ) {
      return;
    }
    this.#state = next;
    this.emit('state', next);
  }

  #teardown(): void {
    if (this.#retry) clearTimeout(this.#retry);
    if (this.#keepalive) clearInterval(this.#keepalive);
    this.#retry = null;
    this.#keepalive = null;
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
    }
  }

  #connect(): void {
    const { host, port } = this.config;
    const socket = net.connect({ host, port, noDelay: true });
    this.#socket = socket;
    this.#setState({ attempts: this.#state.attempts + 1 });
    const splitter = new LineSplitter();
    socket.setTimeout(CONNECT_TIMEOUT_MS, () =>
      socket.destroy(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)),
    );
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.setKeepAlive(true, 10_000);
      this.#lastHeard = Date.now();
      this.logger.info(`TapiServer link: connected to ${host}:${port}`);
      this.#setState({
        status: 'connected',
        lastError: null,
        attempts: 0,
        reconnects: this.#state.reconnects + 1,
      });
      this.#startKeepalive(socket);
      this.emit('connected');
    });
    socket.on('data', (chunk: Buffer) => {
      this.#lastHeard = Date.now();
      for (const piece of splitter.push(chunk))
        this.containment.run('tapi-line', () => {
          if (piece.type === 'overlong') {
            this.logger.warn(
              `TapiServer sent a line of ${piece.bytes} bytes (limit 1024); discarded`,
            );
            return;
          }
          const parsed = parseLine(piece.bytes);
          if (!parsed.ok) {
            this.logger.warn(
              `TapiServer line ignored (${parsed.problem}): ${JSON.stringify(piece.bytes.toString('latin1').slice(0, 80))}`,
            );
            return;
          }
          this.logger.debug(`<- TapiServer: ${parsed.message.kind}`);
          this.emit('message', parsed.message);
        });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'ECONNREFUSED'
          ? `TapiServer refused the connection on ${host}:${port} (is it running?)`
          : `${error.code ?? 'error'}: ${error.message}`;
      this.#setState({ lastError: reason });
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      const wasConnected = this.#state.status === 'connected';
      this.#teardown();
      if (wasConnected)
        this.logger.warn(
          `TapiServer link: lost (${this.#state.lastError ?? 'closed by TapiServer'})`,
        );
      this.#setState({
        status: 'disconnected',
        lastError:
          this.#state.lastError ?? (wasConnected ? 'connection closed by TapiServer' : null),
      });
      if (this.#running) this.#retry = setTimeout(() => this.#connect(), this.config.reconnectMs);
    });
  }

  #startKeepalive(socket: net.Socket): void {
    const every = this.config.keepaliveMs;
    if (every <= 0) return;
    this.#keepalive = setInterval(() => {
      if (Date.now() - this.#lastHeard > 2 * every) {
        this.#setState({ lastError: `TapiServer silent for more than ${2 * every} ms` });
        socket.destroy();
        return;
      }
      this.send({ verb: 'PING' });
    }, every);
  }
}
