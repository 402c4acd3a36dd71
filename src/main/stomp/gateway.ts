import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import sockjs from 'sockjs';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../core/log.js';
import type { ClientApplication, ClientSession } from '../core/client-session.js';
import type { ServerConfig, TlsConfig } from '../config/schema.js';
import type { Transport } from './transport.js';
import { checkOrigin } from './origin-policy.js';
import { clientAssets, serveAsset, type Asset } from './client-assets.js';
import { SessionTable, type GatewayEvents } from './session-table.js';
import {
  abortSockjs,
  closeSockjs,
  sockjsPendingBytes,
  sockjsWritable,
} from './sockjs-internals.js';
import { BatchedConnection, WriteBatch } from './write-batch.js';
import { StompProtocolError } from './frame.js';
import { Containment } from '../core/containment.js';
import { closeReason, quote } from '../core/client-text.js';
import { parseRequestPath } from '../core/request-path.js';
import { ServerShutdown, refuseUpgrade } from '../http/server-shutdown.js';

export interface GatewayOptions {
  server: ServerConfig;
  /** Extra files served under `<path>-client/` (the demo page uses it). */
  extraAssets?: ReadonlyMap<string, Asset>;
  /** Where unexpected exceptions are caught and counted (the agent shares one). */
  containment?: Containment;
}

/** The STOMP subprotocols a raw WebSocket client may ask for, best first. */
const STOMP_SUBPROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'];

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function tlsOptions(tls: TlsConfig): https.ServerOptions {
  if ('pfx' in tls) return { pfx: readFileSync(tls.pfx), passphrase: tls.passphrase };
  return { cert: readFileSync(tls.cert), key: readFileSync(tls.key), passphrase: tls.passphrase };
}

/**
 * The browser-facing server: SockJS (every transport) and a raw STOMP-over-WebSocket endpoint
 * on one HTTP(S) server, each connection a StompSession (kept by a SessionTable) whose
 * application SENDs go to the ClientApplication. The STOMP session id of a SockJS connection is
 * the session id in its transport URL (docs/protocol.md §2). Origins are checked here, before SockJS sees a
 * request (`origin-policy.ts`).
 */
export class StompGateway {
  readonly #server: http.Server;
  readonly #sockjsHooks = new EventEmitter();
  readonly #wss: WebSocketServer;
  readonly #sessions: SessionTable;
  readonly #assets: Map<string, Asset>;
  readonly #prefix: string;
  readonly #sidPattern: RegExp;
  readonly #guard: Containment;
  readonly #shutdown: ServerShutdown;
  /** Every transport's writes of one turn leave in one system call per socket. */
  readonly #writes = new WriteBatch();
  #closing = false;

