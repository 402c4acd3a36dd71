import type { Logger } from './log.js';
import { TypedEmitter } from './typed-emitter.js';
import {
  LazyMessageBody,
  messageBody,
  type ClientApplication,
  type ClientSession,
  type MessageBody,
} from './client-session.js';
import type { Directory, Resolution } from './directory.js';
import type { LinkPort, TapiMessage } from './tapi-port.js';
import { SessionRegistry, type LinkEffects } from './session-registry.js';
import { CallLog, callViewOf } from './call-log.js';
import { callKey } from '../../shared/calls.js';
import { CallTracker, DEFAULT_CALL_TIMEOUT_MS, type TrackedCall } from './call-tracker.js';
import { normaliseNumber } from './number-rules.js';
import {
  apexSessionSchema,
  dialRequestSchema,
  callEventOf,
  parseJsonBody,
  type ErrorCode,
  type ListenRefusal,
  type ListenReply,
} from './payloads.js';
import {
  CALL_EVENTS_DESTINATION,
  ERRORS_DESTINATION,
  LISTEN_DESTINATION,
  LISTEN_REPLY_DESTINATION,
  screenPopChoices,
} from './destinations.js';
import { EXTENSION_PATTERN } from './number-rules.js';
import type { CallView, PhoneView, SessionView } from '../../shared/bridge.js';
import { WindowLimiter } from './window-limiter.js';
import { TokenBucket } from './token-bucket.js';
import { Containment } from './containment.js';
import { sendTarget } from './send-policy.js';

export interface RouterOptions {
  callLogSize?: number;
  /** CALLs per phone per window (default 3 per 10 s); more are answered `RATE_LIMITED`. */
  dialLimit?: { calls: number; perMs: number };
  /** `/tapi/listen` requests per connection per minute (default 20). */
  listensPerMinute?: number;
  containment?: Containment;
  /** The clock of the rate limits (tests inject one). */
  now?: () => number;
  /** A call with no line about it for this long is ended with cause TIMEOUT (default 4 h). */
  callTimeoutMs?: number;
}

export interface RouterEvents {
  'session-opened': [SessionView];
  'session-updated': [SessionView];
  'session-closed': [string];
  phones: [PhoneView[]];
  /** A call began or changed (its log entry as it is now); an ended call is final. */
  call: [CallView];
  /**
   * An INCOMING call was popped up: `reached` sessions got `frames` MESSAGEs, the last one
   * `latencyMs` after the INCOMING line.
   */
  delivered: [{ reached: number; frames: number; latencyMs: number }];
  dial: [{ outcome: 'sent' | ErrorCode }];
  listen: [{ outcome: 'listening' | ListenRefusal }];
}

interface OpenSession {
  session: ClientSession;
  /** Incremented by every listen: a slower, older answer must not overwrite a newer one. */
  listenSeq: number;
  /** `listensPerMinute` of this connection. */
  listens: TokenBucket;
  /** Where its screen-pops may go (`screenPopChoices`), set when it binds to a phone. */
  popChoices: readonly string[];
}

/** A call id TapiServer names in `OK CALL`: one printable token, as in its other lines. */
const CALL_ID_PATTERN = /^[\x21-\x7e]{1,64}$/;

const REFUSAL: Record<Exclude<Resolution['kind'], 'found'>, ListenRefusal> = {
  'not-found': 'SESSION_NOT_FOUND',
  'no-phone': 'NO_PHONE',
  unavailable: 'DIRECTORY_UNAVAILABLE',
};

/**
 * The application: listen and dial requests from pages, screen-pops from TapiServer.
 * page → gateway → router → directory/registry → link, and link → router → gateway → pages.
 */
export class CallRouter extends TypedEmitter<RouterEvents> implements ClientApplication {
  readonly registry = new SessionRegistry();
  readonly calls: CallLog;
  readonly #open = new Map<string, OpenSession>();
  readonly tracker: CallTracker;
  /** Sessions reached by the pop of each active inbound call (by `callKey`). */
  readonly #reached = new Map<string, number>();
  readonly #dials: WindowLimiter;
  readonly #listensPerMinute: number;
  readonly #guard: Containment;
  readonly #now: () => number;

