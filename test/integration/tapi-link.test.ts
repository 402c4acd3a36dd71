import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onAgentEvent, startHarness } from '../helpers/harness.js';
import { listeningClient, type ModernClient } from '../helpers/stomp-clients.js';
import { TapiSimulator } from '../../tools/tapi-simulator.js';

function listen(wsUrl: string, apexSession: string): Promise<ModernClient> {
  return listeningClient(wsUrl, apexSession, ['/user/queue/errors']);
}

test('TapiServer restarted: the link reconnects, LISTEN resent, calls delivered', async (t) => {
  const h = await startHarness({ config: { tapi: { reconnectMs: 500 } } });
  t.after(() => h.stop());
  const alice = await listen(h.wsUrl, 'apex-alice');
  const bob = await listen(h.wsUrl, 'apex-bob');
  const port = h.sim.port;
  const down = new Promise<void>((resolve) =>
    onAgentEvent(h.agent, 'link', ({ link }) => link.status === 'disconnected' && resolve()),
  );
  await h.sim.stop();
  await down;

  // While the link is down a dial is refused at once, never queued.
  const refused = alice.next('/user/queue/errors');
  alice.client.publish({ destination: '/tapi/call', body: '{"toNumber":"123"}' });
  assert.equal(JSON.parse((await refused).body).code, 'LINK_DOWN');

  const sim = new TapiSimulator({ port });
  t.after(() => sim.stop());
  const relistened = Promise.all([
    sim.waitForLine('LISTEN 201', 3000),
    sim.waitForLine('LISTEN 202', 3000),
  ]);
  await sim.start();
  await relistened;
  assert.ok(!sim.lines.includes('CALL 201 123'), 'the refused dial did not fire later');
  assert.equal(
    sim.lines.filter((l) => l.startsWith('LISTEN')).length,
    2,
    'each phone re-LISTENed exactly once',
  );

  const pop = bob.next('/user/queue/incoming-call');
  sim.ring('202', '+4812');
  assert.equal(JSON.parse((await pop).body).phone, '+4812');
  await alice.close();
  await bob.close();
});

test('restart() drops the link and reconnects at once, re-LISTENing every phone', async (t) => {
  const h = await startHarness({ config: { tapi: { reconnectMs: 60000 } } });
  t.after(() => h.stop());
  const alice = await listen(h.wsUrl, 'apex-alice');
  const reconnected = h.sim.waitForConnection();
  const relisten = h.sim.waitForLine('LISTEN 201');
  h.agent.restartLink();
  await reconnected;
  await relisten;
  assert.equal(h.sim.connectionCount, 2);
  await alice.close();
});

test('garbage from TapiServer is logged and ignored; the link stays up', async (t) => {
  const warnings: string[] = [];
  const logger = {
    error: (m: string) => warnings.push(m),
    warn: (m: string) => warnings.push(m),
    info: () => undefined,
    debug: () => undefined,
  };
  const h = await startHarness({ logger });
  t.after(() => h.stop());
  const alice = await listen(h.wsUrl, 'apex-alice');
  h.sim.sendRaw(Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0a]));
  h.sim.sendRaw('x'.repeat(10 * 1024) + '\n');
  h.sim.sendRaw('FROBNICATE 201\nINCOMING\nINCOMING 2@1 +48\n');
  const pop = alice.next('/user/queue/incoming-call');
  h.sim.ring('201', '+48500', 'ok-1');
  assert.equal(JSON.parse((await pop).body).callId, 'ok-1');
  assert.equal(h.agent.summary().link.status, 'connected');
  assert.equal(h.sim.connectionCount, 1, 'never reconnected');
  assert.ok(
    warnings.some((w) => /not valid UTF-8/.test(w)),
    'binary garbage logged',
  );
  assert.ok(
    warnings.some((w) => /10240 bytes/.test(w)),
    'overlong line logged',
  );
  assert.ok(
    warnings.some((w) => /unknown verb "FROBNICATE"/.test(w)),
    'unknown verb logged',
  );
  assert.equal(
    alice.messages.get('/user/queue/incoming-call')?.length,
    1,
    'no pop from the malformed lines',
  );
  await alice.close();
});

test('keep-alive: a silent TapiServer (half-open) is dropped and reconnected', async (t) => {
  const h = await startHarness({ config: { tapi: { keepaliveMs: 200, reconnectMs: 100 } } });
  t.after(() => h.stop());
  const errors: string[] = [];
  onAgentEvent(h.agent, 'link', ({ link }) => {
    if (link.lastError) errors.push(link.lastError);
  });
  await h.sim.waitForLine('PING');
  h.sim.mute = true; // reads, never answers: like a peer that vanished without closing
  const reconnected = h.sim.waitForConnection(3000);
  await reconnected;
  assert.ok(
    errors.some((e) => /silent for more than 400 ms/.test(e)),
    JSON.stringify(errors),
  );
});
