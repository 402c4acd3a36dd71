import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onAgentEvent, startHarness, waitUntil } from '../helpers/harness.js';
import { listeningClient, type ModernClient } from '../helpers/stomp-clients.js';
import { TapiSimulator } from '../../tools/tapi-simulator.js';
import type { IMessage } from '@stomp/stompjs';

const DIRECTORY = {
  sessions: { 'apex-a': 'ALICE', 'apex-a2': 'alice', 'apex-b': 'BOB', 'apex-c': 'CAROL' },
  users: { ALICE: '201', BOB: '202', CAROL: '203' },
};

async function listen(wsUrl: string, apexSession: string): Promise<ModernClient> {
  const client = await listeningClient(wsUrl, apexSession);
  assert.equal(client.reply.listening, true);
  return client;
}

const count = (kind: string): number =>
  process.getActiveResourcesInfo().filter((r) => r === kind).length;

/**
 * TapiServer killed and restarted 50 times while pages listen and calls ring. Every restart:
 * each bound phone is LISTENed exactly once on the new connection (and a phone whose last page
 * left while the link was down is not), and calls are delivered again. Pages come and go while
 * the link is down. Nothing accumulates: sockets, timers, listeners.
 */
test('TapiServer restarted 50 times: one re-LISTEN per bound phone each time, calls delivered', async (t) => {
  const h = await startHarness({
    directoryContents: DIRECTORY,
    config: { tapi: { reconnectMs: 50 } },
  });
  t.after(() => h.stop());
  const port = h.sim.port;
  const alice = await listen(h.wsUrl, 'apex-a');
  const alice2 = await listen(h.wsUrl, 'apex-a2');
  const bob = await listen(h.wsUrl, 'apex-b');
  const agentListeners = h.agent.listenerCount('event');
  const baseline = { tcp: count('TCPSocketWrap'), timers: count('Timeout') };

  let sim = h.sim;
  let carol: ModernClient | null = null;
  let call = 0;
  for (let round = 1; round <= 50; round++) {
    const down = new Promise<void>((resolve) => {
      const off = onAgentEvent(h.agent, 'link', ({ link }) => {
        if (link.status === 'disconnected') {
          off();
          resolve();
        }
      });
    });
    await sim.stop(); // killed: every connection dropped, the port closed
    await down;

    // While TapiServer is away, a page arrives (odd rounds) or leaves (even rounds).
    if (carol === null && round % 2 === 1) carol = await listen(h.wsUrl, 'apex-c');
    else if (carol !== null && round % 2 === 0) {
      await carol.close();
      carol = null;
      await waitUntil(() => h.agent.snapshot().sessions.length === 3, 5000, 'carol gone');
    }
    const expected: string[] = ['LISTEN 201', 'LISTEN 202', ...(carol ? ['LISTEN 203'] : [])];

    sim = new TapiSimulator({ port });
    const current = sim;
    t.after(() => current.stop());
    const connected = sim.waitForConnection(5000);
    await sim.start();
    await connected;
    await waitUntil(
      () => sim.lines.filter((l) => l.startsWith('LISTEN')).length >= expected.length,
      5000,
      `round ${round}: the re-LISTENs`,
    );

    // Calls ring on every bound phone and reach every page of it.
    call++;
    const pops: Array<Promise<IMessage>> = [alice, alice2, bob, ...(carol ? [carol] : [])].map(
      (c) => c.next('/user/queue/incoming-call'),
    );
    sim.ring('201', '+48201', `r${call}-201`);
    sim.ring('202', '+48202', `r${call}-202`);
    if (carol) sim.ring('203', '+48203', `r${call}-203`);
    const bodies = (await Promise.all(pops)).map(
      (m): { callId: string } => JSON.parse(m.body) as { callId: string },
    );
    assert.deepEqual(
      bodies.map((b) => b.callId),
      [`r${call}-201`, `r${call}-201`, `r${call}-202`, ...(carol ? [`r${call}-203`] : [])],
    );

    // By now any duplicate would have arrived: exactly one LISTEN per bound phone, nothing else.
    assert.deepEqual(
      sim.lines.filter((l) => /^(UN)?LISTEN /.test(l)).sort(),
      expected,
      `round ${round}`,
    );
    assert.equal(sim.connectionCount, 1, `round ${round}: one connection`);
  }

  // Nothing grew with the restarts: same sockets, timers and listeners as before them.
  assert.equal(carol, null);
  assert.equal(h.agent.listenerCount('event'), agentListeners);
  assert.equal(h.agent.summary().link.reconnects, 51);
  await waitUntil(
    () => count('TCPSocketWrap') === baseline.tcp,
    5000,
    `sockets back to ${baseline.tcp} (now ${count('TCPSocketWrap')})`,
  );
  assert.ok(
    count('Timeout') <= baseline.timers + 2,
    `timers: ${count('Timeout')} vs ${baseline.timers}`,
  );
  await Promise.all([alice.close(), alice2.close(), bob.close()]);
});
