import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { EventEmitter } from 'node:events';
import type { BridgeEvent, CallView, DashboardEvent, Snapshot } from '../../src/shared/bridge.js';
import { DashboardHub, type DashboardSource } from '../../src/main/dashboard/dashboard-hub.js';
import { silentLogger } from '../../src/main/core/log.js';
import type { AgentEvent } from '../../src/main/agent-events.js';
import { callView } from '../helpers/calls.js';

/** A stand-in agent whose snapshot includes every call emitted so far, like the real one. */
class FakeAgent implements DashboardSource {
  readonly calls: CallView[] = [];
  readonly #events = new EventEmitter();
  restarts = 0;

  snapshot(): Snapshot {
    return {
      startedAt: 0,
      endpoint: 'x',
      link: {
        host: 'h',
        port: 1,
        status: 'connected',
        since: 0,
        lastError: null,
        attempts: 0,
        reconnects: 1,
      },
      directory: { type: 'file', health: 'ok', source: 'd', lastError: null, since: 0 },
      sessions: [],
      phones: [],
      calls: [...this.calls].reverse(),
      missedCalls: 0,
    };
  }
  restartLink(): void {
    this.restarts++;
  }
  markCallsSeen(): void {}
  on(event: 'event', listener: (event: AgentEvent) => void): () => void {
    this.#events.on(event, listener);
    return () => this.#events.off(event, listener);
  }
  ring(n: number): void {
    const call: CallView = callView({
      at: n,
      extension: '201',
      caller: `${n}`,
      name: null,
      callId: null,
      reached: 0,
    });
    this.calls.push(call);
    this.#events.emit('event', { type: 'call', call } satisfies DashboardEvent);
  }
  /** What the agent counts but the dashboard does not show. */
  act(): void {
    for (const event of [
      { type: 'dial', outcome: 'sent' },
      { type: 'protocol-error', sessionId: 's1', code: 'FLOOD', message: 'FLOOD' },
    ] satisfies AgentEvent[])
      this.#events.emit('event', event);
  }
  get listeners(): number {
    return this.#events.listenerCount('event');
  }
}

/** Collects batches; `next()` resolves with the next one. */
function collector(): {
  batches: BridgeEvent[][];
  listener: (e: BridgeEvent[]) => void;
  next(): Promise<BridgeEvent[]>;
} {
  const batches: BridgeEvent[][] = [];
  const emitter = new EventEmitter();
  return {
    batches,
    listener: (events) => {
      batches.push(events);
      emitter.emit('batch', events);
    },
    next: async () => ((await once(emitter, 'batch')) as [BridgeEvent[]])[0],
  };
}

const callsIn = (batches: BridgeEvent[][]): number[] =>
  batches
    .flat()
    .flatMap((e) =>
      e.type === 'call'
        ? [e.call.at]
        : e.type === 'snapshot'
          ? e.snapshot.calls.map((c) => c.at)
          : [],
    );

test('a subscriber gets a snapshot at once, then one coalesced batch per flush', async () => {
  const agent = new FakeAgent();
  const hub = new DashboardHub(agent, silentLogger(), 20);
  const c = collector();
  hub.subscribe(c.listener);
  assert.equal(c.batches.length, 1);
  assert.equal(c.batches[0]?.[0]?.type, 'snapshot');
  const next = c.next();
  for (let i = 1; i <= 1000; i++) agent.ring(i);
  const batch = await next;
  assert.equal(c.batches.length, 2, '1,000 events, one batch');
  assert.equal(batch.length, 500, 'capped to the newest 500 calls');
  assert.equal(batch.at(-1)?.type === 'call' && batch.at(-1)?.type, 'call');
  hub.close();
  assert.equal(agent.listeners, 0, 'close stops listening to the agent');
});

test("the agent's activity (dials, protocol errors) stays off the bridge", async () => {
  const agent = new FakeAgent();
  const hub = new DashboardHub(agent, silentLogger(), 5);
  const c = collector();
  hub.subscribe(c.listener);
  const next = c.next();
  agent.act();
  agent.ring(1);
  agent.act();
  assert.deepEqual(
    (await next).map((e) => e.type),
    ['call'],
  );
  hub.close();
});

test('a late subscriber sees each call once: in its snapshot or in a batch, never both', async () => {
  const agent = new FakeAgent();
  const hub = new DashboardHub(agent, silentLogger(), 20);
  const early = collector();
  hub.subscribe(early.listener);
  const earlyBatch = early.next();
  agent.ring(1);
  agent.ring(2);
  const late = collector();
  hub.subscribe(late.listener); // calls 1 and 2 are pending: its snapshot has them
  const lateBatch = late.next();
  agent.ring(3);
  await Promise.all([earlyBatch, lateBatch]);
  assert.deepEqual(callsIn(early.batches), [1, 2, 3]);
  assert.deepEqual(callsIn(late.batches).sort(), [1, 2, 3]);
  hub.close();
});

test('a failing subscriber is dropped without hurting the others; restartLink reaches the agent', async () => {
  const agent = new FakeAgent();
  const hub = new DashboardHub(agent, silentLogger(), 5);
  let calls = 0;
  hub.subscribe(() => {
    if (++calls > 1) throw new Error('gone');
  });
  const good = collector();
  hub.subscribe(good.listener);
  const next = good.next();
  agent.ring(1);
  await next;
  assert.equal(hub.subscriberCount, 1);
  hub.restartLink();
  assert.equal(agent.restarts, 1);
  hub.close();
});

test('without subscribers nothing is buffered', () => {
  const agent = new FakeAgent();
  const hub = new DashboardHub(agent, silentLogger(), 5);
  const unsubscribe = hub.subscribe(() => undefined);
  unsubscribe();
  for (let i = 0; i < 10; i++) agent.ring(i);
  assert.equal(hub.subscriberCount, 0);
  hub.close();
});
