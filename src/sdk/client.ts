import { Client as StompClient, type IMessage } from '@stomp/stompjs';
import SockJS from 'sockjs-client/dist/sockjs.min.js';
import {
  CALL_DESTINATION,
  CALL_EVENTS_DESTINATION,
  ERRORS_DESTINATION,
  LISTEN_DESTINATION,
  LISTEN_REPLY_DESTINATION,
} from '../main/core/destinations.js';
import { normaliseNumber } from '../main/core/number-rules.js';
import type {
  ClientEvents,
  ConnectOptions,
  Status,
  TapiMessengerClient,
  TapiMessengerError,
} from './api.js';
import { Retry } from './backoff.js';
import {
  CallDedupe,
  callEventFromMessage,
  callEventFromPop,
  type AgentCallEvent,
} from './call-events.js';
import { installClickToDial } from './click-to-dial.js';
import { errorFromBody, errorFromStompMessage, tapiError } from './errors.js';
import { Listeners } from './listeners.js';
import { PendingDials } from './pending-dials.js';
import { PopElection } from './pop-election.js';

/** Screen-pops of every session bound to an extension (the SDK needs no session-id surgery). */
export const POP_DESTINATION = '/user/queue/incoming-call';

/**
 * Listen refusals (src/main/core/payloads.ts) that retrying cannot change: the client stops and
 * reports `closed`. `DIRECTORY_UNAVAILABLE` is retried.
 */
const FINAL_REFUSALS: readonly string[] = ['SESSION_NOT_FOUND', 'NO_PHONE', 'BAD_REQUEST'];

interface ListenReply {
  listening?: unknown;
  phone?: unknown;
  user?: unknown;
  reason?: unknown;
}

/**
 * One page's connection to the agent: STOMP (@stomp/stompjs) over the agent's SockJS, the
 * listen with the APEX session, reconnect with backoff, dials as promises, call events, and
 * optionally click-to-dial and the one-tab pop policy. Each connection attempt is a fresh
 * STOMP client whose own reconnect is off: this class decides when to retry.
 */
export class TapiMessenger implements TapiMessengerClient {
  readonly #listeners = new Listeners<ClientEvents>();
  readonly #retry = new Retry();
  readonly #dials = new PendingDials();
  readonly #calls = new CallDedupe();
  readonly #election: PopElection | null;
  readonly #uninstallClicks: (() => void) | null;
  #status: Status = { state: 'connecting', phone: null, user: null, reason: null };
  #stomp: StompClient | null = null;
  #receipts = 0;

