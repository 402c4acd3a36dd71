import type { CallDirection, CallEvent, CallState } from './api.js';

/** A call event before the tab decided whether it raises it. */
export type AgentCallEvent = Omit<CallEvent, 'shown'>;

type Json = Record<string, unknown>;

const STATES: readonly CallState[] = ['ringing', 'dialing', 'answered', 'held', 'ended'];
const DIRECTIONS: readonly CallDirection[] = ['in', 'out'];

function parseObject(body: string): Json | null {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Json)
      : null;
  } catch {
    return null;
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

let localIds = 0;

/**
 * A screen-pop of `/user/queue/incoming-call` (`{"name","phone","extension","callId","at"}`) as
 * a `ringing` call event. A pop without a call id gets one of its own.
 */
export function callEventFromPop(body: string): AgentCallEvent | null {
  const pop = parseObject(body);
  const from = text(pop?.phone);
  if (pop === null || from === null) return null;
  const name = text(pop.name);
  return {
    callId: text(pop.callId) ?? `local-${++localIds}`,
    extension: text(pop.extension) ?? '',
    direction: 'in',
    state: 'ringing',
    from,
    to: text(pop.extension),
    name: name === 'UNKNOWN' ? null : name,
    answeredBy: null,
    cause: null,
    missed: false,
    startedAt: text(pop.at),
    answeredAt: null,
    endedAt: null,
  };
}

/** A message of `/user/queue/call-events`; null when it is not one. */
export function callEventFromMessage(body: string): AgentCallEvent | null {
  const event = parseObject(body);
  if (event === null) return null;
  const callId = text(event.callId);
  const state = STATES.find((s) => s === event.state);
  const direction = DIRECTIONS.find((d) => d === event.direction);
  if (callId === null || state === undefined || direction === undefined) return null;
  return {
    callId,
    extension: text(event.extension) ?? '',
    direction,
    state,
    from: text(event.from),
    to: text(event.to),
    name: text(event.name),
    answeredBy: text(event.answeredBy),
    cause: text(event.cause),
    missed: event.missed === true,
    startedAt: text(event.startedAt),
    answeredAt: text(event.answeredAt),
    endedAt: text(event.endedAt),
  };
}

/**
 * Lets a call event through when it changes the call's state as this page knows it: the agent
 * announces a ringing call both as a screen-pop and on the call-events queue, and repeats the
 * current state of active calls after a (re)subscribe; a page hears of each change once. A
 * call is named by its extension and call id; the last `remember` calls are kept.
 */
export class CallDedupe {
  readonly #states = new Map<string, CallState>();

  constructor(private readonly remember = 200) {}

  isNew(event: AgentCallEvent): boolean {
    const key = `${event.extension}\n${event.callId}`;
    if (this.#states.get(key) === event.state) return false;
    this.#states.delete(key); // re-inserted last: the map's order is least recently changed first
    this.#states.set(key, event.state);
    if (this.#states.size > this.remember) {
      const oldest = this.#states.keys().next().value;
      if (oldest !== undefined) this.#states.delete(oldest);
    }
    return true;
  }
}
