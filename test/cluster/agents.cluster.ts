import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { DIRECTORY, startHarness, waitUntil, type Harness } from '../helpers/harness.js';
import {
  listeningClient,
  loadReferenceClient,
  type ModernClient,
} from '../helpers/stomp-clients.js';
import { startTestBroker, type TestBroker } from '../helpers/rabbitmq.js';
import { healthReport } from '../../src/main/dashboard/health.js';
import { createMetrics } from '../../src/main/dashboard/metrics.js';
import { consoleLogger } from '../../src/main/core/log.js';
import type { CallView, ClusterView } from '../../src/shared/bridge.js';
import type { CallEvent } from '../../src/main/core/payloads.js';

/**
 * Issue 17 acceptance (docs/cluster.md): two agents on a real RabbitMQ, A serving `1*` and B
 * serving `2*`, each with its own TapiServer simulator. One broker for the whole file.
 */

const directory = {
  sessions: { ...DIRECTORY.sessions, 'apex-dave': 'DAVE' },
  users: { ...DIRECTORY.users, DAVE: '101' },
};

let rabbit: TestBroker | null = null;
let skip: string | false = false;

before(async () => {
  const started = await startTestBroker();
  if (typeof started === 'string') skip = started;
  else rabbit = started;
});
after(async () => {
  await rabbit?.close();
});

function startAgent(agentId: string, extensions: string[]): Promise<Harness> {
  return startHarness({
    directoryContents: directory,
    ...(process.env.CLUSTER_DEBUG ? { logger: consoleLogger('debug', `[${agentId}] `) } : {}),
    config: {
      cluster: {
        url: rabbit?.broker.amqpUrl ?? '',
        agentId,
        extensions,
        heartbeatMs: 200,
        reconnectMs: 300,
      },
    },
  });
}

/** Resolves once `sim` has received `line` (before this call or after). */
function heard(h: Harness, line: string, timeoutMs = 10_000): Promise<void> {
  return waitUntil(() => h.sim.lines.includes(line), timeoutMs, `${line} on the TapiServer`);
}

function clusterOf(h: Harness): ClusterView {
  const view = h.agent.snapshot().cluster;
  assert.ok(view, 'the agent is in a cluster');
  return view;
}

const EVENTS = '/user/queue/call-events';

/** The call events of `callId` that `page` received so far, in order. */
function eventsFor(page: ModernClient, callId: string): CallEvent[] {
  return (page.messages.get(EVENTS) ?? [])
    .map((m) => JSON.parse(m.body) as CallEvent)
    .filter((e) => e.callId === callId);
}

/** Resolves once `page` has had `count` events of `callId` in `state`. */
function reached(page: ModernClient, callId: string, state: string, count = 1): Promise<void> {
  return waitUntil(
    () => eventsFor(page, callId).filter((e) => e.state === state).length >= count,
    10_000,
    `${callId} ${state} on the page`,
  );
}

/** `callId` in the call log of `h`'s dashboard, as it is now. */
function logged(h: Harness, callId: string): CallView | undefined {
  return h.agent.snapshot().calls.find((c) => c.callId === callId);
}

/** Both agents connected to the broker and each seeing the other. */
async function meet(a: Harness, b: Harness): Promise<void> {
  const sees = (h: Harness, other: string): boolean => {
    const view = clusterOf(h);
    return view.broker === 'connected' && view.agents.some((p) => p.agentId === other);
  };
  await waitUntil(() => sees(a, 'site-b') && sees(b, 'site-a'), 30_000, 'the agents to meet');
}

/** A (serving `1*`) and B (serving `2*`), met; both stop when the test ends. */
async function twoAgents(t: TestContext): Promise<{ a: Harness; b: Harness }> {
  const a = await startAgent('site-a', ['1*']);
  t.after(() => a.stop());
  const b = await startAgent('site-b', ['2*']);
  t.after(() => b.stop());
  await meet(a, b);
  return { a, b };
}

/** A page on A bound to B's 201 with call events, once B's TapiServer listens on 201. */
async function callPageOnA(t: TestContext, a: Harness, b: Harness): Promise<ModernClient> {
  const page = await listeningClient(a.wsUrl, 'apex-alice', [EVENTS]);
  t.after(() => page.close());
  await heard(b, 'LISTEN 201');
  return page;
}

