import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onAgentEvent, startHarness, waitUntil, type Harness } from '../helpers/harness.js';
import { listeningClient, type ModernClient } from '../helpers/stomp-clients.js';
import { RawStomp } from '../helpers/raw-clients.js';
import { createMetrics } from '../../src/main/dashboard/metrics.js';

/** A well-behaved page on phone 202 that must not notice anything. */
function bystander(h: Harness): Promise<ModernClient> {
  return listeningClient(h.wsUrl, 'apex-bob');
}

async function stillServed(h: Harness, client: ModernClient, callId: string): Promise<void> {
  const pop = client.next('/user/queue/incoming-call');
  h.sim.ring('202', '+48999', callId);
  assert.equal(JSON.parse((await pop).body).callId, callId);
  assert.equal(client.client.connected, true);
}

/** The agent's 'protocol-error' codes seen, as the dashboard's metrics count them. */
function watch(h: Harness): string[] {
  const codes: string[] = [];
  onAgentEvent(h.agent, 'protocol-error', ({ code }) => codes.push(code));
  return codes;
}

for (const via of ['raw', 'sockjs'] as const) {
  test(`${via}: over maxFramesPerSecond → ERROR FLOOD and close of that session only`, async (t) => {
    const h = await startHarness({ config: { server: { maxFramesPerSecond: 20 } } });
    t.after(() => h.stop());
    const metrics = createMetrics(h.agent);
    t.after(() => metrics.close());
    const codes = watch(h);
    const other = await bystander(h);
    const flooder = await RawStomp.open(h, via);
    await flooder.connect();
    flooder.send('SEND\ndestination:/tapi/frob\n\n\0'.repeat(40));
    const code = await flooder.closed;
    assert.match(
      flooder.frames.at(-1) ?? '',
      /^ERROR\nmessage:FLOOD\\c more than 20 frames per second/,
    );
    assert.equal(code, via === 'raw' ? 1002 : 4002);
    assert.deepEqual(codes, ['FLOOD']);
    const metric = await metrics.registry
      .getSingleMetric('tapi_messenger_protocol_errors_total')
      ?.get();
    assert.equal(metric?.values.find((v) => v.labels.code === 'FLOOD')?.value, 1, 'counted');
    await stillServed(h, other, 'after-flood');
    await other.close();
  });
}

test('a heart-beat flood is a flood too', async (t) => {
  const h = await startHarness({ config: { server: { maxFramesPerSecond: 20 } } });
  t.after(() => h.stop());
  const flooder = await RawStomp.open(h, 'raw');
  await flooder.connect();
  flooder.send('\n'.repeat(100));
  await flooder.closed;
  assert.match(flooder.frames.at(-1) ?? '', /^ERROR\nmessage:FLOOD/);
});

test('a page at the default limit is never refused: listen, subscriptions and dials in a burst', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const codes = watch(h);
  const page = await RawStomp.open(h, 'sockjs');
  const frames = ['CONNECT\naccept-version:1.1,1.0\nheart-beat:10000,10000\n\n\0'];
  for (let i = 0; i < 10; i++)
    frames.push(`SUBSCRIBE\nid:${i}\ndestination:/user/queue/x${i}\n\n\0`);
  frames.push('SEND\ndestination:/tapi/listen\napex_session:apex-alice\n\n\0');
  for (let i = 0; i < 50; i++) frames.push('\n');
  frames.push('SEND\ndestination:/tapi/call\nreceipt:done\n\n{"toNumber":"12"}\0');
  page.send(frames.join(''));
  await page.waitFor((f) => f.startsWith('RECEIPT\nreceipt-id:done'));
  assert.deepEqual(codes, []);
  page.ws.close();
});

test('over maxSubscriptions → ERROR TOO_MANY_SUBSCRIPTIONS; re-subscribing an id or unsubscribing is fine', async (t) => {
  const h = await startHarness({ config: { server: { maxSubscriptions: 3 } } });
  t.after(() => h.stop());
  const codes = watch(h);
  const other = await bystander(h);
  const page = await RawStomp.open(h, 'raw');
  await page.connect();
  const sub = (id: string, n: number): string =>
    `SUBSCRIBE\nid:${id}\ndestination:/user/queue/x${n}\nreceipt:${id}-${n}\n\n\0`;
  page.send(sub('a', 1) + sub('b', 2) + sub('c', 3) + sub('a', 4)); // 3 ids; "a" replaced
  page.send('UNSUBSCRIBE\nid:b\n\n\0' + sub('d', 5)); // 3 again
  await page.waitFor((f) => f.includes('receipt-id:d-5'));
  assert.deepEqual(codes, []);
  page.send(sub('e', 6));
  await page.closed;
  assert.match(
    page.frames.at(-1) ?? '',
    /^ERROR\nmessage:TOO_MANY_SUBSCRIPTIONS\\c a session may hold at most 3 subscriptions/,
  );
  assert.deepEqual(codes, ['TOO_MANY_SUBSCRIPTIONS']);
  await stillServed(h, other, 'after-subs');
  await other.close();
});

test('over maxSessions → the newcomer gets ERROR TOO_MANY_SESSIONS (raw and SockJS); a freed place is reused', async (t) => {
  const h = await startHarness({ config: { server: { maxSessions: 3 } } });
  t.after(() => h.stop());
  const codes = watch(h);
  const other = await bystander(h);
  const second = await RawStomp.open(h, 'raw');
  const third = await RawStomp.open(h, 'sockjs');
  await Promise.all([second.connect(), third.connect()]);

  const refusedRaw = await RawStomp.open(h, 'raw');
  assert.equal(await refusedRaw.closed, 1013);
  assert.match(
    refusedRaw.frames[0] ?? '',
    /^ERROR\nmessage:TOO_MANY_SESSIONS: the agent serves at most 3 connections/,
  );
  const refusedSockjs = await RawStomp.open(h, 'sockjs');
  assert.equal(await refusedSockjs.closed, 4013);
  assert.match(refusedSockjs.frames[0] ?? '', /^ERROR\nmessage:TOO_MANY_SESSIONS/);
  assert.deepEqual(codes, ['TOO_MANY_SESSIONS', 'TOO_MANY_SESSIONS']);
  assert.equal(h.agent.summary().connections, 3);

  second.ws.close();
  await waitUntil(() => h.agent.summary().connections === 2, 5000, 'a free place');
  const fourth = await RawStomp.open(h, 'raw');
  await fourth.connect();
  await stillServed(h, other, 'after-cap');
  third.ws.close();
  fourth.ws.close();
  await other.close();
});
