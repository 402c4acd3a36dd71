import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Agent } from '../agent.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import { DASHBOARD_PATHS } from '../../shared/dashboard-protocol.js';
import { BridgeSocket } from './bridge-socket.js';
import { SECURITY_HEADERS } from '../csp.js';
import { DashboardHub } from './dashboard-hub.js';
import { healthReport } from './health.js';
import { createMetrics, type DashboardMetrics } from './metrics.js';
import { fromOwnOrigin, hostAllowed } from './request-guard.js';
import { parseRequestPath } from '../core/request-path.js';
import { ServerShutdown, refuseUpgrade } from '../http/server-shutdown.js';
import { quote } from '../core/client-text.js';
import { answerFailure, isWebSocketHandshake } from '../stomp/gateway.js';
import { defaultRendererDir, loadStaticFiles, type StaticFile } from './static-files.js';

export interface DashboardServerOptions {
  agent: Agent;
  config: Config['dashboard'];
  logger: Logger;
  /** The built dashboard bundle (default `dist/renderer/` of this package). */
  rendererDir?: string;
  /** Share a hub with another bridge (the Electron IPC); otherwise the server makes its own. */
  hub?: DashboardHub;
  /** How often agent events are sent to pages, at most (default 50 ms). */
  flushMs?: number;
}

/**
 * The dashboard port (default 127.0.0.1:8082): the dashboard page, its bridge over a
 * WebSocket, `GET /api/snapshot`, `GET /health` and `GET /metrics`. Plain Node, used by the
 * headless CLI and by the tray app alike.
 */
export class DashboardServer {
  readonly #server: http.Server;
  readonly #shutdown: ServerShutdown;
  readonly #files: Map<string, StaticFile>;
  readonly #socket: BridgeSocket;
  readonly #ownsHub: boolean;
  #address: AddressInfo | null = null;

  private constructor(
    private readonly options: DashboardServerOptions,
    readonly hub: DashboardHub,
    readonly metrics: DashboardMetrics,
    readonly rendererDir: string,
  ) {
    this.#ownsHub = options.hub === undefined;
    this.#files = loadStaticFiles(rendererDir);
    if (this.#files.size === 0) {
      options.logger.warn(
        `dashboard: no bundle in ${rendererDir} (run "npm run build"); /health and /metrics still answer`,
      );
    }
    this.#socket = new BridgeSocket(hub, options.logger, options.agent.containment);
    const guard = options.agent.containment;
    this.#server = http.createServer((req, res) =>
      guard.run(
        'dashboard-http',
        () => this.#onRequest(req, res),
        () => answerFailure(res),
      ),
    );
    this.#server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => undefined);
      guard.run(
        'dashboard-upgrade',
        () => this.#onUpgrade(req, socket, head),
        () => socket.destroy(),
      );
    });
    this.#server.on('clientError', (_error, socket) => socket.destroy());
    this.#shutdown = new ServerShutdown(this.#server);
  }

  static async start(options: DashboardServerOptions): Promise<DashboardServer> {
    const hub = options.hub ?? new DashboardHub(options.agent, options.logger, options.flushMs);
    const metrics = createMetrics(options.agent);
    const server = new DashboardServer(
      options,
      hub,
      metrics,
      options.rendererDir ?? defaultRendererDir(),
    );
    try {
      await server.#listen();
    } catch (error) {
      metrics.close();
      if (server.#ownsHub) hub.close();
      const { host, port } = options.config;
      const e = error as NodeJS.ErrnoException;
      const hint =
        e.code === 'EADDRINUSE'
          ? ` (port ${port} is in use: set dashboard.port in the configuration)`
          : '';
      throw new Error(`cannot serve the dashboard on ${host}:${port}: ${e.message}${hint}`, {
        cause: error,
      });
    }
    return server;
  }

  get address(): AddressInfo {
    if (!this.#address) throw new Error('the dashboard server is not listening');
    return this.#address;
  }

  /** e.g. `http://127.0.0.1:8082/` */
  get url(): string {
    const host = this.options.config.host;
    const shown = host.includes(':') ? `[${host}]` : host;
    return `http://${shown}:${this.address.port}/`;
  }

  async close(): Promise<void> {
    this.#socket.close();
    this.metrics.close();
    if (this.#ownsHub) this.hub.close();
    await this.#shutdown.close();
  }

  #listen(): Promise<void> {
    const { host, port } = this.options.config;
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        this.#server.on('error', (error) =>
          this.options.logger.error(`dashboard server: ${error.message}`),
        );
        this.#address = this.#server.address() as AddressInfo;
        resolve();
      });
    });
  }

  #onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.on('error', (error) => this.options.logger.debug(`dashboard response: ${error.message}`));
    const target = parseRequestPath(req.url);
    if (!target.ok) return this.#text(res, 404, `Nothing there: ${target.reason}.`);
    const { pathname } = target;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return this.#text(res, 405, 'The dashboard port only answers GET.', { Allow: 'GET, HEAD' });
    }
    // Every answer of this port, /health and /metrics included, is for this machine only: a
    // page on another site must not read it through a rebound DNS name.
    if (!hostAllowed(req, this.options.config.host)) {
      return this.#text(
        res,
        421,
        `Host ${quote(req.headers.host ?? '(none)')} is not this dashboard's address: open it by IP ` +
          `address, localhost or this machine's name (a guard against DNS rebinding).`,
      );
    }
    if (pathname === DASHBOARD_PATHS.health) return this.#health(res);
    if (pathname === DASHBOARD_PATHS.metrics) return void this.#metrics(res);
    if (pathname === DASHBOARD_PATHS.snapshot) return this.#json(res, 200, this.hub.snapshot());
    const file = this.#files.get(pathname);
    if (file) {
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': file.contentType,
        'Cache-Control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : file.body);
      return;
    }
    if (pathname === '/' || pathname === '/index.html') {
      return this.#text(
        res,
        503,
        `The dashboard bundle is missing from ${this.rendererDir}: run "npm run build".`,
      );
    }
    this.#text(
      res,
      404,
      `Nothing at ${quote(pathname)}. The dashboard is at /, health at /health, metrics at /metrics.`,
    );
  }

  #onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: string): void => refuseUpgrade(socket, status);
    const target = parseRequestPath(req.url);
    if (!target.ok || target.pathname !== DASHBOARD_PATHS.bridge) return refuse('404 Not Found');
    if (!isWebSocketHandshake(req)) return refuse('400 Bad Request');
    if (!hostAllowed(req, this.options.config.host) || !fromOwnOrigin(req))
      return refuse('403 Forbidden');
    this.#socket.upgrade(req, socket, head);
  }

  #health(res: http.ServerResponse): void {
    const { code, body } = healthReport(this.options.agent.summary());
    this.#json(res, code, body);
  }

  async #metrics(res: http.ServerResponse): Promise<void> {
    try {
      const text = await this.metrics.registry.metrics();
      res.writeHead(200, {
        'Content-Type': this.metrics.registry.contentType,
        'Cache-Control': 'no-store',
      });
      res.end(text);
    } catch (error) {
      this.#text(res, 500, `metrics failed: ${(error as Error).message}`);
    }
  }

  #json(res: http.ServerResponse, code: number, value: unknown): void {
    res.writeHead(code, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    res.end(JSON.stringify(value));
  }

  #text(
    res: http.ServerResponse,
    code: number,
    text: string,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
    res.end(`${text}\n`);
  }
}