test('a page on A listens on, gets pops from and dials an extension served by B', async (t) => {
  if (skip) return t.skip(skip);
  const { a, b } = await twoAgents(t);

  // The operator sees the cluster: /health and /metrics of A name B.
  const health = healthReport({
    link: a.agent.summary().link,
    directory: a.agent.summary().directory,
    sessions: 0,
    phones: 0,
    startedAt: a.agent.startedAt,
    cluster: a.agent.clusterView(),
  });
  assert.equal(health.body.cluster?.broker, 'connected');
  assert.deepEqual(
    health.body.cluster?.agents.map((p) => [p.agentId, p.extensions, p.link]),
    [['site-b', ['2*'], 'connected']],
  );
  const metrics = createMetrics(a.agent);
  const text = await metrics.registry.metrics();
  metrics.close();
  assert.match(text, /^tapi_messenger_cluster_broker_up 1$/m);
  assert.match(text, /^tapi_messenger_cluster_agents\{link="connected"\} 1$/m);

  const reference = loadReferenceClient();
  const callers: Array<{ name: string; phone: string }> = [];
  const listened = b.sim.waitForLine('LISTEN 201');
  const page = reference.connectReferenceClient({
    base: a.base,
    apexSession: 'apex-alice',
    onCaller: (caller) => callers.push(caller),
  });
  await listened;
  assert.ok(!a.sim.lines.includes('LISTEN 201'), "A's own TapiServer is not asked for 201");

  b.sim.ring('201', '+48123456789', 'c1', 'Jan Kowalski');
  // One call, one pop on the page (as for a local call), although it has two call subscriptions.
  await waitUntil(() => callers.length >= 1, 5000, 'the pop on the page on A');
  assert.equal(a.agent.snapshot().calls[0]?.reached, 1);

  reference.referenceDial(page, '+48 22 555-01-02');
  assert.equal(await b.sim.waitForLine(/^CALL /), 'CALL 201 +48225550102');
  assert.ok(!a.sim.lines.some((l) => l.startsWith('CALL')));
  // The dial went out after the pop's fan-out: a second pop for the same call would be here.
  assert.deepEqual(
    callers.map((c) => [c.name, c.phone]),
    [['Jan Kowalski', '+48123456789']],
  );

  const unlistened = b.sim.waitForLine('UNLISTEN 201');
  page.ws.close();
  await unlistened;
});

test('listens are counted across agents: B unlistens only when no page anywhere listens', async (t) => {
  if (skip) return t.skip(skip);
  const { a, b } = await twoAgents(t);

  const onB = await listeningClient(b.wsUrl, 'apex-alice-2');
  const onA = await listeningClient(a.wsUrl, 'apex-alice');
  assert.equal(onA.reply.phone, '201');
  await waitUntil(
    () => clusterOf(b).served.some((s) => s.extension === '201' && s.agents.includes('site-a')),
    5000,
    "B to count A's listen on 201",
  );
  await onB.close();
  await waitUntil(() => b.agent.snapshot().sessions.length === 0, 5000, 'the page on B to close');
  b.sim.ring('201', '+48600700800', 'c2');
  await onA.next('/user/queue/incoming-call');
  assert.equal(b.sim.lines.filter((l) => l === 'LISTEN 201').length, 1);
  assert.ok(!b.sim.lines.includes('UNLISTEN 201'), 'a page on A still listens');

  const unlistened = b.sim.waitForLine('UNLISTEN 201');
  await onA.close();
  await unlistened;
});

test('B stops: the page on A gets LINK_DOWN; B starts again: the next call reaches the page', async (t) => {
  if (skip) return t.skip(skip);
  const a = await startAgent('site-a', ['1*']);
  t.after(() => a.stop());
  let b = await startAgent('site-b', ['2*']);
  t.after(() => b.stop());
  await meet(a, b);

  const page = await listeningClient(a.wsUrl, 'apex-alice', ['/user/queue/errors']);
  await heard(b, 'LISTEN 201');
  const linkDown = page.next('/user/queue/errors');
  await b.stop();
  const error = JSON.parse((await linkDown).body) as { code: string; message: string };
  assert.equal(error.code, 'LINK_DOWN');
  assert.match(error.message, /201.*site-b/);
  assert.deepEqual(
    clusterOf(a).agents.map((p) => [p.agentId, p.link]),
    [['site-b', 'gone']],
    'the dashboard shows B gone',
  );

  page.client.publish({ destination: '/tapi/call', body: JSON.stringify({ toNumber: '600' }) });
  assert.equal(
    (JSON.parse((await page.next('/user/queue/errors')).body) as { code: string }).code,
    'LINK_DOWN',
    'a dial while no agent serves 201 is refused',
  );

  b = await startAgent('site-b', ['2*']);
  await heard(b, 'LISTEN 201'); // re-established: the page did nothing
  await waitUntil(() => clusterOf(a).agents[0]?.link === 'connected', 5000, 'B back on A');
  b.sim.ring('201', '+48111222333', 'c3');
  const pop = JSON.parse((await page.next('/user/queue/incoming-call')).body) as { phone: string };
  assert.equal(pop.phone, '+48111222333');
  await page.close();
});

