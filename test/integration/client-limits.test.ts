import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onAgentEvent, startHarness, waitUntil, type Harness } from '../helpers/harness.js';
import { fakeDirectory } from '../helpers/fake-directory.js';
import { connectModern, listeningClient, type ModernClient } from '../helpers/stomp-clients.js';
import { RawStomp } from '../helpers/raw-clients.js';
import { createMetrics } from '../../src/main/dashboard/metrics.js';
import { parsePrometheus } from '../helpers/prometheus-text.js';

/** The code of each `/user/queue/errors` message `client` got so far. */
function errorCodes(client: ModernClient): string[] {
  return (client.messages.get('/user/queue/errors') ?? []).map(
    (m) => (JSON.parse(m.body) as { code: string }).code,
  );
}

/** Publishes with a receipt and resolves once the agent has processed the frame. */
function publishProcessed(client: ModernClient, destination: string, body: string): Promise<void> {
  const receipt = `r-${Math.random().toString(36).slice(2)}`;
  const done = new Promise<void>((resolve) =>
    client.client.watchForReceipt(receipt, () => resolve()),
  );
  client.client.publish({ destination, body, headers: { receipt } });
  return done;
}

async function stillServed(h: Harness, client: ModernClient, callId: string): Promise<void> {
  const pop = client.next('/user/queue/incoming-call');
  h.sim.ring('202', '+48999', callId);
  assert.equal((JSON.parse((await pop).body) as { callId: string }).callId, callId);
}

test('ten connections of one APEX session cannot dial more than the configured rate (RATE_LIMITED)', async (t) => {
  const h = await startHarness({
    config: { server: { maxDialsPerPhone: 3, dialWindowMs: 60_000 } },
  });
  t.after(() => h.stop());
  const clients = await Promise.all(
    Array.from({ length: 10 }, () =>
      listeningClient(h.wsUrl, 'apex-alice', ['/user/queue/errors']),
    ),
  );
  t.after(() => Promise.all(clients.map((c) => c.close())));
  await Promise.all(
    clients.flatMap((client) =>
      [1, 2, 3].map((n) =>
        publishProcessed(client, '/tapi/call', JSON.stringify({ toNumber: `+49300${n}` })),
      ),
    ),
  );
  const limited = clients.flatMap(errorCodes);
  assert.equal(limited.length, 27, JSON.stringify(limited));
  assert.ok(limited.every((code) => code === 'RATE_LIMITED'));
  // Every dial was processed (receipts) and 27 refused, so TapiServer gets exactly three.
  const calls = (): string[] => h.sim.lines.filter((l) => l.startsWith('CALL '));
  await waitUntil(() => calls().length >= 3, 5000, 'three CALL lines');
  assert.equal(h.sim.lines.filter((l) => l.startsWith('CALL 201 ')).length, 3);
  // Another phone has its own budget.
  const bob = await listeningClient(h.wsUrl, 'apex-bob', ['/user/queue/errors']);
  t.after(() => bob.close());
  const call = h.sim.waitForLine('CALL 202 +4940');
  await publishProcessed(bob, '/tapi/call', JSON.stringify({ toNumber: '+4940' }));
  await call;
  assert.deepEqual(errorCodes(bob), []);
});

test('listens per connection per minute: over the limit the listen is answered RATE_LIMITED and not looked up', async (t) => {
  const h = await startHarness({ config: { server: { maxListensPerMinute: 2 } } });
  t.after(() => h.stop());
  const client = await listeningClient(h.wsUrl, 'apex-bob', ['/user/queue/errors']);
  t.after(() => client.close());
  const reply = client.next('/topic/is-listen-init');
  client.client.publish({ destination: '/tapi/listen', headers: { apex_session: 'apex-alice' } });
  assert.equal((JSON.parse((await reply).body) as { phone: string }).phone, '201');
  const error = client.next('/user/queue/errors');
  client.client.publish({ destination: '/tapi/listen', headers: { apex_session: 'apex-bob' } });
  assert.equal((JSON.parse((await error).body) as { code: string }).code, 'RATE_LIMITED');
  assert.equal(h.agent.snapshot().sessions[0]?.phone, '201', 'the binding stayed as it was');
});

for (const via of ['raw', 'sockjs'] as const) {
  test(`${via}: a subscription id or destination over 256 bytes → ERROR FIELD_TOO_LONG, close`, async (t) => {
    const h = await startHarness();
    t.after(() => h.stop());
    for (const frame of [
      `SUBSCRIBE\nid:${'i'.repeat(257)}\ndestination:/user/queue/errors\n\n\0`,
      `SUBSCRIBE\nid:1\ndestination:/user/${'d'.repeat(300)}\n\n\0`,
    ]) {
      const client = await RawStomp.open(h, via);
      await client.connect();
      client.send(frame);
      await client.closed;
      assert.match(client.frames.at(-1) ?? '', /^ERROR\nmessage:FIELD_TOO_LONG/);
    }
    const fine = await RawStomp.open(h, via);
    await fine.connect();
    fine.send(`SUBSCRIBE\nid:${'i'.repeat(256)}\ndestination:/user/queue/errors\nreceipt:ok\n\n\0`);
    await fine.waitFor((f) => f.startsWith('RECEIPT'));
    fine.ws.close();
  });
}

test('connections per address: the one over maxSessionsPerAddress is refused; other addresses are not', async (t) => {
  const h = await startHarness({ config: { server: { maxSessionsPerAddress: 2 } } });
  t.after(() => h.stop());
  const first = await RawStomp.open(h, 'raw');
  const second = await RawStomp.open(h, 'sockjs');
  const third = await RawStomp.open(h, 'raw');
  await third.closed;
  assert.match(third.frames[0] ?? '', /^ERROR\nmessage:TOO_MANY_SESSIONS_FROM_ADDRESS/);
  const elsewhere = await RawStomp.open(h, 'raw', { localAddress: '127.0.0.2' });
  await elsewhere.connect();
  second.ws.close();
  await second.closed;
  // A closed connection frees its place.
  const again = await RawStomp.open(h, 'raw');
  await again.connect();
  for (const c of [first, elsewhere, again]) c.ws.close();
});

test('a bug reached through a listen request is contained: counted, that request alone is lost', async (t) => {
  const answers = { 'apex-bob': { kind: 'found', user: 'BOB', phone: '202' } } as const;
  const h = await startHarness({
    directory: fakeDirectory(answers, (apex) => {
      if (apex === 'apex-boom') throw new Error('a bug reached from outside');
      return fakeDirectory(answers).resolve(apex);
    }),
  });
  t.after(() => h.stop());
  const metrics = createMetrics(h.agent);
  t.after(() => metrics.close());
  const bystander = await listeningClient(h.wsUrl, 'apex-bob');
  t.after(() => bystander.close());
  const contained = new Promise<string>((resolve) =>
    onAgentEvent(h.agent, 'contained', ({ where }) => resolve(where)),
  );
  const victim = await connectModern(h.wsUrl);
  t.after(() => victim.close());
  victim.client.publish({ destination: '/tapi/listen', headers: { apex_session: 'apex-boom' } });
  assert.equal(await contained, 'router');
  const exposition = parsePrometheus(await metrics.registry.metrics());
  assert.equal(exposition.value('tapi_messenger_contained_errors_total', { where: 'router' }), 1);
  await stillServed(h, bystander, 'after-bug');
});
