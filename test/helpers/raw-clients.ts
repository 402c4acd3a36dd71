import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { Harness } from './harness.js';

/**
 * A STOMP peer written by hand over a WebSocket, for tests that need to misbehave: raw (the
 * `/websocket` endpoint, STOMP subprotocols as browsers ask) or SockJS's WebSocket transport
 * (`/<server>/<session>/websocket`, JSON-framed). It records the STOMP frames it gets and how
 * the connection ended; `pause()` stops reading from the socket (a client that never reads).
 */
export class RawStomp {
  readonly frames: string[] = [];
  /** The close code: the WebSocket's, or for SockJS the one in its `c[code,reason]` frame. */
  closeCode: number | null = null;
  closeReason = '';
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;
  readonly ws: WebSocket;
  readonly #waiters: Array<() => void> = [];

  private constructor(
    readonly via: 'raw' | 'sockjs',
    url: string,
    options: WebSocket.ClientOptions = {},
  ) {
    this.ws =
      via === 'raw'
        ? new WebSocket(url, ['v12.stomp', 'v11.stomp', 'v10.stomp'], options)
        : new WebSocket(url, options);
    this.ws.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      this.ws.once('close', (code: number, reason: Buffer) => {
        this.closeCode ??= code;
        if (this.closeReason === '') this.closeReason = reason.toString();
        this.#wake();
        resolve(this.closeCode);
      }),
    );
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`handshake refused: HTTP ${res.statusCode ?? '?'}`)),
      );
      this.ws.once('close', () => reject(new Error('closed before opening')));
      if (via === 'raw') this.ws.once('open', () => resolve());
      this.ws.on('message', (data: Buffer) => {
        const text = data.toString('utf8');
        if (via === 'raw') this.frames.push(text);
        else if (text === 'o') resolve();
        else if (text.startsWith('a')) this.frames.push(...(JSON.parse(text.slice(1)) as string[]));
        else if (text.startsWith('c')) {
          const [code, reason] = JSON.parse(text.slice(1)) as [number, string];
          this.closeCode ??= code;
          this.closeReason = reason;
        }
        this.#wake();
      });
    });
    this.opened.catch(() => undefined);
  }

  static async open(
    h: Harness,
    via: 'raw' | 'sockjs',
    options: WebSocket.ClientOptions = {},
  ): Promise<RawStomp> {
    const client = RawStomp.unopened(h, via, options);
    await client.opened;
    return client;
  }

  /** Starts connecting without waiting (for handshake refusals). */
  static unopened(
    h: Harness,
    via: 'raw' | 'sockjs',
    options: WebSocket.ClientOptions = {},
  ): RawStomp {
    const url =
      via === 'raw'
        ? h.wsUrl
        : `${h.base.replace(/^http/, 'ws')}/tapi-messenger/000/${randomBytes(6).toString('hex')}/websocket`;
    return new RawStomp(via, url, options);
  }

  send(text: string): void {
    if (this.via === 'raw') this.ws.send(text);
    else this.ws.send(JSON.stringify([text]));
  }

  /** CONNECT (1.2, no heart-beats) and wait for CONNECTED. */
  async connect(): Promise<void> {
    this.send('CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0');
    await this.waitFor((f) => f.startsWith('CONNECTED\n'));
  }

  /** Resolves with the first frame (received so far or later) that matches. */
  waitFor(match: (frame: string) => boolean, timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching frame within ${timeoutMs} ms: ${JSON.stringify(this.frames.slice(-3))}`,
            ),
          ),
        timeoutMs,
      );
      const check = (): boolean => {
        const found = this.frames.find(match);
        if (found === undefined) return false;
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      if (check()) return;
      const retry = (): void => {
        if (!check()) this.#waiters.push(retry);
      };
      this.#waiters.push(retry);
    });
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  /** Stops reading from the socket: what the server sends piles up in its buffers. */
  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }
}