test('RabbitMQ stops: local pops go on, remote ones report LINK_DOWN and resume after it returns', async (t) => {
  if (skip || !rabbit) return t.skip(skip || 'no broker');
  const broker = rabbit.broker;
  const { a, b } = await twoAgents(t);

  const local = await listeningClient(a.wsUrl, 'apex-dave');
  await heard(a, 'LISTEN 101');
  const remote = await listeningClient(a.wsUrl, 'apex-alice', ['/user/queue/errors', EVENTS]);
  await heard(b, 'LISTEN 201');
  b.sim.ring('201', '+48221234567', 'c4r');
  await reached(remote, 'c4r', 'ringing');

  const linkDown = remote.next('/user/queue/errors', 30_000);
  await broker.stop();
  assert.equal((JSON.parse((await linkDown).body) as { code: string }).code, 'LINK_DOWN');
  // B can no longer tell A how the remote call goes: it ends, as when a TapiServer link drops.
  await reached(remote, 'c4r', 'ended');
  assert.equal(eventsFor(remote, 'c4r').at(-1)?.cause, 'LINK_LOST');
  a.sim.ring('101', '+48500600700', 'c4');
  const localPop = JSON.parse((await local.next('/user/queue/incoming-call')).body) as {
    extension: string;
  };
  assert.equal(localPop.extension, '101');

  await broker.restart();
  await meet(a, b);
  b.sim.ring('201', '+48999888777', 'c5');
  const remotePop = JSON.parse((await remote.next('/user/queue/incoming-call', 10_000)).body) as {
    phone: string;
  };
  assert.equal(remotePop.phone, '+48999888777');
  await local.close();
  await remote.close();
});

test("a call on B's extension: the page on A follows it from the pop to its end, with B's call id", async (t) => {
  if (skip) return t.skip(skip);
  const { a, b } = await twoAgents(t);

  const page = await callPageOnA(t, a, b);

  b.sim.ring('201', '+48221234567', 'x1', 'Jan Kowalski');
  const pop = JSON.parse((await page.next('/user/queue/incoming-call')).body) as {
    callId: string;
  };
  assert.equal(pop.callId, 'x1');
  // B's TapiServer reports the rest at once: the page gets it in TapiServer's order.
  b.sim.answer('x1');
  b.sim.callState('201', 'x1', 'ONHOLD');
  b.sim.callState('201', 'x1', 'CONNECTED', '201');
  b.sim.hangup('x1', 'NORMAL');
  await reached(page, 'x1', 'ended');
  const events = eventsFor(page, 'x1');
  assert.deepEqual(
    events.map((e) => [e.state, e.direction, e.from, e.to, e.name, e.cause, e.missed]),
    [
      ['ringing', 'in', '+48221234567', '201', 'Jan Kowalski', null, false],
      ['answered', 'in', '+48221234567', '201', 'Jan Kowalski', null, false],
      ['held', 'in', '+48221234567', '201', 'Jan Kowalski', null, false],
      ['answered', 'in', '+48221234567', '201', 'Jan Kowalski', null, false],
      ['ended', 'in', '+48221234567', '201', 'Jan Kowalski', 'NORMAL', false],
    ],
  );
  assert.equal(events.at(-1)?.answeredBy, '201');

  // Each agent logs the call: A with the page it reached, B (whose TapiServer reported it) with none.
  const onA = logged(a, 'x1');
  assert.deepEqual(
    [onA?.state, onA?.cause, onA?.missed, onA?.answeredBy, onA?.reached],
    ['ended', 'NORMAL', false, '201', 1],
  );
  await waitUntil(() => logged(b, 'x1')?.state === 'ended', 5000, 'the call ended on B');
  const onB = logged(b, 'x1');
  assert.deepEqual(
    [onB?.cause, onB?.missed, onB?.answeredBy, onB?.reached],
    ['NORMAL', false, '201', 0],
  );
  assert.equal(a.agent.snapshot().missedCalls, 0);
});

