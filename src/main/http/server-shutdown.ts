import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** How long sockets may take to close when a server stops before they are destroyed. */
export const CLOSE_GRACE_MS = 2000;

/**
 * A close that cannot hang, for the two HTTP servers (STOMP/SockJS port and dashboard port).
 * `server.close()` waits for every socket, but `closeAllConnections()` only knows HTTP
 * connections: an upgraded socket (a WebSocket, SockJS's WebSocket transport, a refused
 * upgrade waiting for its peer's FIN) whose peer vanished or stopped reading would hold the
 * close — and the agent's exit — for ever. Each socket gets `graceMs` to deliver what it has
 * queued (close frames), then it is destroyed.
 */
export class ServerShutdown {
  readonly #sockets = new Set<Duplex>();

  constructor(
    private readonly server: Server,
    private readonly graceMs = CLOSE_GRACE_MS,
  ) {
    server.on('connection', (socket: Duplex) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** Stops listening; resolves once every socket is gone (at most `graceMs` after the call). */
  close(): Promise<void> {
    const stragglers = setTimeout(() => {
      for (const socket of this.#sockets) socket.destroy();
    }, this.graceMs);
    return new Promise<void>((resolve) => {
      this.server.close(() => {
        clearTimeout(stragglers);
        resolve();
      });
      this.server.closeAllConnections();
    });
  }
}

/**
 * Answers an upgrade request this server will not take, and lets the socket go: the answer is
 * written, then the socket is destroyed (an HTTP server's sockets allow half-open connections,
 * so `end()` alone would wait for a peer that may never close its side).
 */
export function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () =>
    socket.destroy(),
  );
}
