import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type {
  BridgeEvent,
  CallView,
  LinkView,
  SessionView,
  Snapshot,
} from '../../src/shared/bridge.js';
import { MAX_CALLS, coalesceEvents } from '../../src/shared/coalesce-events.js';
import { DashboardStore } from '../../src/renderer/state/store.js';
import { callView } from '../helpers/calls.js';

const link = (status: LinkView['status'], attempts = 0): LinkView => ({
  host: '127.0.0.1',
  port: 44444,
  status,
  since: 1,
  lastError: null,
  attempts,
  reconnects: 1,
});
const session = (id: string, phone: string | null = null): SessionView => ({
  id,
  apexSession: phone ? `apex-${id}` : null,
  user: phone ? 'ALICE' : null,
  phone,
  clientAddress: '127.0.0.1',
  transport: 'websocket',
  connectedAt: 1,
});
const call = (n: number): CallView =>
  callView({ at: n, extension: '201', caller: `+49${n}`, name: null, callId: `c${n}`, reached: 1 });
const snapshot = (sessions: SessionView[] = [], calls: CallView[] = []): Snapshot => ({
  startedAt: 0,
  endpoint: 'http://127.0.0.1:8081/tapi-messenger',
  link: link('connected'),
  directory: { type: 'file', health: 'ok', source: 'directory.json', lastError: null, since: 0 },
  sessions,
  phones: [],
  calls,
  missedCalls: 0,
});

/** The store's state in a comparable form. */
function applied(events: readonly BridgeEvent[]): unknown {
  const store = new DashboardStore();
  store.apply([{ type: 'snapshot', snapshot: snapshot([session('x', '201')], [call(0)]) }]);
  store.apply(events);
  const s = store.state;
  assert.ok(s);
  return { ...s, sessions: [...s.sessions.entries()].sort(([a], [b]) => a.localeCompare(b)) };
}

test('only the last link, phones and session change count; calls stay in order', () => {
  const events: BridgeEvent[] = [
    { type: 'link', link: link('connecting') },
    { type: 'session-opened', session: session('a') },
    { type: 'call', call: call(1) },
    { type: 'session-updated', session: session('a', '201') },
    { type: 'phones', phones: [{ phone: '201', sessions: 1, listening: false }] },
    { type: 'link', link: link('connected') },
    { type: 'session-opened', session: session('b') },
    { type: 'session-closed', id: 'b' },
    { type: 'phones', phones: [{ phone: '201', sessions: 1, listening: true }] },
    { type: 'call', call: call(2) },
  ];
  const out = coalesceEvents(events);
  assert.deepEqual(
    out.map((e) => e.type),
    ['link', 'session-updated', 'session-closed', 'phones', 'call', 'call'],
  );
  assert.equal(out[0], events[5], 'the events themselves, not copies');
  assert.deepEqual(applied(out), applied(events));
});

test('a snapshot drops everything before it; a burst keeps only the newest calls', () => {
  const before: BridgeEvent[] = [
    { type: 'session-opened', session: session('old') },
    { type: 'call', call: call(1) },
  ];
  const snap: BridgeEvent = { type: 'snapshot', snapshot: snapshot() };
  const after = Array.from({ length: MAX_CALLS + 10 }, (_, i): BridgeEvent => ({
    type: 'call',
    call: call(i + 2),
  }));
  const out = coalesceEvents([...before, snap, ...after]);
  assert.equal(out[0], snap);
  assert.equal(out.length, 1 + MAX_CALLS);
  assert.deepEqual(out.at(-1), { type: 'call', call: call(MAX_CALLS + 11) });
});

const phonesEvent = (n: number): BridgeEvent => ({
  type: 'phones',
  phones: [{ phone: `20${n}`, sessions: n, listening: true }],
});
const snapshotEvent = (id: string): BridgeEvent => ({
  type: 'snapshot',
  snapshot: snapshot([session(id, '202')], [call(-1)]),
});

