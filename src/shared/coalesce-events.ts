import type { BridgeEvent } from './bridge.js';
import { callKey } from './calls.js';

/** How many calls a view keeps; older ones in a batch are dropped before they are applied. */
export const MAX_CALLS = 500;

/**
 * Folds a run of events into a shorter one with the same effect when applied in order to the
 * same state: only the last `link`, `directory`, `cluster`, `phones`, `missed-calls` and
 * `bridge` event counts, only the last change of each session and of each call, nothing before
 * the last `snapshot`, and at most `maxCalls` calls (the newest). Returns events of the input,
 * never new objects, in this order: snapshot, bridge, link, directory, cluster, sessions, phones,
 * missed-calls, calls (in the order they first appeared).
 *
 * Pure; the dashboard server coalesces before it sends, the dashboard before it renders.
 */
export function coalesceEvents<E extends BridgeEvent>(
  events: readonly E[],
  maxCalls = MAX_CALLS,
): E[] {
  let snapshot: E | undefined;
  let bridge: E | undefined;
  let link: E | undefined;
  let directory: E | undefined;
  let phones: E | undefined;
  let cluster: E | undefined;
  let missed: E | undefined;
  let sessions = new Map<string, E>();
  let calls = new Map<string, E>();
  for (const event of events) {
    switch (event.type) {
      case 'snapshot':
        snapshot = event;
        link = directory = phones = cluster = missed = undefined;
        sessions = new Map();
        calls = new Map();
        break;
      case 'bridge':
        bridge = event;
        break;
      case 'link':
        link = event;
        break;
      case 'directory':
        directory = event;
        break;
      case 'cluster':
        cluster = event;
        break;
      case 'phones':
        phones = event;
        break;
      case 'session-opened':
      case 'session-updated':
        sessions.delete(event.session.id);
        sessions.set(event.session.id, event);
        break;
      case 'session-closed':
        sessions.delete(event.id);
        sessions.set(event.id, event);
        break;
      case 'missed-calls':
        missed = event;
        break;
      case 'call':
        // A call's later state replaces its earlier one where that one was (the store does so).
        calls.set(callKey(event.call), event);
        break;
    }
  }
  const out: E[] = [];
  for (const one of [snapshot, bridge, link, directory, cluster]) if (one) out.push(one);
  out.push(...sessions.values());
  if (phones) out.push(phones);
  if (missed) out.push(missed);
  const kept = [...calls.values()];
  out.push(...(kept.length > maxCalls ? kept.slice(kept.length - maxCalls) : kept));
  return out;
}