  constructor(
    private readonly url: string,
    private readonly options: ConnectOptions,
  ) {
    if (typeof options.apexSession !== 'string' || options.apexSession === '') {
      throw new TypeError('TapiMessenger.connect needs { apexSession } (in APEX: $v("pInstance"))');
    }
    this.#election =
      options.popIn === 'one-tab'
        ? new PopElection(`tapi-messenger one-tab ${url}`, globalThis.navigator?.locks)
        : null;
    this.#uninstallClicks =
      options.clickToDial === true
        ? installClickToDial(document, (number) => this.#clicked(number))
        : null;
    this.#open();
  }

  get status(): Status {
    return { ...this.#status };
  }

  get raisesPops(): boolean {
    return this.#election?.leading ?? true;
  }

  on<K extends keyof ClientEvents>(event: K, listener: (value: ClientEvents[K]) => void): this {
    this.#listeners.on(event, listener);
    return this;
  }

  off<K extends keyof ClientEvents>(event: K, listener: (value: ClientEvents[K]) => void): this {
    this.#listeners.off(event, listener);
    return this;
  }

  dial(number: string): Promise<void> {
    const stomp = this.#stomp;
    if (stomp === null || !stomp.connected || this.#status.state !== 'listening') {
      return Promise.reject(
        tapiError('NOT_LISTENING', `the client is ${this.#status.state}, not listening`),
      );
    }
    const receipt = `dial-${++this.#receipts}`;
    const answered = this.#dials.add(receipt);
    stomp.watchForReceipt(receipt, () => this.#dials.receipted(receipt));
    stomp.publish({
      destination: CALL_DESTINATION,
      headers: { receipt, 'content-type': 'application/json' },
      body: JSON.stringify({ toNumber: String(number) }),
    });
    return answered;
  }

  close(): void {
    this.#stop('CLOSED_BY_PAGE');
  }

  // ---- the connection ----

  #open(): void {
    const stomp = new StompClient({
      webSocketFactory: () => new SockJS(this.url),
      reconnectDelay: 0,
      connectionTimeout: 10_000,
      heartbeatIncoming: 10_000,
      heartbeatOutgoing: 10_000,
      debug: () => undefined,
    });
    stomp.onConnect = () => this.#connected(stomp);
    stomp.onStompError = (frame) => {
      if (this.#stomp === stomp) this.#error(errorFromStompMessage(frame.headers.message));
    };
    stomp.onWebSocketClose = (event?: { reason?: string }) =>
      this.#lost(stomp, event?.reason || 'connection lost');
    this.#stomp = stomp;
    stomp.activate();
  }

  #connected(stomp: StompClient): void {
    if (this.#stomp !== stomp) return;
    stomp.subscribe(ERRORS_DESTINATION, (m) => this.#agentError(m));
    stomp.subscribe(LISTEN_REPLY_DESTINATION, (m) => this.#listenReply(stomp, m));
    stomp.subscribe(POP_DESTINATION, (m) => this.#call(callEventFromPop(m.body)));
    stomp.subscribe(CALL_EVENTS_DESTINATION, (m) => this.#call(callEventFromMessage(m.body)));
    this.#listen(stomp);
  }

  #listen(stomp: StompClient): void {
    if (this.#stomp !== stomp || !stomp.connected) return;
    stomp.publish({
      destination: LISTEN_DESTINATION,
      headers: { apex_session: this.options.apexSession },
    });
  }

  #listenReply(stomp: StompClient, message: IMessage): void {
    if (this.#stomp !== stomp) return;
    let reply: ListenReply;
    try {
      reply = JSON.parse(message.body) as ListenReply;
    } catch {
      return;
    }
    if (reply.listening === true) {
      this.#retry.reset();
      this.#setStatus({
        state: 'listening',
        phone: typeof reply.phone === 'string' ? reply.phone : null,
        user: typeof reply.user === 'string' ? reply.user : null,
        reason: null,
      });
      return;
    }
    const reason = typeof reply.reason === 'string' ? reply.reason : 'BAD_REPLY';
    this.#error(tapiError(reason, `the agent refused to listen for this page (${reason})`));
    if (FINAL_REFUSALS.includes(reason)) {
      this.#stop(reason);
      return;
    }
    // DIRECTORY_UNAVAILABLE: the connection is fine, ask again later.
    this.#setStatus({ state: 'reconnecting', phone: null, user: null, reason });
    this.#retry.schedule(() => this.#listen(stomp));
  }

  #lost(stomp: StompClient, reason: string): void {
    if (this.#stomp !== stomp) return;
    this.#stomp = null;
    void stomp.deactivate();
    this.#dials.failAll(() =>
      tapiError('CONNECTION_LOST', `the connection ended before the agent answered (${reason})`),
    );
    this.#setStatus({ state: 'reconnecting', phone: null, user: null, reason });
    this.#retry.schedule(() => this.#open());
  }

  #stop(reason: string): void {
    if (this.#status.state === 'closed') return;
    this.#retry.cancel();
    this.#uninstallClicks?.();
    const stomp = this.#stomp;
    this.#stomp = null;
    if (stomp !== null) void stomp.deactivate();
    this.#dials.failAll(() => tapiError('CLOSED', `the client was closed (${reason})`));
    this.#setStatus({ state: 'closed', phone: null, user: null, reason });
  }

  #setStatus(status: Status): void {
    if (status.state === 'listening') this.#election?.join();
    else this.#election?.leave();
    this.#status = status;
    this.#listeners.emit('status', { ...status });
  }

  // ---- what the agent sends ----

  #agentError(message: IMessage): void {
    const error = errorFromBody(message.body);
    if (!this.#dials.refused(error)) this.#error(error);
  }

  #error(error: TapiMessengerError): void {
    this.#listeners.emit('error', error);
  }

  #call(event: AgentCallEvent | null): void {
    if (event === null || !this.#calls.isNew(event)) return;
    this.#listeners.emit('call', { ...event, shown: this.raisesPops });
  }

  // ---- click-to-dial ----

  /** A click on a dialable element: taken over only while listening, else the link works. */
  #clicked(number: string): boolean {
    if (this.#status.state !== 'listening') return false;
    void this.#confirm(number)
      .then((go) => (go ? this.dial(number) : undefined))
      .catch((error: TapiMessengerError) => this.#error(error));
    return true;
  }

  async #confirm(number: string): Promise<boolean> {
    const ask = this.options.confirmDial;
    if (ask === undefined || ask === false) return true;
    const checked = normaliseNumber(number);
    const shown = checked.ok ? checked.number : number;
    return ask === true ? window.confirm(`Dial ${shown}?`) : await ask(shown);
  }
}
