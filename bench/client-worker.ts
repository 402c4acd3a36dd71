import { createRequire } from 'node:module';
import WebSocket from 'ws';
import { nowMicros, stampOf } from './clock.js';
import {
  FrameSplitter,
  bodyOf,
  callIdOf,
  commandOf,
  encodeClientFrame,
  headerOf,
} from './mini-stomp.js';
import {
  CALL_SUBSCRIPTION,
  LISTEN_SUBSCRIPTION,
  type ClientTransport,
  type FromWorker,
  type OpenCommand,
  type SessionSpec,
  type Target,
  type ToWorker,
} from './protocol.js';
import { SampleBuffer } from './stats.js';

/**
 * A client worker: a share of the benchmark's STOMP sessions in one process, driven by the
 * orchestrator over IPC. Each session connects, binds (our agent: `SEND /tapi/listen` and waits
 * for its reply; the peer: subscribes to `/topic/ext-<phone>` with a receipt), then records, per
 * screen-pop MESSAGE, the time from the stamp in its call id to the `message` event.
 */

const require = createRequire(import.meta.url);

/** What a SockJS client object offers (sockjs-client 1.x ships no types). */
interface SockJsSocket {
  onopen: (() => void) | null;
  onmessage: ((event: { data: string }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  send(data: string): void;
  close(): void;
}
type SockJsConstructor = new (
  url: string,
  reserved: null,
  options: { transports: string[] },
) => SockJsSocket;

/** The socket under a session, whatever it is. */
interface Pipe {
  send(text: string): void;
  close(): void;
}

const latencies: Record<ClientTransport, SampleBuffer> = {
  websocket: new SampleBuffer(1 << 16),
  sockjs: new SampleBuffer(1 << 12),
};
/** Pops slower than this are also kept with their send time, to see when the slow ones were. */
const SLOW_MICROS = 2000;
const slow: Array<[number, number]> = [];
let received = 0;
let malformed = 0;
let firstAt = 0;
let lastAt = 0;
let lost = 0;
const lostReasons: string[] = [];
let closing = false;
const sessions: ClientSession[] = [];

function record(transport: ClientTransport, at: number, body: string): void {
  const id = callIdOf(body);
  const stamp = id === undefined ? Number.NaN : stampOf(id);
  received++;
  if (Number.isNaN(stamp)) {
    malformed++;
    return;
  }
  if (firstAt === 0) firstAt = at;
  lastAt = at;
  const latency = at - stamp;
  latencies[transport].push(latency);
  if (latency > SLOW_MICROS && slow.length < 2000) slow.push([stamp, latency]);
}

class ClientSession {
  #pipe: Pipe | null = null;
  readonly #splitter = new FrameSplitter();
  #beat: NodeJS.Timeout | null = null;
  #ready = false;
  #settle: { resolve: () => void; reject: (error: Error) => void } | null = null;
  #openTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly spec: SessionSpec,
    private readonly target: Target,
    private readonly heartbeatMs: number,
  ) {}

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
      this.#openTimer = setTimeout(() => this.#fail('no answer within 30 s'), 30_000);
      try {
        this.#pipe = this.spec.transport === 'sockjs' ? this.#sockjs() : this.#websocket();
      } catch (error) {
        this.#fail((error as Error).message);
      }
    });
  }

  #websocket(): Pipe {
    const ws = new WebSocket(this.target.wsUrl, ['v12.stomp', 'v11.stomp', 'v10.stomp'], {
      perMessageDeflate: false,
    });
    ws.on('open', () => this.#connect());
    ws.on('message', (data: WebSocket.RawData) => {
      const at = nowMicros();
      this.#receive(at, Array.isArray(data) ? Buffer.concat(data).toString() : data.toString());
    });
    ws.on('error', (error) => this.#fail(`websocket: ${error.message}`));
    ws.on('close', (code, reason) => this.#closed(`websocket closed ${code} ${reason.toString()}`));
    return {
      send: (text) => {
        if (ws.readyState === ws.OPEN) ws.send(text);
      },
      close: () => ws.close(1000),
    };
  }

  #sockjs(): Pipe {
    if (this.target.kind !== 'agent') throw new Error('SockJS clients only talk to our agent');
    const SockJS = require('sockjs-client') as SockJsConstructor;
    const socket = new SockJS(this.target.sockjsUrl, null, { transports: ['websocket'] });
    socket.onopen = () => this.#connect();
    socket.onmessage = (event) => this.#receive(nowMicros(), event.data);
    socket.onclose = (event) => this.#closed(`sockjs closed ${event.code} ${event.reason}`);
    return { send: (text) => socket.send(text), close: () => socket.close() };
  }

  #connect(): void {
    const headers: Record<string, string> = {
      'accept-version': '1.2,1.1,1.0',
      host: '/',
      'heart-beat': `${this.heartbeatMs},${this.heartbeatMs}`,
    };
    if (this.target.kind === 'rabbitmq') {
      headers.login = this.target.login;
      headers.passcode = this.target.passcode;
    }
    this.#pipe?.send(encodeClientFrame('CONNECT', headers));
  }

  #receive(at: number, text: string): void {
    for (const frame of this.#splitter.push(text)) {
      const command = commandOf(frame);
      if (command === 'MESSAGE') {
        const subscription = headerOf(frame, 'subscription');
        if (subscription === CALL_SUBSCRIPTION) record(this.spec.transport, at, bodyOf(frame));
        else if (subscription === LISTEN_SUBSCRIPTION) this.#listenReply(bodyOf(frame));
      } else if (command === 'CONNECTED') {
        this.#bind();
      } else if (command === 'RECEIPT') {
        this.#becomeReady();
      } else if (command === 'ERROR') {
        this.#fail(`STOMP ERROR: ${headerOf(frame, 'message') ?? bodyOf(frame)}`);
      }
    }
  }

  #bind(): void {
    const pipe = this.#pipe;
    if (!pipe) return;
    if (this.heartbeatMs > 0) {
      const first = setTimeout(() => {
        pipe.send('\n');
        this.#beat = setInterval(() => pipe.send('\n'), this.heartbeatMs);
      }, Math.random() * this.heartbeatMs);
      this.#beat = first;
    }
    if (this.target.kind === 'rabbitmq') {
      pipe.send(
        encodeClientFrame('SUBSCRIBE', {
          id: CALL_SUBSCRIPTION,
          destination: `/topic/ext-${this.spec.phone}`,
          receipt: 'bound',
        }),
      );
      return;
    }
    pipe.send(
      encodeClientFrame('SUBSCRIBE', {
        id: LISTEN_SUBSCRIPTION,
        destination: '/topic/is-listen-init',
      }),
    );
    pipe.send(
      encodeClientFrame('SUBSCRIBE', {
        id: CALL_SUBSCRIPTION,
        destination: '/user/queue/incoming-call',
      }),
    );
    pipe.send(
      encodeClientFrame('SEND', { destination: '/tapi/listen', apex_session: this.spec.apex }),
    );
  }

  #listenReply(body: string): void {
    const reply = JSON.parse(body) as { listening: boolean; phone?: string; reason?: string };
    if (!reply.listening) return this.#fail(`listen refused: ${reply.reason ?? '?'}`);
    if (reply.phone !== this.spec.phone) {
      return this.#fail(`bound to ${reply.phone ?? '?'}, expected ${this.spec.phone}`);
    }
    this.#becomeReady();
  }

  #becomeReady(): void {
    this.#clearOpenTimer();
    this.#ready = true;
    this.#settle?.resolve();
    this.#settle = null;
  }

  #clearOpenTimer(): void {
    if (this.#openTimer !== null) clearTimeout(this.#openTimer);
    this.#openTimer = null;
  }

  #fail(reason: string): void {
    this.#clearOpenTimer();
    if (this.#settle) {
      this.#settle.reject(new Error(reason));
      this.#settle = null;
      this.close();
    } else if (this.#ready && !closing) {
      this.#lose(reason);
    }
  }

  #closed(reason: string): void {
    this.#stopBeats();
    if (this.#settle) this.#fail(reason);
    else if (this.#ready && !closing) this.#lose(reason);
    this.#ready = false;
  }

  #lose(reason: string): void {
    lost++;
    if (lostReasons.length < 5) lostReasons.push(reason);
    this.#ready = false;
  }

  #stopBeats(): void {
    if (this.#beat !== null) {
      clearTimeout(this.#beat);
      clearInterval(this.#beat);
    }
    this.#beat = null;
  }

  close(): void {
    this.#stopBeats();
    this.#pipe?.close();
    this.#pipe = null;
  }
}

