import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, waitUntil } from '../helpers/harness.js';
import { listeningClient, type ModernClient } from '../helpers/stomp-clients.js';

async function listen(wsUrl: string, apexSession: string): Promise<ModernClient> {
  const client = await listeningClient(wsUrl, apexSession);
  assert.equal(client.reply.listening, true);
  return client;
}

test('three sessions on one phone: one LISTEN, UNLISTEN only when the last one goes', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const a = await listen(h.wsUrl, 'apex-alice');
  const b = await listen(h.wsUrl, 'apex-alice-2'); // user names compare case-insensitively
  const c = await listen(h.wsUrl, 'apex-alice');
  const bob = await listen(h.wsUrl, 'apex-bob');
  assert.deepEqual(h.sim.lines.filter((l) => l.startsWith('LISTEN')).sort(), [
    'LISTEN 201',
    'LISTEN 202',
  ]);

  // A call to 201 reaches every open session of 201 and none of 202.
  const pops = [a, b, c].map((client) => client.next('/user/queue/incoming-call'));
  h.sim.ring('201', '555', 'x1');
  for (const pop of await Promise.all(pops)) assert.equal(JSON.parse(pop.body).phone, '555');
  const bobPop = bob.next('/user/queue/incoming-call');
  h.sim.ring('202', '777', 'x2');
  assert.equal(JSON.parse((await bobPop).body).phone, '777');
  assert.deepEqual(
    [a, b, c].map((client) => client.messages.get('/user/queue/incoming-call')?.length),
    [1, 1, 1],
    'no session of 201 got the call for 202',
  );
  assert.equal(h.agent.snapshot().calls[1]?.reached, 3);

  await a.close();
  await b.close();
  await waitUntil(() => h.agent.snapshot().sessions.length === 2, 5000, 'two sessions to close');
  assert.ok(!h.sim.lines.includes('UNLISTEN 201'), 'no UNLISTEN while a session remains');
  const unlistened = h.sim.waitForLine('UNLISTEN 201');
  await c.close();
  await unlistened;
  assert.equal(h.sim.lines.filter((l) => l === 'UNLISTEN 201').length, 1);
  await bob.close();
});

test('a second listen from the same session re-binds it to the new phone', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const client = await listen(h.wsUrl, 'apex-alice');
  const moved = Promise.all([h.sim.waitForLine('UNLISTEN 201'), h.sim.waitForLine('LISTEN 202')]);
  const reply = client.next('/topic/is-listen-init');
  client.client.publish({ destination: '/tapi/listen', headers: { apex_session: 'apex-bob' } });
  await moved;
  assert.deepEqual(JSON.parse((await reply).body), { listening: true, phone: '202', user: 'BOB' });
  assert.deepEqual(
    h.agent.snapshot().phones.map((p) => p.phone),
    ['202'],
  );
  await client.close();
});

test('the listen reply goes only to the session that asked', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const bystander = await listen(h.wsUrl, 'apex-bob');
  const asker = await listen(h.wsUrl, 'apex-alice');
  assert.equal(bystander.messages.get('/topic/is-listen-init')?.length, 1, 'only its own reply');
  assert.equal(asker.messages.get('/topic/is-listen-init')?.length, 1);
  await bystander.close();
  await asker.close();
});
