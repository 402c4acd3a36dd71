import { randomBytes } from 'node:crypto';
import { TypedEmitter } from './typed-emitter.js';
import type { TapiCallState } from './tapi-port.js';
import { EXTENSION_PATTERN } from './number-rules.js';
import {
  DISCONNECT_CAUSES,
  type CallDirection,
  type CallState,
  type DisconnectCause,
  type EndCause,
} from '../../shared/calls.js';

/** One call as the agent knows it. Times are ms since the epoch. */
export interface TrackedCall {
  readonly callId: string;
  readonly extension: string;
  readonly direction: CallDirection;
  readonly state: CallState;
  /** Inbound: the caller's number; outbound: the extension that dialled. */
  readonly from: string;
  /** Inbound: the extension it rang on; outbound: the number dialled. */
  readonly to: string;
  readonly name: string | null;
  readonly answeredBy: string | null;
  readonly cause: EndCause | null;
  readonly startedAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number | null;
}

/** Whether an ended call was an inbound one nobody answered. */
export function isMissed(call: TrackedCall): boolean {
  return call.state === 'ended' && call.direction === 'in' && call.answeredAt === null;
}

interface Entry {
  call: TrackedCall;
  /** Last line about this call (ms); TIMEOUT counts from here. */
  touchedAt: number;
  /** False while an inbound call waits for its caller's name: its changes are held back. */
  announced: boolean;
}

export interface CallTrackerEvents {
  /** A call began, changed state or ended (with everything known about it). */
  change: [TrackedCall];
}

export interface CallTrackerOptions {
  /** A call with no line about it for this long is ended with cause `TIMEOUT`. */
  timeoutMs: number;
  now?: () => number;
  /** Makes a call id for an INCOMING line without one (default: unique for this process). */
  newId?: () => string;
}

/** `tapi.callTimeoutMs` when not configured: 4 hours. */
export const DEFAULT_CALL_TIMEOUT_MS = 4 * 60 * 60 * 1000;

/**
 * With more active calls than this the oldest one is ended (`TIMEOUT`): no office has that many
 * at once, so they are calls whose end TapiServer never sent (a version-1 TapiServer never does).
 */
export const MAX_ACTIVE_CALLS = 10_000;

const TO_STATE: Partial<Record<TapiCallState, CallState>> = {
  DIALING: 'dialing',
  RINGBACK: 'ringing',
  CONNECTED: 'answered',
  ONHOLD: 'held',
};

const CAUSES: ReadonlySet<string> = new Set(DISCONNECT_CAUSES);

/**
 * The call lifecycle: what INCOMING, `OK CALL … <callId>` and CALLSTATE lines mean for each call,
 * keyed by extension and call id. Ended calls are forgotten at once; a call whose end never
 * comes is ended by `endAll` (link lost), by the timeout, or when there are too many.
 * No I/O: the router turns its `change` events into page events and call-log entries.
 */
export class CallTracker extends TypedEmitter<CallTrackerEvents> {
  readonly #byExtension = new Map<string, Map<string, Entry>>();
  /** Every active call, oldest first. */
  readonly #active = new Set<Entry>();
  #sweeper: NodeJS.Timeout | null = null;
  readonly #now: () => number;
  readonly #newId: () => string;

  constructor(private readonly options: CallTrackerOptions) {
    super();
    this.#now = options.now ?? Date.now;
    const prefix = `tm${randomBytes(3).toString('hex')}-`;
    let seq = 0;
    this.#newId = options.newId ?? (() => `${prefix}${++seq}`);
  }

  get activeCount(): number {
    return this.#active.size;
  }

  /**
   * An INCOMING line: a new ringing call, not yet announced (its changes are held back until
   * `announce`, once the caller's name is known). Null for a repeated INCOMING of an active call.
   */
  ring(
    ext: string,
    caller: string,
    callId: string | null,
    name: string | null,
  ): TrackedCall | null {
    const id = callId ?? this.#newId();
    if (this.#entry(ext, id)) return null;
    const at = this.#now();
    return this.#add(
      {
        callId: id,
        extension: ext,
        direction: 'in',
        state: 'ringing',
        from: caller,
        to: ext,
        name,
        answeredBy: null,
        cause: null,
        startedAt: at,
        answeredAt: null,
        endedAt: null,
      },
      false,
    ).call;
  }

  /** Sets the caller's name of a rung call and makes it (as it is now) known. */
  announce(ext: string, callId: string, name: string | null): void {
    const entry = this.#entry(ext, callId);
    if (!entry || entry.announced) return;
    entry.announced = true;
    entry.call = { ...entry.call, name };
    this.emit('change', entry.call);
  }