async function open(command: OpenCommand): Promise<FromWorker> {
  closing = false;
  lost = 0;
  lostReasons.length = 0;
  const queue = [...command.sessions];
  const errors: string[] = [];
  let failed = 0;
  const lane = async (): Promise<void> => {
    for (let spec = queue.shift(); spec !== undefined; spec = queue.shift()) {
      const session = new ClientSession(spec, command.target, command.heartbeatMs);
      try {
        await session.open();
        sessions.push(session);
      } catch (error) {
        failed++;
        if (errors.length < 5) errors.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, command.concurrency) }, lane));
  return { type: 'opened', sessions: sessions.length, failed, errors };
}

function reset(): void {
  latencies.websocket.clear();
  latencies.sockjs.clear();
  slow.length = 0;
  received = 0;
  malformed = 0;
  firstAt = 0;
  lastAt = 0;
}

async function closeAll(): Promise<FromWorker> {
  closing = true;
  for (const session of sessions.splice(0)) session.close();
  // Let the close frames go out before the process is told to exit.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { type: 'closed', lost, lostReasons };
}

function reply(message: FromWorker): void {
  process.send?.(message);
}

process.on('message', (raw: unknown) => {
  const message = raw as ToWorker;
  switch (message.type) {
    case 'clock':
      reply({ type: 'clock', deltaMicros: nowMicros() - Number(message.sentAt) });
      return;
    case 'open':
      void open(message).then(reply);
      return;
    case 'reset':
      reset();
      reply({ type: 'progress', received, lastAt, lost });
      return;
    case 'progress':
      reply({ type: 'progress', received, lastAt, lost });
      return;
    case 'collect':
      reply({
        type: 'samples',
        latencies: { websocket: latencies.websocket.toArray(), sockjs: latencies.sockjs.toArray() },
        slow: [...slow],
        received,
        malformed,
        firstAt,
        lastAt,
      });
      return;
    case 'close':
      void closeAll().then(reply);
      return;
  }
});

process.on('disconnect', () => process.exit(0));
