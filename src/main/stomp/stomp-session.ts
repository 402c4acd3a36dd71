import type { Logger } from '../core/log.js';
import { FrameDecoder } from './frame-codec.js';
import { completeMessage, encodeFrame, messageHead, type HeaderList } from './frame-encoder.js';
import type { ClientSession, MessageBody } from '../core/client-session.js';
import { StompProtocolError, type StompFrame, type StompVersion } from './frame.js';
import { HEARTBEAT_TOLERANCE, negotiateHeartbeat, parseHeartbeatHeader } from './heartbeat.js';
import { SubscriptionIndex } from './subscriptions.js';
import { TokenBucket } from '../core/token-bucket.js';
import { OutputBacklog } from './output-backlog.js';
import type { Transport } from './transport.js';
import { QUOTE_BYTES, cleanText, quote } from '../core/client-text.js';

/** Longest subscription id or destination a client may subscribe with (UTF-8 bytes). */
export const MAX_SUBSCRIPTION_FIELD_BYTES = 256;

export interface StompSessionOptions {
  maxFrameBytes: number;
  /** What CONNECTED offers: [server can send every, server wants every] ms. */
  heartbeatMs: readonly [number, number];
  connectTimeoutMs: number;
  maxSubscriptions: number;
  /** Frames (heart-beats included) per second, with a burst of one second's worth. */
  maxFramesPerSecond: number;
  /** Output the transport may hold for this client before it is cut off. */
  maxPendingBytes: number;
  /** How long output may stay queued without once draining before the client is cut off. */
  sendStallMs: number;
  serverName: string;
  /** The clock of the flood and slow-consumer rules (tests inject one). */
  now?: () => number;
}

/** What the gateway hears from a session. */
export interface StompSessionHandler {
  /** CONNECT accepted; the session may now receive messages. */
  connected(session: StompSession): void;
  /** A SUBSCRIBE was accepted. */
  subscribed(session: StompSession, destination: string): void;
  /** A SEND to an application destination (the gateway checks the prefix before). */
  send(session: StompSession, destination: string, frame: StompFrame): void;
  /** Decides whether a client may SEND to `destination`; returns a refusal message or null. */
  refuseSend(destination: string): string | null;
  /** The session is being closed for a protocol error (`code` as in the ERROR frame). */
  protocolError(session: StompSession, code: string, message: string): void;
  /** The session ended, for whatever reason. Called once. */
  closed(session: StompSession, reason: string): void;
  /** An unexpected exception (a bug) was caught in this session; it is being closed. */
  unexpected(session: StompSession, error: unknown): void;
}

/**
 * Where a session is in its life, the one state every rule reads: `closing` while `close()`
 * sends its last ERROR (output is not watched any more), `condemned` once it is to be cut off
 * as a slow consumer (input ignored, output dropped, closed on the next microtask).
 */
type Phase = 'awaiting-connect' | 'connected' | 'closing' | 'condemned' | 'closed';

const SUPPORTED: readonly StompVersion[] = ['1.2', '1.1', '1.0'];

/**
 * One browser's STOMP session over one transport connection: decoding, the CONNECT
 * handshake, subscriptions, receipts, heart-beats, and ERROR-then-close on anything it cannot
 * accept. It is the `ClientSession` the application sees (once CONNECT was accepted); it knows
 * nothing of phones or calls, and application SENDs go to its handler.
 */