  constructor(
    private readonly options: GatewayOptions,
    app: ClientApplication,
    private readonly logger: Logger,
  ) {
    const { server } = options;
    this.#guard = options.containment ?? new Containment(logger);
    this.#sessions = new SessionTable(server, app, logger, Date.now, this.#guard);
    this.#prefix = server.path;
    this.#sidPattern = new RegExp(`^${escapeRegExp(server.path)}/([^/.]+)/([^/.]+)/`);
    this.#assets = new Map([...clientAssets(), ...(options.extraAssets ?? [])]);
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void =>
      this.#guard.run(
        'stomp-http',
        () => this.#onRequest(req, res),
        () => answerFailure(res),
      );
    this.#server = server.tls
      ? https.createServer(tlsOptions(server.tls), handler)
      : http.createServer(handler);
    this.#server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => undefined);
      this.#guard.run(
        'stomp-upgrade',
        () => this.#onUpgrade(req, socket, head),
        () => socket.destroy(),
      );
    });
    this.#server.on('clientError', (_error, socket) => socket.destroy());
    this.#shutdown = new ServerShutdown(this.#server);

    const sjs = sockjs.createServer({
      prefix: escapeRegExp(server.path),
      sockjs_url: `${server.path}-client/sockjs.min.js`,
      log: (severity, message) => {
        if (severity === 'error') this.logger.warn(`sockjs: ${message}`);
        else this.logger.debug(`sockjs: ${message}`);
      },
      // faye-websocket's own hard limit; STOMP frames are checked against maxFrameBytes first.
      faye_server_options: { maxLength: server.maxFrameBytes * 4 },
    } as sockjs.ServerOptions);
    sjs.on('connection', (conn: sockjs.Connection | null) => {
      if (conn) {
        this.#guard.run(
          'sockjs',
          () => this.#onSockJsConnection(conn),
          () => closeSockjs(conn, 4500, 'internal error'),
        );
      }
    });
    sjs.installHandlers(this.#sockjsHooks as unknown as http.Server, {
      prefix: escapeRegExp(server.path),
    });

    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: server.maxFrameBytes * 4,
      handleProtocols: (offered) => STOMP_SUBPROTOCOLS.find((p) => offered.has(p)) ?? false,
    });
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(): Promise<AddressInfo> {
    const { host, port } = this.options.server;
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.#server.once('error', onError);
      this.#server.listen(port, host, () => {
        this.#server.off('error', onError);
        this.#server.on('error', (error) =>
          this.logger.error(`STOMP server error: ${error.message}`),
        );
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  get scheme(): 'http' | 'https' {
    return this.options.server.tls ? 'https' : 'http';
  }

  sessions(): IterableIterator<ClientSession> {
    return this.#sessions.values();
  }

  /**
   * Calls `listener` for each connection closed or refused for a protocol error or a limit
   * (the session table's own event: nothing relays it). Returns the unsubscribe function.
   */
  onProtocolError(listener: (...args: GatewayEvents['protocol-error']) => void): () => void {
    return this.#sessions.on('protocol-error', listener);
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Closes every session (the application hears each close) and stops listening. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#sessions.closeAll('server shutting down');
    for (const client of this.#wss.clients) client.terminate();
    await this.#shutdown.close();
  }

  #allowedOrigin(req: http.IncomingMessage, pathname: string): boolean {
    const verdict = checkOrigin(
      {
        path: pathname.slice(this.#prefix.length),
        origin: req.headers.origin,
        referer: req.headers.referer,
        self: req.headers.host === undefined ? undefined : `${this.scheme}://${req.headers.host}`,
      },
      this.options.server.allowedOrigins,
    );
    if (verdict.ok) return true;
    this.logger.warn(
      `refused ${req.method ?? '?'} ${pathname} from ${req.socket.remoteAddress ?? '?'}: ${verdict.reason}`,
    );
    return false;
  }

  #onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.on('error', (error) => this.logger.debug(`response failed: ${error.message}`));
    const target = parseRequestPath(req.url);
    if (!target.ok) {
      this.logger.warn(
        `refused ${quote(req.method ?? '?', 16)} ${quote(req.url ?? '', 80)} from ${req.socket.remoteAddress ?? '?'}: ${target.reason}`,
      );
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${target.reason}\n`);
      return;
    }
    const { pathname } = target;
    const assetPrefix = `${this.#prefix}-client/`;
    if (pathname.startsWith(assetPrefix)) {
      serveAsset(this.#assets, pathname.slice(assetPrefix.length), req, res).then(
        (served) => {
          if (!served) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        },
        (error: unknown) => {
          this.#guard.report('stomp-http', error);
          answerFailure(res);
        },
      );
      return;
    }
    if (pathname !== this.#prefix && !pathname.startsWith(`${this.#prefix}/`)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (!this.#allowedOrigin(req, pathname)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('origin not allowed\n');
      return;
    }
    const refusal = req.method === 'POST' ? this.#refusePost(req) : null;
    if (refusal !== null) {
      res
        .writeHead(refusal, { 'content-type': 'text/plain', connection: 'close' })
        .end('request body refused\n');
      return;
    }
    if (!this.#sameClient(req, pathname)) {
      res
        .writeHead(403, { 'content-type': 'text/plain' })
        .end('session belongs to another client\n');
      return;
    }
    this.#sockjsHooks.emit('request', req, res);
    // SockJS has attached its body reader in this same tick; count what it reads.
    if (req.method === 'POST') this.#capBody(req);
  }

  #capBody(req: http.IncomingMessage): void {
    const limit = this.#postLimit;
    let seen = 0;
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) {
        this.logger.warn(
          `refused a ${seen}+ byte POST from ${req.socket.remoteAddress ?? '?'} (limit ${limit})`,
        );
        req.destroy();
      }
    });
  }

  get #postLimit(): number {
    return this.options.server.maxFrameBytes * 4 + 1024;
  }

  /**
   * SockJS buffers whole POST bodies: refuse one that declares an excessive size before a
   * byte is read (413). Bodies without a declared size are cut off by #capBody.
   */
  #refusePost(req: http.IncomingMessage): number | null {
    const header = req.headers['content-length'];
    return header === undefined || Number(header) <= this.#postLimit ? null : 413;
  }

  /** `xhr_send` trusts any known session id: bind HTTP sessions to the address that opened them. */
  #sameClient(req: http.IncomingMessage, pathname: string): boolean {
    const sid = this.#sidPattern.exec(pathname)?.[2];
    if (sid === undefined) return true;
    const existing = this.#sessions.get(sid);
    return existing === undefined || existing.clientAddress === (req.socket.remoteAddress ?? '');
  }

  #onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const reject = (status: number, text: string): void =>
      refuseUpgrade(socket, `${status} ${text}`);
    const target = parseRequestPath(req.url);
    if (!target.ok) return reject(404, 'Not Found');
    const { pathname } = target;
    if (pathname !== this.#prefix && !pathname.startsWith(`${this.#prefix}/`))
      return reject(404, 'Not Found');
    // Node hands over every request with an Upgrade header; only WebSocket handshakes are ours
    // (SockJS would answer anything else into the raw socket as if it were a response).
    if (!isWebSocketHandshake(req)) return reject(400, 'Bad Request');
    if (this.#closing) return reject(503, 'Service Unavailable');
    if (!this.#allowedOrigin(req, pathname)) return reject(403, 'Forbidden');
    if (pathname === `${this.#prefix}/websocket`) {
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onRawWebSocket(ws, req));
      return;
    }
    this.#sockjsHooks.emit('upgrade', req, socket, head);
  }

  #onRawWebSocket(ws: WebSocket, req: http.IncomingMessage): void {
    // The upgraded request's socket is the one `ws` writes to.
    const { socket } = req;
    const writes = new BatchedConnection(this.#writes, {
      socket: () => socket,
      pending: () => ws.bufferedAmount,
      write: (text) => ws.send(text),
      releaseAt: this.options.server.maxPendingBytes,
    });
    const transport: Transport = {
      kind: 'websocket (raw)',
      remoteAddress: socket.remoteAddress ?? '',
      send: (text) => {
        if (ws.readyState === ws.OPEN) writes.send(text);
      },
      close: (code, reason) => ws.close(code, closeReason(reason)),
      abort: () => ws.terminate(),
      pendingBytes: () => writes.pendingBytes(),
    };
    const session = this.#sessions.open(randomBytes(6).toString('base64url'), transport);
    if (!session) {
      ws.on('error', () => undefined);
      return;
    }
    writes.onFlushed(() => session.observeBacklog());
    const cutOff = (): void => {
      ws.terminate();
      session.transportClosed('internal error');
    };
    ws.on(
      'message',
      this.#guard.wrap(
        'raw-websocket',
        (data: Buffer | ArrayBuffer | Buffer[]) => {
          session.receive(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer));
        },
        cutOff,
      ),
    );
    ws.on(
      'close',
      this.#guard.wrap('raw-websocket', () => session.transportClosed()),
    );
    ws.on('error', (error) => this.logger.debug(`raw websocket ${session.id}: ${error.message}`));
  }

  #onSockJsConnection(conn: sockjs.Connection): void {
    const [, serverId, sid] = this.#sidPattern.exec(conn.pathname) ?? [];
    if (sid === undefined || serverId === undefined) {
      closeSockjs(conn, 4400, 'cannot read the session id from the transport URL');
      return;
    }
    if (this.#sessions.has(sid) || this.#closing) {
      this.logger.warn(
        `refused a second connection with session id ${sid} from ${conn.remoteAddress}`,
      );
      closeSockjs(conn, 4409, 'session id already in use');
      return;
    }
    // Never close from inside sockjs's own loop over a message array: that nulls the receiver's
    // session while sockjs still iterates (a TypeError in sockjs). Inside it, close just after.
    let receiving = false;
    const soon = (work: () => void): void => {
      if (receiving) queueMicrotask(() => this.#guard.run('sockjs', work));
      else work();
    };
    const writes = new BatchedConnection(this.#writes, {
      socket: () => sockjsWritable(conn),
      pending: () => sockjsPendingBytes(conn),
      write: (text) => conn.write(text),
      releaseAt: this.options.server.maxPendingBytes,
    });
    const transport: Transport = {
      kind: conn.protocol,
      remoteAddress: conn.remoteAddress,
      send: (text) => writes.send(text),
      close: (code, reason) =>
        soon(() =>
          closeSockjs(conn, code === 1000 ? 1000 : 4000 + (code % 1000), closeReason(reason)),
        ),
      abort: (reason) => soon(() => abortSockjs(conn, 4008, closeReason(reason))),
      pendingBytes: () => writes.pendingBytes(),
    };
    const session = this.#sessions.open(sid, transport, serverId);
    if (!session) return;
    writes.onFlushed(() => session.observeBacklog());
    const cutOff = (): void => {
      soon(() => abortSockjs(conn, 4500, 'internal error'));
      session.transportClosed('internal error');
    };
    conn.on(
      'data',
      this.#guard.wrap(
        'sockjs',
        (message: unknown) => {
          receiving = true;
          try {
            // sockjs passes on whatever JSON the client framed: only strings are STOMP text.
            if (typeof message === 'string') session.receive(Buffer.from(message, 'utf8'));
            else session.reject(notText(message));
          } finally {
            receiving = false;
          }
        },
        cutOff,
      ),
    );
    conn.on(
      'close',
      this.#guard.wrap('sockjs', () => session.transportClosed()),
    );
  }
}

/** Whether an upgrade request asks for a WebSocket (the only upgrade either port serves). */
export function isWebSocketHandshake(req: http.IncomingMessage): boolean {
  const upgrade = req.headers.upgrade;
  return (
    req.method === 'GET' && typeof upgrade === 'string' && upgrade.toLowerCase() === 'websocket'
  );
}

/** After a contained failure: 500 if nothing was answered yet, else the connection is cut. */
export function answerFailure(res: http.ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(500, { 'content-type': 'text/plain', connection: 'close' }).end('internal error\n');
}

function notText(message: unknown): StompProtocolError {
  const kind = message === null ? 'null' : Array.isArray(message) ? 'an array' : typeof message;
  return new StompProtocolError(
    'MALFORMED_FRAME',
    `SockJS messages must be arrays of strings; this one held ${kind}`,
  );
}
