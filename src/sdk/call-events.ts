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
 * Lets each step of a call through once: the agent announces a ringing call both as a
 * screen-pop and on the call-events queue, and a page must hear of it once.
 */
export class CallDedupe {
  readonly #seen = new Set<string>();

  constructor(private readonly remember = 200) {}

  isNew(event: AgentCallEvent): boolean {
    const key = `${event.callId}\n${event.state}`;
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    if (this.#seen.size > this.remember) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    return true;
  }
}
