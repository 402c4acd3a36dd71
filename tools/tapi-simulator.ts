import net from 'node:net';
import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';

/**
 * A TapiServer stand-in speaking the line protocol of docs/protocol.md over real TCP. Tests, the
 * demo and the benchmarks drive it; `npm run sim` wraps it for a person at a terminal.
 */
export interface SimulatorOptions {
  /**
   * 2 (default): call ids and states — `OK CALL <ext> <number> <callId>` followed by DIALING,
   * RINGBACK and CONNECTED `stepMs` apart. 1: a TapiServer from before call states
   * (`OK CALL <ext> <number>`, nothing after).
   */
  version?: 1 | 2;
  /** Between the steps of a call the simulator plays (default 500 ms). */
  stepMs?: number;
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
  /** Extension of each call the simulator rang or placed and has not hung up. */
  readonly #calls = new Map<string, string>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #callSeq = 0;

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
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
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
    else if (/^CALL \S+ \S+$/.test(line) && this.options.version !== 1) this.#place(socket, line);
    else if (/^(LISTEN|UNLISTEN|CALL) /.test(line)) socket.write(`OK ${line}\n`);
  }

  /** A CALL from the agent: names the call, then plays DIALING → RINGBACK → CONNECTED. */
  #place(socket: net.Socket, line: string): void {
    const [, ext = '', number = ''] = line.split(' ');
    const callId = this.nextCallId();
    this.#calls.set(callId, ext);
    socket.write(`OK CALL ${ext} ${number} ${callId}\n`);
    const steps = ['DIALING', 'RINGBACK', 'CONNECTED'];
    steps.forEach((state, i) =>
      this.later(i * (this.options.stepMs ?? 500), () => {
        if (this.#calls.has(callId)) this.callState(ext, callId, state);
      }),
    );
  }

  /** A call id no other call of this simulator has. */
  nextCallId(): string {
    return `sim-${++this.#callSeq}`;
  }

  /** Runs `action` after `ms` unless the simulator stops first. */
  later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action();
    }, ms);
    this.#timers.add(timer);
  }

  /** Writes raw bytes to every connected agent. */
  sendRaw(data: string | Buffer): void {
    for (const socket of this.#sockets) socket.write(data);
  }

  /** A call rings on `ext`: `INCOMING <ext> <caller> [<callId> [<name…>]]`. */
  ring(ext: string, caller: string, callId?: string, name?: string): void {
    const parts = ['INCOMING', ext, caller];
    if (callId !== undefined) {
      parts.push(callId);
      this.#calls.set(callId, ext);
    }
    if (name !== undefined) parts.push(name);
    this.sendRaw(parts.join(' ') + '\n');
  }

  /** `CALLSTATE <ext> <callId> <state> [<detail>]`. */
  callState(ext: string, callId: string, state: string, detail?: string): void {
    this.sendRaw(
      `CALLSTATE ${ext} ${callId} ${state}${detail === undefined ? '' : ` ${detail}`}\n`,
    );
  }

  /**
   * A call the simulator rang or placed is answered (by `byExt`, default its own extension).
   * Returns false for a call id it does not know.
   */
  answer(callId: string, byExt?: string): boolean {
    const ext = this.#calls.get(callId);
    if (ext === undefined) return false;
    this.callState(ext, callId, 'CONNECTED', byExt ?? ext);
    return true;
  }

  /** A call ends: `DISCONNECTED <cause>` (default NORMAL). False for an unknown call id. */
  hangup(callId: string, cause = 'NORMAL'): boolean {
    const ext = this.#calls.get(callId);
    if (ext === undefined) return false;
    this.#calls.delete(callId);
    this.callState(ext, callId, 'DISCONNECTED', cause);
    return true;
  }

  /** A call rings on `ext` and nobody answers: DISCONNECTED NOANSWER after `afterMs`. */
  miss(ext: string, caller: string, afterMs = (this.options.stepMs ?? 500) * 4): string {
    const callId = this.nextCallId();
    this.ring(ext, caller, callId);
    this.later(afterMs, () => this.hangup(callId, 'NOANSWER'));
    return callId;
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
