import vm from 'node:vm';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { Client, type IMessage, type StompSubscription } from '@stomp/stompjs';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

/** The old page client, exactly as pages load it: stompjs 2.3.3's browser build over sockjs-client 1.x. */
interface OldStompFrame {
  body: string;
  headers: Record<string, string>;
  command: string;
}
export interface ReferenceStompClient {
  sessionId: string;
  connected: boolean;
  ws: { close(): void; _transport: { url: string }; transport: string };
  disconnect(callback?: () => void): void;
  send(destination: string, headers: Record<string, string>, body: string): void;
  subscribe(
    destination: string,
    callback: (frame: OldStompFrame) => void,
  ): { id: string; unsubscribe(): void };
}

export interface ReferenceOptions {
  base: string;
  apexSession: string;
  onCaller: (caller: { name: string; phone: string }) => void;
  onListenInit?: (frame: OldStompFrame) => void;
  onError?: (frame: OldStompFrame | string) => void;
}

interface ReferenceModule {
  connectReferenceClient(options: ReferenceOptions): ReferenceStompClient;
  referenceDial(client: ReferenceStompClient, number: string): void;
}

/**
 * Loads the reference page client (`test/fixtures/reference-page-client.js`) unchanged into a browser-like global scope with `SockJS`
 * (sockjs-client) and `Stomp` (stompjs 2.3.3). `transports` restricts SockJS as a browser
 * without WebSocket would be.
 */
export function loadReferenceClient(transports?: string[]): ReferenceModule {
  const SockJS = require('sockjs-client') as new (
    url: string,
    _r?: unknown,
    o?: unknown,
  ) => unknown;
  const { Stomp } = require('stompjs/lib/stomp.js') as {
    Stomp: { setInterval?: unknown; clearInterval?: unknown };
  };
  Stomp.setInterval = (interval: number, f: () => void) => setInterval(f, interval);
  Stomp.clearInterval = (id: NodeJS.Timeout) => clearInterval(id);
  const RestrictedSockJS = transports
    ? function (url: string) {
        return new SockJS(url, null, { transports });
      }
    : SockJS;
  const source = readFileSync(path.resolve(here, '../fixtures/reference-page-client.js'), 'utf8');
  const sandbox: Record<string, unknown> = {
    SockJS: RestrictedSockJS,
    Stomp,
    JSON,
    console,
    setTimeout,
    clearTimeout,
    module: { exports: {} },
  };
  vm.runInNewContext(source, sandbox, { filename: 'reference-page-client.js' });
  return (sandbox.module as { exports: ReferenceModule }).exports;
}

/** A modern client: @stomp/stompjs 7 over the raw WebSocket endpoint, subprotocols as browsers send them. */
export interface ModernClient {
  client: Client;
  /** The id from CONNECTED's `session` header. */
  sessionId: string;
  messages: Map<string, IMessage[]>;
  subscribe(destination: string): StompSubscription;
  /** Resolves with the next message on `destination` (or one already received if `seen` > 0). */
  next(destination: string, timeoutMs?: number): Promise<IMessage>;
  close(): Promise<void>;
}

export async function connectModern(
  wsUrl: string,
  options: { heartbeat?: number; connectHeaders?: Record<string, string> } = {},
): Promise<ModernClient> {
  const messages = new Map<string, IMessage[]>();
  const waiters = new Map<string, Array<(m: IMessage) => void>>();
  const beat = options.heartbeat ?? 0;
  const client = new Client({
    webSocketFactory: () => new WebSocket(wsUrl, ['v10.stomp', 'v11.stomp', 'v12.stomp']),
    heartbeatIncoming: beat,
    heartbeatOutgoing: beat,
    reconnectDelay: 0,
    connectHeaders: options.connectHeaders ?? {},
  });
  const connected = new Promise<string>((resolve, reject) => {
    client.onConnect = (frame) => resolve(frame.headers.session ?? '');
    client.onStompError = (frame) =>
      reject(new Error(`STOMP ERROR: ${frame.headers.message ?? ''}`));
    client.onWebSocketError = () => reject(new Error('websocket error'));
  });
  client.activate();
  const sessionId = await connected;
  const record = (destination: string) => (message: IMessage) => {
    const list = messages.get(destination) ?? [];
    list.push(message);
    messages.set(destination, list);
    const pending = waiters.get(destination);
    const first = pending?.shift();
    if (first) first(message);
  };
  return {
    client,
    sessionId,
    messages,
    subscribe: (destination) => client.subscribe(destination, record(destination)),
    next: (destination, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no message on ${destination} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const list = waiters.get(destination) ?? [];
        list.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
        waiters.set(destination, list);
      }),
    close: () => client.deactivate(),
  };
}

/**
 * A page that has listened: connected over the raw endpoint, subscribed to the listen reply,
 * its screen-pops and `extra` destinations, then `SEND /tapi/listen` as `apexSession`.
 * Resolves once the reply came, with that reply's body.
 */
export async function listeningClient(
  wsUrl: string,
  apexSession: string,
  extra: readonly string[] = [],
): Promise<ModernClient & { reply: { listening: boolean } & Record<string, unknown> }> {
  const client = await connectModern(wsUrl);
  for (const destination of ['/topic/is-listen-init', '/user/queue/incoming-call', ...extra]) {
    client.subscribe(destination);
  }
  const reply = client.next('/topic/is-listen-init');
  client.client.publish({ destination: '/tapi/listen', headers: { apex_session: apexSession } });
  const body = JSON.parse((await reply).body) as { listening: boolean } & Record<string, unknown>;
  return Object.assign(client, { reply: body });
}
