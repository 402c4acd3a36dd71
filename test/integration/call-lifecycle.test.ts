import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, waitUntil, type Harness } from '../helpers/harness.js';
import { listeningClient, type ModernClient } from '../helpers/stomp-clients.js';
import type { CallEvent } from '../../src/main/core/payloads.js';

const EVENTS = '/user/queue/call-events';

/** The call events `client` received so far, parsed. */
const eventsOf = (client: ModernClient): CallEvent[] =>
  (client.messages.get(EVENTS) ?? []).map((m) => JSON.parse(m.body) as CallEvent);

function eventsFor(client: ModernClient, callId: string): CallEvent[] {
  return eventsOf(client).filter((e) => e.callId === callId);
}

async function waitForState(client: ModernClient, callId: string, state: string): Promise<void> {
  await waitUntil(
    () => eventsFor(client, callId).some((e) => e.state === state),
    5000,
    `${callId} ${state}`,
  );
}

async function pageOn201(h: Harness): Promise<ModernClient> {
  const page = await listeningClient(h.wsUrl, 'apex-alice', [EVENTS]);
  assert.equal(page.reply.listening, true);
  return page;
}

test('call events: ringing, answered, ended — and a call nobody answered is missed', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const page = await pageOn201(h);
  const bob = await listeningClient(h.wsUrl, 'apex-bob', [EVENTS]);
  t.after(() => Promise.all([page.close(), bob.close()]));

  h.sim.sendRaw('INCOMING 201 +48221234567 c1\n');
  await waitForState(page, 'c1', 'ringing');
  h.sim.sendRaw('CALLSTATE 201 c1 CONNECTED 201\n');
  await waitForState(page, 'c1', 'answered');
  h.sim.sendRaw('CALLSTATE 201 c1 DISCONNECTED NORMAL\n');
  await waitForState(page, 'c1', 'ended');
  const c1 = eventsFor(page, 'c1');
  assert.deepEqual(
    c1.map((e) => [e.state, e.missed]),
    [
      ['ringing', false],
      ['answered', false],
      ['ended', false],
    ],
  );
  const [ringing, answered, ended] = c1 as [CallEvent, CallEvent, CallEvent];
  assert.deepEqual(Object.keys(ended), [
    'callId',
    'extension',
    'direction',
    'state',
    'from',
    'to',
    'name',
    'answeredBy',
    'cause',
    'missed',
    'startedAt',
    'answeredAt',
    'endedAt',
  ]);
  assert.deepEqual(ringing, {
    callId: 'c1',
    extension: '201',
    direction: 'in',
    state: 'ringing',
    from: '+48221234567',
    to: '201',
    name: null,
    answeredBy: null,
    cause: null,
    missed: false,
    startedAt: ringing.startedAt,
    answeredAt: null,
    endedAt: null,
  });
  assert.equal(answered.answeredBy, '201');
  assert.equal(ended.cause, 'NORMAL');
  assert.ok(Date.parse(ended.startedAt) <= Date.parse(ended.answeredAt ?? ''));
  assert.ok(Date.parse(ended.answeredAt ?? '') <= Date.parse(ended.endedAt ?? ''));

  h.sim.sendRaw('INCOMING 201 +48500 c2\n');
  h.sim.sendRaw('CALLSTATE 201 c2 DISCONNECTED NOANSWER\n');
  await waitForState(page, 'c2', 'ended');
  assert.deepEqual(
    eventsFor(page, 'c2').map((e) => [e.state, e.cause, e.missed]),
    [
      ['ringing', null, false],
      ['ended', 'NOANSWER', true],
    ],
  );
  assert.deepEqual(eventsOf(bob), [], 'sessions on other extensions hear nothing');

  const log = h.agent.snapshot().calls;
  assert.deepEqual(
    log.map((c) => [c.callId, c.state, c.missed, c.reached]),
    [
      ['c2', 'ended', true, 1],
      ['c1', 'ended', false, 1],
    ],
    'the call log holds each call once, as it ended',
  );
  assert.equal(h.agent.snapshot().missedCalls, 1, 'the tray counts the missed call');
  h.agent.markCallsSeen();
  assert.equal(h.agent.snapshot().missedCalls, 0, 'until the operator looks');
});