  /** `OK CALL <ext> <number> <callId>`: TapiServer placed a call for a page. */
  dialled(ext: string, number: string, callId: string): TrackedCall | null {
    if (this.#entry(ext, callId)) return null;
    const at = this.#now();
    const { call } = this.#add(
      {
        callId,
        extension: ext,
        direction: 'out',
        state: 'dialing',
        from: ext,
        to: number,
        name: null,
        answeredBy: null,
        cause: null,
        startedAt: at,
        answeredAt: null,
        endedAt: null,
      },
      true,
    );
    this.emit('change', call);
    return call;
  }

  /**
   * A CALLSTATE line. Returns what it did: `changed`, `unchanged` (e.g. RINGING of a ringing
   * call) or `unknown` (no such active call: it ended already, or was never announced).
   */
  update(
    ext: string,
    callId: string,
    state: TapiCallState,
    detail: string | null,
  ): 'changed' | 'unchanged' | 'unknown' {
    const entry = this.#entry(ext, callId);
    if (!entry) return 'unknown';
    const at = this.#now();
    entry.touchedAt = at;
    const { call } = entry;
    if (state === 'DISCONNECTED' || state === 'IDLE') {
      const cause = detail !== null && CAUSES.has(detail) ? (detail as DisconnectCause) : 'UNKNOWN';
      this.#end(entry, state === 'IDLE' && detail === null ? 'UNKNOWN' : cause);
      return 'changed';
    }
    const next = TO_STATE[state];
    if (next === undefined || next === call.state) return 'unchanged';
    if (next === 'answered') {
      const by = detail !== null && EXTENSION_PATTERN.test(detail) ? detail : null;
      entry.call = {
        ...call,
        state: next,
        answeredAt: call.answeredAt ?? at,
        answeredBy: by ?? call.answeredBy,
      };
    } else {
      entry.call = { ...call, state: next };
    }
    if (entry.announced) this.emit('change', entry.call);
    return 'changed';
  }

  /**
   * Ends every active call with `cause` (the link to TapiServer was lost), or only those on the
   * extensions `on` picks (in a cluster, the extensions one TapiServer serves).
   */
  endAll(cause: EndCause, on: (ext: string) => boolean = () => true): void {
    for (const entry of [...this.#active]) if (on(entry.call.extension)) this.#end(entry, cause);
  }

  /** Active calls on `ext`, oldest first (what a page subscribing now should be told). */
  activeOn(ext: string): TrackedCall[] {
    const calls = this.#byExtension.get(ext);
    if (!calls) return [];
    const out: TrackedCall[] = [];
    for (const entry of calls.values()) if (entry.announced) out.push(entry.call);
    return out;
  }

  /** Stops the timeout sweep (shutdown); active calls stay as they are. */
  stop(): void {
    if (this.#sweeper !== null) clearInterval(this.#sweeper);
    this.#sweeper = null;
  }

  #entry(ext: string, callId: string): Entry | undefined {
    return this.#byExtension.get(ext)?.get(callId);
  }

  #add(call: TrackedCall, announced: boolean): Entry {
    let calls = this.#byExtension.get(call.extension);
    if (!calls) {
      calls = new Map();
      this.#byExtension.set(call.extension, calls);
    }
    if (this.#active.size >= MAX_ACTIVE_CALLS) {
      const oldest = this.#active.values().next().value;
      if (oldest) this.#end(oldest, 'TIMEOUT');
    }
    const entry: Entry = { call, touchedAt: call.startedAt, announced };
    calls.set(call.callId, entry);
    this.#active.add(entry);
    if (this.#sweeper === null) {
      // A call ends at most a quarter of the timeout (or a minute) late.
      const every = Math.min(Math.ceil(this.options.timeoutMs / 4), 60_000);
      this.#sweeper = setInterval(() => this.#sweep(), every);
      this.#sweeper.unref();
    }
    return entry;
  }

  #end(entry: Entry, cause: EndCause): void {
    const { call } = entry;
    const calls = this.#byExtension.get(call.extension);
    if (calls?.get(call.callId) !== entry) return;
    calls.delete(call.callId);
    if (calls.size === 0) this.#byExtension.delete(call.extension);
    this.#active.delete(entry);
    if (this.#active.size === 0) this.stop();
    entry.call = { ...call, state: 'ended', cause, endedAt: this.#now() };
    // A call that ended before it was announced is still told, once, as it ended.
    entry.announced = true;
    this.emit('change', entry.call);
  }

  #sweep(): void {
    const limit = this.#now() - this.options.timeoutMs;
    for (const entry of [...this.#active]) {
      if (entry.touchedAt <= limit) this.#end(entry, 'TIMEOUT');
    }
  }
}