  constructor(
    private readonly directory: Directory,
    private readonly link: LinkPort,
    private readonly logger: Logger,
    options: RouterOptions = {},
  ) {
    super();
    this.calls = new CallLog(options.callLogSize ?? 500);
    const dialLimit = options.dialLimit ?? { calls: 3, perMs: 10_000 };
    this.#dials = new WindowLimiter(dialLimit.calls, dialLimit.perMs);
    this.#listensPerMinute = options.listensPerMinute ?? 20;
    this.#guard = options.containment ?? new Containment(logger);
    this.#now = options.now ?? Date.now;
    this.tracker = new CallTracker({ timeoutMs: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS });
    this.tracker.on('change', (call) => this.#callChanged(call));
  }

  // ---- pages ----

  opened(session: ClientSession): void {
    const perMinute = this.#listensPerMinute;
    const listens = new TokenBucket(perMinute / 60, perMinute, this.#now());
    this.#open.set(session.id, { session, listenSeq: 0, listens, popChoices: [] });
    this.emit('session-opened', this.#view(session));
  }

  closed(session: ClientSession, reason: string): void {
    const entry = this.#open.get(session.id);
    if (entry?.session !== session) return;
    this.#open.delete(session.id);
    this.logger.debug(`session ${session.id} closed: ${reason}`);
    const effects = this.registry.unbind(session.id);
    this.#apply(effects);
    this.emit('session-closed', session.id);
  }

  subscribed(session: ClientSession, destination: string): void {
    if (destination !== CALL_EVENTS_DESTINATION) return;
    const binding = this.registry.binding(session.id);
    if (binding) this.#tellActiveCalls(session, binding.phone);
  }

  /** Sends a session the state of every active call on `phone` (a page that just arrived). */
  #tellActiveCalls(session: ClientSession, phone: string): void {
    for (const call of this.tracker.activeOn(phone)) {
      session.deliver([CALL_EVENTS_DESTINATION], messageBody(JSON.stringify(callEventOf(call))));
    }
  }

  message(
    session: ClientSession,
    destination: string,
    headers: ReadonlyMap<string, string>,
    body: Buffer,
  ): void {
    const target = sendTarget(destination);
    switch (target.kind) {
      case 'listen':
        this.#listen(session, headers.get('apex_session')).catch((error: unknown) =>
          this.#guard.report('router', error),
        );
        return;
      case 'call':
        this.#dial(session, body);
        return;
      case 'unknown':
      case 'forbidden': // the gateway closed such a session before it got here
        this.#error(session, 'BAD_REQUEST', target.message);
    }
  }

  async #listen(session: ClientSession, header: string | undefined): Promise<void> {
    const entry = this.#open.get(session.id);
    if (!entry) return;
    if (!entry.listens.take(this.#now())) {
      this.#error(
        session,
        'RATE_LIMITED',
        `at most ${this.#listensPerMinute} listen requests per connection per minute; try again later`,
      );
      return;
    }
    const seq = ++entry.listenSeq;
    const apex = apexSessionSchema.safeParse(header);
    if (!apex.success) {
      this.logger.info(
        `session ${session.id}: listen refused: ${apex.error.issues[0]?.message ?? 'bad request'}`,
      );
      this.#refuseListen(session, 'BAD_REQUEST', true);
      return;
    }
    const resolution = await this.directory.resolve(apex.data);
    if (this.#open.get(session.id) !== entry || entry.listenSeq !== seq) return; // gone or superseded
    if (resolution.kind !== 'found') {
      if (resolution.kind === 'unavailable') {
        this.logger.warn(`session ${session.id}: directory unavailable: ${resolution.reason}`);
      }
      // A directory outage keeps an earlier binding; a definite "no" ends it.
      this.#refuseListen(session, REFUSAL[resolution.kind], resolution.kind !== 'unavailable');
      return;
    }
    const before = this.registry.binding(session.id)?.phone;
    const effects = this.registry.bind({
      sessionId: session.id,
      apexSession: apex.data,
      user: resolution.user,
      phone: resolution.phone,
    });
    entry.popChoices = screenPopChoices(session.id, session.sockjsServerId, apex.data);
    this.#apply(effects);
    this.logger.info(`session ${session.id} (${resolution.user}) listens on ${resolution.phone}`);
    this.#reply(session, { listening: true, phone: resolution.phone, user: resolution.user });
    if (before !== resolution.phone) this.#tellActiveCalls(session, resolution.phone);
    this.emit('listen', { outcome: 'listening' });
    this.emit('session-updated', this.#view(session));
  }

  #refuseListen(session: ClientSession, reason: ListenRefusal, unbind: boolean): void {
    if (unbind && this.registry.binding(session.id)) {
      this.#apply(this.registry.unbind(session.id));
      this.emit('session-updated', this.#view(session));
    }
    this.#reply(session, { listening: false, reason });
    this.emit('listen', { outcome: reason });
  }

  #dial(session: ClientSession, body: Buffer): void {
    const request = parseJsonBody(dialRequestSchema, body);
    if (!request.ok) return this.#dialError(session, 'BAD_REQUEST', request.message);
    const number = normaliseNumber(request.value.toNumber);
    if (!number.ok) return this.#dialError(session, 'BAD_NUMBER', number.reason);
    const binding = this.registry.binding(session.id);
    if (!binding) {
      return this.#dialError(
        session,
        'NOT_LISTENING',
        `send ${LISTEN_DESTINATION} with your apex_session before dialling`,
      );
    }
    const now = this.#now();
    if (!this.#dials.take(binding.phone, now)) {
      const seconds = Math.ceil(this.#dials.retryInMs(binding.phone, now) / 1000);
      return this.#dialError(
        session,
        'RATE_LIMITED',
        `phone ${binding.phone} may dial at most ${this.#dials.limit} times per ${this.#dials.windowMs / 1000} s; nothing was dialled, try again in ${seconds} s`,
      );
    }
    if (!this.link.send({ verb: 'CALL', ext: binding.phone, number: number.number })) {
      return this.#dialError(
        session,
        'LINK_DOWN',
        'TapiServer is not connected; nothing was dialled, try again shortly',
      );
    }
    this.logger.info(
      `session ${session.id} (${binding.user}) dials ${number.number} from ${binding.phone}`,
    );
    this.emit('dial', { outcome: 'sent' });
  }

  #dialError(session: ClientSession, code: ErrorCode, message: string): void {
    this.#error(session, code, message);
    this.emit('dial', { outcome: code });
  }

  #reply(session: ClientSession, reply: ListenReply): void {
    session.deliver([LISTEN_REPLY_DESTINATION], messageBody(JSON.stringify(reply)));
  }

  #error(session: ClientSession, code: ErrorCode, message: string): void {
    session.deliver([ERRORS_DESTINATION], messageBody(JSON.stringify({ code, message })));
  }

  // ---- TapiServer ----

  /** The link is (re)connected: make TapiServer's state match the phone map. */
  linkConnected(): void {
    for (const phone of this.registry.phones()) this.link.send({ verb: 'LISTEN', ext: phone });
    this.emit('phones', this.phones());
  }

  /** The agent serving these extensions cannot be reached (cluster): their pages get LINK_DOWN. */
  extensionsUnreachable(extensions: readonly string[], reason: string): void {
    for (const ext of extensions) {
      for (const id of this.registry.sessionsOf(ext)) {
        const entry = this.#open.get(id);
        if (entry) this.#error(entry.session, 'LINK_DOWN', `extension ${ext}: ${reason}`);
      }
    }
  }

  /**
   * The link is down: every active call on an extension it serves (`served`; in a cluster, this
   * agent's own) is ended (`LINK_LOST`), TapiServer will not tell.
   */
  linkDisconnected(served?: (ext: string) => boolean): void {
    this.callsLost(served);
    this.emit('phones', this.phones());
  }

  /** Whoever reported the calls on these extensions is gone: they end `LINK_LOST`. */
  callsLost(on?: (ext: string) => boolean): void {
    this.tracker.endAll('LINK_LOST', on);
  }

  linkMessage(message: TapiMessage, receivedAt = performance.now()): void {
    switch (message.kind) {
      case 'incoming':
        this.#incoming(message, receivedAt);
        return;
      case 'callstate':
        this.#callState(message);
        return;
      case 'ok':
        if (message.verb === 'CALL') this.#dialled(message.args);
        return;
      case 'error':
        this.logger.warn(`TapiServer refused ${message.verb} ${message.args.join(' ')}`);
        return;
      case 'pong':
        return;
    }
  }

  #incoming(message: Extract<TapiMessage, { kind: 'incoming' }>, receivedAt: number): void {
    const call = this.tracker.ring(message.ext, message.caller, message.callId, message.name);
    if (call === null) {
      this.logger.debug(`INCOMING ${message.ext} ${message.callId ?? ''} repeated: ignored`);
      return;
    }
    const lookup = message.name === null ? this.directory.callerName?.(message.caller) : undefined;
    if (lookup === undefined) {
      this.#popUp(call, message.name ?? 'UNKNOWN', receivedAt);
      return;
    }
    lookup
      .then((name) => this.#popUp(call, name ?? 'UNKNOWN', receivedAt))
      .catch((error: unknown) => this.#guard.report('router', error));
  }

  /**
   * One screen-pop per session bound to the call's extension, then the call is announced. The
   * body is prepared once for the call and handed to every session.
   */
  #popUp(call: TrackedCall, name: string, receivedAt: number): void {
    const body: MessageBody = messageBody(
      JSON.stringify({
        name,
        phone: call.from,
        extension: call.extension,
        callId: call.callId,
        at: new Date(call.startedAt).toISOString(),
      }),
    );
    let reached = 0;
    for (const id of this.registry.sessionsOf(call.extension)) {
      const entry = this.#open.get(id);
      if (entry) reached += entry.session.deliverOnce(entry.popChoices, body);
    }
    this.emit('delivered', { reached, frames: reached, latencyMs: performance.now() - receivedAt });
    this.logger.info(
      `incoming call on ${call.extension} from ${call.from} (${call.callId}): ${reached} session(s) reached`,
    );
    this.#reached.set(
      callKey({ extension: call.extension, callId: call.callId, at: call.startedAt }),
      reached,
    );
    this.tracker.announce(call.extension, call.callId, name === 'UNKNOWN' ? null : name);
  }

  #callState(message: Extract<TapiMessage, { kind: 'callstate' }>): void {
    const outcome = this.tracker.update(message.ext, message.callId, message.state, message.detail);
    if (outcome === 'unknown') {
      this.logger.debug(`CALLSTATE for unknown call ${message.callId} on ${message.ext}: ignored`);
    }
  }

  /** `OK CALL <ext> <number> <callId>`: a v2 TapiServer names the call it placed. */
  #dialled(args: readonly string[]): void {
    const [ext, number, callId] = args;
    if (ext === undefined || number === undefined || callId === undefined) return; // v1
    if (!EXTENSION_PATTERN.test(ext) || !CALL_ID_PATTERN.test(callId)) {
      this.logger.warn(
        `TapiServer's OK CALL ${args.join(' ').slice(0, 80)} ignored: bad extension or call id`,
      );
      return;
    }
    this.tracker.dialled(ext, number, callId);
  }

  /** Logs the call's new state and tells every session bound to its extension. */
  #callChanged(call: TrackedCall): void {
    const view = callViewOf(call, 0);
    const key = callKey(view);
    view.reached = this.#reached.get(key) ?? 0;
    if (call.state === 'ended') this.#reached.delete(key);
    this.calls.record(view);
    this.emit('call', view);
    const sessions = this.registry.sessionsOf(call.extension);
    if (sessions.size === 0) return;
    const event = new LazyMessageBody(() => callEventOf(call));
    for (const id of sessions)
      this.#open.get(id)?.session.deliver([CALL_EVENTS_DESTINATION], event);
  }

  #apply(effects: LinkEffects): void {
    for (const phone of effects.unlisten) this.link.send({ verb: 'UNLISTEN', ext: phone });
    for (const phone of effects.listen) this.link.send({ verb: 'LISTEN', ext: phone });
    if (effects.unlisten.length > 0 || effects.listen.length > 0)
      this.emit('phones', this.phones());
  }

  /** Sends UNLISTEN for every phone and forgets every binding (shutdown). */
  unlistenAll(): void {
    for (const id of [...this.#open.keys()]) this.#apply(this.registry.unbind(id));
  }

  /** Shutdown: active calls are ended (`LINK_LOST`, so that the log keeps them) and forgotten. */
  close(): void {
    this.tracker.endAll('LINK_LOST');
    this.tracker.stop();
  }

  // ---- views for the dashboard ----

  #view(session: ClientSession): SessionView {
    const binding = this.registry.binding(session.id);
    return {
      id: session.id,
      apexSession: binding?.apexSession ?? null,
      user: binding?.user ?? null,
      phone: binding?.phone ?? null,
      clientAddress: session.clientAddress,
      transport: session.transport,
      connectedAt: session.connectedAt,
    };
  }

  /** Sessions that completed the STOMP handshake, bound or not. */
  get sessionCount(): number {
    return this.#open.size;
  }

  /** Phones with at least one session. */
  get phoneCount(): number {
    return this.registry.phoneCount;
  }

  sessions(): SessionView[] {
    return [...this.#open.values()].map((entry) => this.#view(entry.session));
  }

  phones(): PhoneView[] {
    const listening = this.link.isConnected;
    return this.registry
      .phoneCounts()
      .map(({ phone, sessions }) => ({ phone, sessions, listening }));
  }
}
