import WebSocket from 'ws';
import { nowMicros } from './clock.js';
import { encodeClientFrame } from './mini-stomp.js';
import { firstConnection } from './probe.js';
import {
  RabbitBroker,
  freePort,
  rabbitmqAvailability,
  type Availability,
} from '../tools/rabbitmq-broker.js';

/**
 * The peer: RabbitMQ with its Web-STOMP plugin (Debian's `rabbitmq-server`, started as
 * tools/rabbitmq-broker.ts does), on loopback only and stopped after the benchmark.
 */

export const LOGIN = 'guest';
export const PASSCODE = 'guest';

export { rabbitmqAvailability, type Availability };

export interface RabbitPorts {
  amqp: number;
  stomp: number;
  webStomp: number;
  dist: number;
  epmd: number;
}

export class RabbitMq {
  /** ms from spawning the broker to its first accepted Web-STOMP session. */
  coldStartMs = Number.NaN;

  private constructor(
    private readonly broker: RabbitBroker,
    readonly ports: RabbitPorts,
    /** The Erlang VM (beam.smp), a child of the start script: what CPU and RSS are read from. */
    readonly pid: number,
  ) {}

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.ports.webStomp}/ws`;
  }

  static async start(dir: string): Promise<RabbitMq> {
    const stomp = await freePort();
    const webStomp = await freePort();
    const spawnedAt = nowMicros();
    const { broker, readyAt } = await RabbitBroker.start({
      dir,
      name: `tapibench${process.pid}`,
      plugins: ['rabbitmq_web_stomp'],
      config: [
        `stomp.listeners.tcp.1 = 127.0.0.1:${stomp}`,
        'web_stomp.tcp.ip = 127.0.0.1',
        `web_stomp.tcp.port = ${webStomp}`,
      ],
      ready: (_broker, running) =>
        firstConnection(`ws://127.0.0.1:${webStomp}/ws`, running, {
          login: LOGIN,
          passcode: PASSCODE,
        }),
    });
    const rabbit = new RabbitMq(broker, { ...broker.ports, stomp, webStomp }, broker.vmPid());
    rabbit.coldStartMs = (readyAt - spawnedAt) / 1000;
    return rabbit;
  }

  get output(): string {
    return this.broker.output;
  }

  /** At once, from a signal handler: the broker's process group and its epmd. */
  kill(): void {
    this.broker.kill();
  }

  stop(): Promise<void> {
    return this.broker.stop();
  }
}

/**
 * The peer's publisher: one STOMP connection that SENDs a screen-pop body to `/topic/ext-<phone>`.
 * The body is the JSON our agent would send for the same call, with the stamp in `callId`.
 */
export class RabbitPublisher {
  private constructor(private readonly ws: WebSocket) {}

  static open(url: string): Promise<RabbitPublisher> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, ['v12.stomp'], { perMessageDeflate: false });
      ws.once('open', () =>
        ws.send(
          encodeClientFrame('CONNECT', {
            'accept-version': '1.2',
            host: '/',
            login: LOGIN,
            passcode: PASSCODE,
            'heart-beat': '0,0',
          }),
        ),
      );
      ws.once('message', (data: WebSocket.RawData) => {
        if (data.toString().startsWith('CONNECTED')) resolve(new RabbitPublisher(ws));
        else reject(new Error(`publisher refused: ${data.toString()}`));
      });
      ws.once('error', reject);
    });
  }

  publish(phone: string, body: string): void {
    this.ws.send(
      'SEND\ndestination:/topic/ext-' + phone + '\ncontent-type:application/json\n\n' + body + '\0',
    );
  }

  /** Bytes the publisher's socket has not taken yet. */
  get pendingBytes(): number {
    return this.ws.bufferedAmount;
  }

  close(): void {
    this.ws.close();
  }
}