export class StompSession implements ClientSession {
  readonly connectedAt = Date.now();
  version: StompVersion = '1.0';
  readonly #decoder: FrameDecoder;
  readonly #subs = new SubscriptionIndex();
  /** Each subscription's MESSAGE frame start (`messageHead`), made on its first message. */
  readonly #heads = new Map<string, string>();
  #phase: Phase = 'awaiting-connect';
  #connectedOnce = false;
  #messageSeq = 0;
  #lastReceived = Date.now();
  #lastSent = Date.now();
  #timers: NodeJS.Timeout[] = [];
  readonly #now: () => number;
  readonly #frames: TokenBucket;
  readonly #backlog: OutputBacklog;
  /** Samples the transport's queue while output is pending (stall detection). */
  #backlogTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly id: string,
    /** The connection under it (a WebSocket, a SockJS session). */
    readonly connection: Transport,
    private readonly options: StompSessionOptions,
    private readonly handler: StompSessionHandler,
    private readonly logger: Logger,
    /**
     * The server segment of the SockJS transport URL (`000` in `/tapi-messenger/000/<id>/…`),
     * null for the raw WebSocket endpoint.
     */
    readonly sockjsServerId: string | null = null,
  ) {
    this.#decoder = new FrameDecoder({ maxFrameBytes: options.maxFrameBytes });
    this.#now = options.now ?? Date.now;
    this.#frames = new TokenBucket(
      options.maxFramesPerSecond,
      options.maxFramesPerSecond,
      this.#now(),
    );
    this.#backlog = new OutputBacklog(options);
    const connectTimer = setTimeout(
      this.#guarded(() => {
        if (this.#phase === 'awaiting-connect') {
          this.#fail(
            new StompProtocolError(
              'CONNECT_TIMEOUT',
              `no CONNECT frame within ${options.connectTimeoutMs} ms of opening the connection`,
            ),
          );
        }
      }),
      options.connectTimeoutMs,
    );
    this.#timers.push(connectTimer);
  }

  get clientAddress(): string {
    return this.connection.remoteAddress;
  }

  /** `websocket`, `xhr-streaming`, … or `websocket (raw)`. */
  get transport(): string {
    return this.connection.kind;
  }

  get isOpen(): boolean {
    return this.#phase !== 'closed';
  }

  /** Whether input is still read (not closed, not condemned). */
  get #reading(): boolean {
    return this.#phase !== 'closed' && this.#phase !== 'condemned';
  }

  /** Whether CONNECT was ever accepted (the application only hears of such sessions). */
  get isConnectedOnce(): boolean {
    return this.#connectedOnce;
  }

  get subscriptionCount(): number {
    return this.#subs.size;
  }

  /** Bytes from the transport, in whatever pieces they came. */
  receive(data: Buffer): void {
    // A session condemned as a slow consumer reads nothing more: it is being cut off.
    if (!this.#reading) return;
    this.#lastReceived = Date.now();
    let decoded;
    try {
      decoded = this.#decoder.push(data);
      for (;;) {
        for (const item of decoded) {
          if (!this.#reading) return;
          if (!this.#frames.take(this.#now())) {
            throw new StompProtocolError(
              'FLOOD',
              `more than ${this.options.maxFramesPerSecond} frames per second`,
            );
          }
          if (item.type === 'frame') this.#handle(item.frame);
        }
        if (!this.#reading) return;
        const failure = this.#decoder.failure;
        if (failure) throw failure;
        if (!this.#decoder.holding) return;
        decoded = this.#decoder.resume();
      }
    } catch (error) {
      this.#fail(error);
    }
  }

  /**
   * Sends a prepared MESSAGE to every subscription of this session on any of `destinations`,
   * all in one transport write (STOMP clients read several frames from one message).
   * Returns how many frames were sent.
   */
  deliver(destinations: readonly string[], body: MessageBody): number {
    if (this.#phase !== 'connected') return 0;
    let text = '';
    let sent = 0;
    for (const destination of destinations) {
      for (const sub of this.#subs.idsFor(destination)) {
        text += this.#message(destination, sub, body);
        sent++;
      }
    }
    if (sent > 0) this.#write(text);
    return sent;
  }

  /** Refuses what the transport received before it became bytes (e.g. a non-string SockJS message). */
  reject(error: StompProtocolError): void {
    this.#fail(error);
  }

  /** `work` for a timer: an exception in it closes this session instead of the process. */
  #guarded(work: () => void): () => void {
    return () => {
      try {
        work();
      } catch (error) {
        this.#fail(error);
      }
    };
  }

  /**
   * Sends one MESSAGE to the first subscription on the first of `choices` this session has.
   * Returns 1, or 0 when it has none.
   */
  deliverOnce(choices: readonly string[], body: MessageBody): number {
    if (this.#phase !== 'connected') return 0;
    for (const destination of choices) {
      const sub = this.#subs.idsFor(destination)[0];
      if (sub === undefined) continue;
      this.#write(this.#message(destination, sub, body));
      return 1;
    }
    return 0;
  }

  /** The next MESSAGE frame for `subscription`: its kept head, a new message id, `body`. */
  #message(destination: string, subscription: string, body: MessageBody): string {
    let head = this.#heads.get(subscription);
    if (head === undefined) {
      head = messageHead(destination, subscription, this.version);
      this.#heads.set(subscription, head);
    }
    return completeMessage(head, `${this.id}-${++this.#messageSeq}`, body);
  }

  /** Ends the session from the server side (shutdown, duplicate id, eviction). */
  close(reason: string, error?: string): void {
    if (this.#phase === 'closed') return;
    if (this.#phase !== 'condemned') this.#phase = 'closing';
    if (error !== undefined) this.#sendError(error, reason);
    this.#end(reason);
    this.connection.close(error === undefined ? 1000 : 1002, reason);
  }

  /** The transport went away (socket closed, SockJS session timed out). */
  transportClosed(reason = 'connection closed'): void {
    this.#end(reason);
  }

  #write(text: string): void {
    if (this.#phase === 'closed' || this.#phase === 'condemned') return;
    this.#lastSent = Date.now();
    this.connection.send(text);
    if (this.#phase !== 'closing') this.#checkBacklog();
  }

  /**
   * Looks at the transport's backlog again (the gateway calls it once a turn's held writes
   * went out: a client that stopped reading during the turn starts its stall clock).
   */
  observeBacklog(): void {
    if (this.#phase !== 'connected' && this.#phase !== 'awaiting-connect') return;
    try {
      this.#checkBacklog();
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Cuts off a client whose queued output is too large or has stopped draining. */
  #checkBacklog(): void {
    const problem = this.#backlog.observe(this.connection.pendingBytes(), this.#now());
    if (problem !== null) {
      // Not from inside the write: the caller may be iterating sessions (a screen-pop fan-out).
      this.#phase = 'condemned';
      queueMicrotask(this.#guarded(() => this.#cutOff(problem)));
      return;
    }
    if (this.#backlog.pending && this.#backlogTimer === null) {
      const every = Math.min(1000, Math.max(20, Math.floor(this.options.sendStallMs / 10)));
      this.#backlogTimer = setInterval(
        this.#guarded(() => this.#checkBacklog()),
        every,
      );
    } else if (!this.#backlog.pending && this.#backlogTimer !== null) {
      clearInterval(this.#backlogTimer);
      this.#backlogTimer = null;
    }
  }

  /** Ends a session that stopped reading: no ERROR frame (it would not be read), socket dropped. */
  #cutOff(problem: string): void {
    if (this.#phase === 'closed') return;
    this.handler.protocolError(this, 'SLOW_CONSUMER', problem);
    this.logger.warn(`session ${this.id} (${this.connection.remoteAddress}) cut off: ${problem}`);
    this.#end(`SLOW_CONSUMER: ${problem}`);
    this.connection.abort(problem);
  }

  #reply(command: string, headers: HeaderList, body = ''): void {
    this.#write(encodeFrame(command, headers, body, this.version));
  }

  #sendError(message: string, details: string): void {
    this.#reply(
      'ERROR',
      [
        ['message', message],
        ['content-type', 'text/plain'],
      ],
      details,
    );
  }

  #fail(error: unknown): void {
    if (this.#phase === 'closed') return;
    const expected = error instanceof StompProtocolError;
    // Messages may quote what the client sent: bounded and cleaned before they reach the
    // ERROR header, the close reason (≤ 123 bytes, done by the transport) and the log.
    const message = cleanText(
      expected
        ? `${error.code}: ${error.message}`
        : 'INTERNAL_ERROR: the agent failed on this request',
      QUOTE_BYTES,
    );
    if (expected) {
      this.handler.protocolError(this, error.code, message);
      this.logger.warn(`session ${this.id} (${this.connection.remoteAddress}) closed: ${message}`);
    } else {
      this.handler.unexpected(this, error);
    }
    this.close(message, message);
  }

  #end(reason: string): void {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers = [];
    if (this.#backlogTimer !== null) clearInterval(this.#backlogTimer);
    this.#backlogTimer = null;
    this.#subs.clear();
    this.#heads.clear();
    this.handler.closed(this, reason);
  }

  #handle(frame: StompFrame): void {
    const h = frame.headers;
    if (this.#phase === 'awaiting-connect') {
      if (frame.command !== 'CONNECT' && frame.command !== 'STOMP') {
        throw new StompProtocolError(
          'PROTOCOL_VIOLATION',
          `expected CONNECT, got ${frame.command}`,
        );
      }
      this.#connect(frame);
      return;
    }
    switch (frame.command) {
      case 'CONNECT':
      case 'STOMP':
        throw new StompProtocolError('PROTOCOL_VIOLATION', 'already connected');
      case 'SUBSCRIBE': {
        const destination = required(h, 'destination', frame.command);
        const id =
          this.version === '1.0' ? (h.get('id') ?? destination) : required(h, 'id', frame.command);
        for (const [name, value] of [
          ['id', id],
          ['destination', destination],
        ] as const) {
          if (Buffer.byteLength(value) > MAX_SUBSCRIPTION_FIELD_BYTES) {
            throw new StompProtocolError(
              'FIELD_TOO_LONG',
              `a subscription ${name} may be at most ${MAX_SUBSCRIPTION_FIELD_BYTES} bytes`,
            );
          }
        }
        if (!this.#subs.has(id) && this.#subs.size >= this.options.maxSubscriptions) {
          throw new StompProtocolError(
            'TOO_MANY_SUBSCRIPTIONS',
            `a session may hold at most ${this.options.maxSubscriptions} subscriptions`,
          );
        }
        this.#subs.add(id, destination);
        this.#heads.delete(id);
        // The receipt first: a client waiting for it must not miss what the handler sends.
        this.#sendReceipt(frame);
        this.handler.subscribed(this, destination);
        return;
      }
      case 'UNSUBSCRIBE': {
        const id =
          h.get('id') ??
          (this.version === '1.0'
            ? this.#subs.idForDestination(h.get('destination') ?? '')
            : undefined);
        if (id === undefined) required(h, 'id', frame.command);
        else {
          this.#subs.remove(id);
          this.#heads.delete(id);
        }
        break;
      }
      case 'SEND': {
        const destination = required(h, 'destination', frame.command);
        const refusal = this.handler.refuseSend(destination);
        if (refusal !== null) throw new StompProtocolError('FORBIDDEN_DESTINATION', refusal);
        this.handler.send(this, destination, frame);
        break;
      }
      case 'DISCONNECT': {
        this.#sendReceipt(frame);
        this.#end('client sent DISCONNECT');
        this.connection.close(1000, 'disconnect');
        return;
      }
      case 'ACK':
      case 'NACK':
      case 'BEGIN':
      case 'COMMIT':
      case 'ABORT':
        // No acknowledgements or transactions here: every message is fire-and-forget.
        break;
      default:
        throw new StompProtocolError('UNKNOWN_COMMAND', `unknown command ${quote(frame.command)}`);
    }
    this.#sendReceipt(frame);
  }

  #sendReceipt(frame: StompFrame): void {
    const receipt = frame.headers.get('receipt');
    if (receipt !== undefined) this.#reply('RECEIPT', [['receipt-id', receipt]]);
  }

  #connect(frame: StompFrame): void {
    const accepted = (frame.headers.get('accept-version') ?? '1.0').split(',').map((v) => v.trim());
    const version = SUPPORTED.find((v) => accepted.includes(v));
    if (version === undefined) {
      throw new StompProtocolError(
        'PROTOCOL_VIOLATION',
        `supported protocol versions are ${[...SUPPORTED].reverse().join(',')}`,
      );
    }
    const clientBeat = parseHeartbeatHeader(frame.headers.get('heart-beat'));
    if (clientBeat === null) {
      throw new StompProtocolError('PROTOCOL_VIOLATION', 'heart-beat header must be "cx,cy"');
    }
    this.version = version;
    this.#decoder.setVersion(version);
    const [sx, sy] = this.options.heartbeatMs;
    const plan =
      version === '1.0'
        ? { sendEveryMs: 0, expectEveryMs: 0 }
        : negotiateHeartbeat(clientBeat, [sx, sy]);
    this.#phase = 'connected';
    this.#connectedOnce = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers = [];
    this.#reply('CONNECTED', [
      ['version', version],
      ['heart-beat', version === '1.0' ? '0,0' : `${sx},${sy}`],
      ['session', this.id],
      ['server', this.options.serverName],
    ]);
    this.#startHeartbeats(plan.sendEveryMs, plan.expectEveryMs);
    this.handler.connected(this);
    this.#sendReceipt(frame);
  }

  #startHeartbeats(sendEveryMs: number, expectEveryMs: number): void {
    if (sendEveryMs > 0) {
      this.#timers.push(
        setInterval(
          this.#guarded(() => {
            if (Date.now() - this.#lastSent >= sendEveryMs * 0.9) this.#write('\n');
          }),
          sendEveryMs,
        ),
      );
    }
    if (expectEveryMs > 0) {
      const limit = expectEveryMs * HEARTBEAT_TOLERANCE;
      this.#timers.push(
        setInterval(
          this.#guarded(() => {
            if (Date.now() - this.#lastReceived > limit) {
              this.logger.info(`session ${this.id}: no heart-beat for ${limit} ms, closing`);
              this.#end('heart-beat timeout');
              this.connection.close(1002, 'heart-beat timeout');
            }
          }),
          Math.max(50, Math.floor(expectEveryMs / 2)),
        ),
      );
    }
  }
}

function required(headers: ReadonlyMap<string, string>, name: string, command: string): string {
  const value = headers.get(name);
  if (value === undefined || value === '') {
    throw new StompProtocolError('PROTOCOL_VIOLATION', `${command} needs a "${name}" header`);
  }
  return value;
}