test('a page that subscribes mid-call first gets the state of the active call', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const first = await pageOn201(h);
  t.after(() => first.close());
  h.sim.ring('201', '+48500', 'live');
  await waitForState(first, 'live', 'ringing');

  // A second page that has listened already, then subscribes.
  const late = await listeningClient(h.wsUrl, 'apex-alice-2');
  t.after(() => late.close());
  late.subscribe(EVENTS);
  await waitUntil(() => eventsOf(late).length === 1, 5000, 'the snapshot');
  h.sim.answer('live');
  await waitForState(late, 'live', 'answered');
  assert.deepEqual(
    eventsFor(late, 'live').map((e) => e.state),
    ['ringing', 'answered'],
  );

  // A reloaded page: subscribes first, then listens; it is told once it is bound.
  const reloaded = await pageOn201(h);
  t.after(() => reloaded.close());
  await waitUntil(() => eventsOf(reloaded).length === 1, 5000, 'the snapshot after listen');
  assert.equal(eventsFor(reloaded, 'live')[0]?.state, 'answered');
});

test('outbound: the simulator names the call and plays dialing, ringing, answered', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const page = await pageOn201(h);
  t.after(() => page.close());
  page.client.publish({
    destination: '/tapi/call',
    body: JSON.stringify({ toNumber: '+4822555' }),
  });
  await waitUntil(() => eventsOf(page).some((e) => e.state === 'answered'), 5000, 'answered');
  const events = eventsOf(page);
  assert.deepEqual(
    events.map((e) => [e.direction, e.state, e.from, e.to]),
    [
      ['out', 'dialing', '201', '+4822555'],
      ['out', 'ringing', '201', '+4822555'],
      ['out', 'answered', '201', '+4822555'],
    ],
  );
  const callId = events[0]?.callId ?? '';
  h.sim.hangup(callId);
  await waitForState(page, callId, 'ended');
  assert.equal(eventsFor(page, callId).at(-1)?.missed, false);
});

test('link lost: every active call ends with LINK_LOST', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const page = await pageOn201(h);
  t.after(() => page.close());
  h.sim.ring('201', '+48500', 'a');
  h.sim.ring('201', '+48501', 'b');
  h.sim.answer('b');
  await waitForState(page, 'b', 'answered');
  await h.sim.stop();
  await waitUntil(() => eventsOf(page).filter((e) => e.state === 'ended').length === 2);
  assert.deepEqual(
    eventsOf(page)
      .filter((e) => e.state === 'ended')
      .map((e) => [e.callId, e.cause, e.missed]),
    [
      ['a', 'LINK_LOST', true],
      ['b', 'LINK_LOST', false],
    ],
  );
  assert.equal(h.agent.snapshot().calls.filter((c) => c.state !== 'ended').length, 0);
});

test('a version-1 TapiServer: one pop per call, with an id the agent made; dialling as before', async (t) => {
  const h = await startHarness({ simulatorOptions: { version: 1 } });
  t.after(() => h.stop());
  const page = await listeningClient(h.wsUrl, 'apex-alice', [
    '/user/queue/incoming-call-userapex-alice',
  ]);
  t.after(() => page.close());
  h.sim.ring('201', '+48500');
  h.sim.ring('201', '+48501');
  await waitUntil(() => h.agent.snapshot().calls.length === 2, 5000, 'two calls');
  await waitUntil(
    () => (page.messages.get('/user/queue/incoming-call-userapex-alice') ?? []).length === 2,
    5000,
    'two pops',
  );
  const pops = (page.messages.get('/user/queue/incoming-call-userapex-alice') ?? []).map(
    (m) => JSON.parse(m.body) as { phone: string; callId: string },
  );
  assert.deepEqual(
    pops.map((p) => p.phone),
    ['+48500', '+48501'],
  );
  assert.notEqual(pops[0]?.callId, pops[1]?.callId, 'each call has its own id');
  assert.equal(page.messages.get('/user/queue/incoming-call'), undefined, 'not a second pop');

  page.client.publish({
    destination: '/tapi/call',
    body: JSON.stringify({ toNumber: '+4822555' }),
  });
  await h.sim.waitForLine('CALL 201 +4822555');
  assert.deepEqual(
    h.agent.snapshot().calls.map((c) => [c.direction, c.state]),
    [
      ['in', 'ringing'],
      ['in', 'ringing'],
    ],
    'no outbound call without a call id from TapiServer',
  );
});