test("a call on B's extension nobody answers ends missed on the page on A", async (t) => {
  if (skip) return t.skip(skip);
  const { a, b } = await twoAgents(t);

  const page = await callPageOnA(t, a, b);

  b.sim.ring('201', '+48500600700', 'x2');
  await reached(page, 'x2', 'ringing');
  b.sim.hangup('x2', 'NOANSWER');
  await reached(page, 'x2', 'ended');
  assert.deepEqual(
    eventsFor(page, 'x2').map((e) => [e.state, e.cause, e.missed, e.answeredAt]),
    [
      ['ringing', null, false, null],
      ['ended', 'NOANSWER', true, null],
    ],
  );
  const onA = logged(a, 'x2');
  assert.deepEqual([onA?.missed, onA?.cause, onA?.reached], [true, 'NOANSWER', 1]);
  assert.equal(a.agent.snapshot().missedCalls, 1, "A's tray counts the missed call");
});

test("calls on B's extension end LINK_LOST on A when B's TapiServer link drops or B stops, not when A's does", async (t) => {
  if (skip) return t.skip(skip);
  const { a, b } = await twoAgents(t);

  const page = await callPageOnA(t, a, b);
  b.sim.ring('201', '+48221234567', 'y1');
  b.sim.answer('y1');
  await reached(page, 'y1', 'answered');

  // A's own TapiServer goes away: B's call is none of its business and goes on.
  await a.sim.stop();
  await waitUntil(() => a.agent.snapshot().link.status !== 'connected', 5000, "A's link down");
  b.sim.callState('201', 'y1', 'ONHOLD');
  await reached(page, 'y1', 'held');

  // B's TapiServer goes away: B cannot report the call's end any more, A ends it.
  await b.sim.stop();
  await reached(page, 'y1', 'ended');
  assert.deepEqual(
    eventsFor(page, 'y1').map((e) => [e.state, e.cause, e.missed]),
    [
      ['ringing', null, false],
      ['answered', null, false],
      ['held', null, false],
      ['ended', 'LINK_LOST', false],
    ],
  );
  assert.equal(logged(a, 'y1')?.cause, 'LINK_LOST');

  // B's TapiServer is back; a new call rings and B stops mid-call.
  await b.sim.start();
  await waitUntil(
    () => b.sim.lines.filter((l) => l === 'LISTEN 201').length === 2,
    10_000,
    'LISTEN 201 again on B',
  );
  b.sim.ring('201', '+48600700800', 'y2');
  await reached(page, 'y2', 'ringing');
  await b.stop();
  await reached(page, 'y2', 'ended');
  assert.deepEqual(
    eventsFor(page, 'y2').map((e) => [e.state, e.cause, e.missed]),
    [
      ['ringing', null, false],
      ['ended', 'LINK_LOST', true],
    ],
  );
});

test("an outbound call dialled from a page on A on B's extension: every page on 201, on A and on B, follows it", async (t) => {
  if (skip) return t.skip(skip);
  const { a, b } = await twoAgents(t);

  const onA = await listeningClient(a.wsUrl, 'apex-alice', [EVENTS]);
  t.after(() => onA.close());
  const onB = await listeningClient(b.wsUrl, 'apex-alice-2', [EVENTS]);
  t.after(() => onB.close());
  await heard(b, 'LISTEN 201');
  const dialled = b.sim.waitForLine(/^CALL /);
  onA.client.publish({
    destination: '/tapi/call',
    body: JSON.stringify({ toNumber: '+48 22 555 01 02' }),
  });
  assert.equal(await dialled, 'CALL 201 +48225550102');

  // B's TapiServer names the call (OK CALL … sim-1) and plays DIALING → RINGBACK → CONNECTED.
  const callId = 'sim-1';
  await reached(onA, callId, 'answered');
  b.sim.hangup(callId, 'NORMAL');
  const expected = [
    ['dialing', 'out', '201', '+48225550102', null, false],
    ['ringing', 'out', '201', '+48225550102', null, false],
    ['answered', 'out', '201', '+48225550102', null, false],
    ['ended', 'out', '201', '+48225550102', 'NORMAL', false],
  ];
  for (const page of [onA, onB]) {
    await reached(page, callId, 'ended');
    assert.deepEqual(
      eventsFor(page, callId).map((e) => [e.state, e.direction, e.from, e.to, e.cause, e.missed]),
      expected,
    );
  }
  for (const h of [a, b]) {
    const call = logged(h, callId);
    assert.deepEqual([call?.direction, call?.state, call?.cause], ['out', 'ended', 'NORMAL']);
  }
});