const eventArb: fc.Arbitrary<BridgeEvent> = fc.oneof(
  fc
    .constantFrom('connected', 'connecting', 'disconnected')
    .map((status): BridgeEvent => ({ type: 'link', link: link(status as LinkView['status']) })),
  fc
    .tuple(
      fc.constantFrom('a', 'b', 'c', 'x'),
      fc.option(fc.constantFrom('201', '202'), { nil: null }),
    )
    .map(([id, phone]): BridgeEvent => ({ type: 'session-opened', session: session(id, phone) })),
  fc
    .tuple(fc.constantFrom('a', 'b', 'c', 'x'), fc.constantFrom('201', '202'))
    .map(([id, phone]): BridgeEvent => ({ type: 'session-updated', session: session(id, phone) })),
  fc.constantFrom('a', 'b', 'c', 'x').map((id): BridgeEvent => ({ type: 'session-closed', id })),
  fc.nat(3).map(phonesEvent),
  fc.nat(10_000).map((n): BridgeEvent => ({ type: 'call', call: call(n) })),
  fc
    .tuple(fc.nat(5), fc.constantFrom('ringing', 'answered', 'ended'))
    .map(([n, state]): BridgeEvent => ({ type: 'call', call: { ...call(n), state } })),
  fc.nat(3).map((count): BridgeEvent => ({ type: 'missed-calls', count })),
  fc.boolean().map((connected): BridgeEvent => ({ type: 'bridge', connected })),
  fc.constantFrom('a', 'z').map(snapshotEvent),
);

test('property: applying the coalesced batch gives the same state as applying every event', () => {
  fc.assert(
    fc.property(fc.array(eventArb, { maxLength: 60 }), (events) => {
      assert.deepEqual(applied(coalesceEvents(events)), applied(events));
    }),
    { numRuns: 500 },
  );
});

test('property: coalescing twice changes nothing more, and never lengthens a batch', () => {
  fc.assert(
    fc.property(fc.array(eventArb, { maxLength: 60 }), (events) => {
      const once = coalesceEvents(events);
      assert.ok(once.length <= events.length);
      assert.deepEqual(coalesceEvents(once), once);
    }),
  );
});

test('cluster: only the last cluster event of a batch counts; the store shows it, or none without a cluster', () => {
  const view = (broker: 'connected' | 'down') => ({
    agentId: 'site-a',
    url: 'amqp://tapi:***@mq:5672/telephony',
    broker,
    since: 1,
    lastError: null,
    extensions: ['1*'],
    agents: [],
    remoteListens: [],
    served: [],
  });
  const events: BridgeEvent[] = [
    { type: 'cluster', cluster: view('down') },
    { type: 'call', call: call(1) },
    { type: 'cluster', cluster: view('connected') },
  ];
  const out = coalesceEvents(events);
  assert.deepEqual(
    out.filter((e) => e.type === 'cluster'),
    [events[2]],
  );
  const store = new DashboardStore();
  store.apply([{ type: 'snapshot', snapshot: snapshot() }]);
  const clusterOf = (): string => store.state?.cluster?.broker ?? 'none';
  assert.equal(clusterOf(), 'none');
  const changed = store.apply(out);
  assert.ok(changed.has('cluster'));
  assert.equal(clusterOf(), 'connected');
});

test('the store keeps each call once: its latest state, where it first appeared', () => {
  const store = new DashboardStore();
  store.apply([{ type: 'snapshot', snapshot: snapshot([], [call(0)]) }]);
  const ringing = (n: number): CallView => ({ ...call(n), state: 'ringing' });
  store.apply([
    { type: 'call', call: ringing(1) },
    { type: 'call', call: ringing(2) },
    { type: 'call', call: { ...call(1), state: 'answered' } },
  ]);
  store.apply([
    { type: 'call', call: { ...call(2), missed: true } },
    { type: 'missed-calls', count: 1 },
  ]);
  assert.deepEqual(
    store.state?.calls.map((c) => [c.callId, c.state, c.missed]),
    [
      ['c2', 'ended', true],
      ['c1', 'answered', false],
      ['c0', 'ended', false],
    ],
  );
  assert.equal(store.state?.missedCalls, 1);
});
