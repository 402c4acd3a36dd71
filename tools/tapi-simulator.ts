import net from 'node:net';
import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';

/**
 * A TapiServer stand-in speaking the line protocol of docs/protocol.md §3 over real TCP. Tests, the demo
 * and the benchmarks drive it; `npm run sim` wraps it for a person at a terminal.
 */
export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** Answer commands with `OK <verb> <args>` (default true) and PING with PONG. */
  acknowledge?: boolean;
  /** Called for every line received, e.g. to print it. */
  onLine?: (line: string, from: string) => void;
}

export class TapiSimulator extends EventEmitter<{
  line: [string];
  connection: [net.Socket];
  disconnect: [net.Socket];
}> {
  readonly lines: string[] = [];
  readonly #sockets = new Set<net.Socket>();
  #server: net.Server | null = null;
  #port: number;
  /** Connections accepted since the simulator was created. */
  connectionCount = 0;
  /** While true the simulator reads but never answers (a half-open peer). */
  mute = false;

  constructor(private readonly options: SimulatorOptions = {}) {
    super();
    this.#port = options.port ?? 0;
  }

  get port(): number {
    return this.#port;
  }

  get connected(): number {
    return this.#sockets.size;
  }

  async start(): Promise<number> {
    const server = net.createServer((socket) => this.#accept(socket));
    this.#server = server;
    server.listen(this.#port, this.options.host ?? '127.0.0.1');
    await once(server, 'listening');
    this.#port = (server.address() as AddressInfo).port;
    return this.#port;
  }

  /** Closes the listener and every connection (TapiServer stopped). */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.#sockets.add(socket);
    this.connectionCount++;
    const from = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    let pending = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      pending += text;
      let lf: number;
      while ((lf = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, lf).replace(/\r$/, '');
        pending = pending.slice(lf + 1);
        this.lines.push(line);
        this.options.onLine?.(line, from);
        this.emit('line', line);
        this.#answer(socket, line);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.#sockets.delete(socket);
      this.emit('disconnect', socket);
    });
    this.emit('connection', socket);
  }

  #answer(socket: net.Socket, line: string): void {
    if (this.mute || this.options.acknowledge === false) return;
    if (line === 'PING') socket.write('PONG\n');
    else if (/^(LISTEN|UNLISTEN|CALL) /.test(line)) socket.write(`OK ${line}\n`);
  }

  /** Writes raw bytes to every connected agent. */
  sendRaw(data: string | Buffer): void {
    for (const socket of this.#sockets) socket.write(data);
  }

  /** A call rings on `ext`: `INCOMING <ext> <caller> [<callId> [<name…>]]`. */
  ring(ext: string, caller: string, callId?: string, name?: string): void {
    const parts = ['INCOMING', ext, caller];
    if (callId !== undefined) parts.push(callId);
    if (name !== undefined) parts.push(name);
    this.sendRaw(parts.join(' ') + '\n');
  }

  /** Resolves with the first line (from now on, or already received if `seen`) matching. */
  waitForLine(match: string | RegExp, timeoutMs = 5000): Promise<string> {
    const test = (line: string): boolean =>
      typeof match === 'string' ? line === match : match.test(line);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('line', onLine);
        reject(
          new Error(
            `simulator: no line ${String(match)} within ${timeoutMs} ms; got ${JSON.stringify(this.lines.slice(-10))}`,
          ),
        );
      }, timeoutMs);
      const onLine = (line: string): void => {
        if (!test(line)) return;
        clearTimeout(timer);
        this.off('line', onLine);
        resolve(line);
      };
      this.on('line', onLine);
    });
  }

  /** Resolves when an agent connects (or at once if one is connected and `already` is true). */
  waitForConnection(timeoutMs = 5000): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('connection', onConnection);
        reject(new Error(`simulator: no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      const onConnection = (socket: net.Socket): void => {
        clearTimeout(timer);
        resolve(socket);
      };
      this.once('connection', onConnection);
    });
  }
}
