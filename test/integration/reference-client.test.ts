import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, waitUntil } from '../helpers/harness.js';
import { loadReferenceClient, type ReferenceStompClient } from '../helpers/stomp-clients.js';

/**
 * docs/protocol.md §2 acceptance: the reference page client (test/fixtures/reference-page-client.js), unchanged, with
 * sockjs-client 1.6 and stompjs 2.3.3, over every SockJS transport a browser may fall back to.
 */
for (const transports of [undefined, ['xhr-streaming'], ['xhr-polling']]) {
  const label = transports?.[0] ?? 'websocket (default)';
  test(`reference client over SockJS ${label}: listen, screen-pop, dial, close`, async (t) => {
    const h = await startHarness();
    t.after(() => h.stop());
    const reference = loadReferenceClient(transports);
    const callers: Array<{ name: string; phone: string; callId?: string }> = [];
    const replies: string[] = [];
    const errors: unknown[] = [];
    const listened = h.sim.waitForLine('LISTEN 201');
    const client: ReferenceStompClient = reference.connectReferenceClient({
      base: h.base,
      apexSession: 'apex-alice',
      onCaller: (caller) => callers.push(caller),
      onListenInit: (frame) => replies.push(frame.body),
      onError: (frame) => errors.push(frame),
    });
    await listened;
    await waitUntil(() => replies.length === 1, 5000, 'the listen reply');
    assert.deepEqual(JSON.parse(replies[0] ?? ''), {
      listening: true,
      phone: '201',
      user: 'ALICE',
    });

    // The id the page read from its transport URL is the server's STOMP session id.
    const serverIds = h.agent.snapshot().sessions.map((s) => s.id);
    assert.deepEqual(serverIds, [client.sessionId]);
    assert.match(client.sessionId, /^[^/]+$/);
    const [view] = h.agent.snapshot().sessions;
    assert.equal(view?.transport, transports?.[0] ?? 'websocket');

    // One pop per call, though the page subscribed twice (its session id and its APEX
    // session): a second pop of c1 would arrive before the pop of c2.
    h.sim.ring('201', '+48123456789', 'c1');
    h.sim.ring('201', '+48123456789', 'c2');
    await waitUntil(() => callers.some((c) => c.callId === 'c2'), 5000, 'the second pop');
    assert.deepEqual(
      callers.map((c) => c.callId),
      ['c1', 'c2'],
    );
    for (const caller of callers) {
      assert.equal(caller.name, 'UNKNOWN');
      assert.equal(caller.phone, '+48123456789');
    }

    reference.referenceDial(client, '+48 22 555-01-02');
    assert.equal(await h.sim.waitForLine(/^CALL /), 'CALL 201 +48225550102');

    assert.deepEqual(errors, []);
    const unlistened = h.sim.waitForLine('UNLISTEN 201');
    client.ws.close(); // the page is closed: no DISCONNECT frame
    await unlistened;
    await waitUntil(() => h.agent.snapshot().sessions.length === 0, 8000, 'the session to be gone');
  });
}

test('two pages with a foreign session id cannot share one: the second is refused', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const reference = loadReferenceClient();
  const replies: string[] = [];
  const first = reference.connectReferenceClient({
    base: h.base,
    apexSession: 'apex-alice',
    onCaller: () => undefined,
    onListenInit: (frame) => replies.push(frame.body),
  });
  await waitUntil(() => replies.length === 1, 5000, 'the first page to listen');
  // A second SockJS connection that reuses the first one's session id in its URL.
  const { default: WebSocket } = await import('ws');
  const sid = first.sessionId;
  const ws = new WebSocket(
    `ws://127.0.0.1:${h.agent.address.port}/tapi-messenger/000/${sid}/websocket`,
  );
  const frames: string[] = [];
  ws.on('message', (data: Buffer) => frames.push(data.toString()));
  await new Promise((resolve) => ws.on('close', resolve));
  assert.ok(
    frames.some((f) => f.startsWith('c') && f.includes('session id already in use')),
    JSON.stringify(frames),
  );
  assert.deepEqual(
    h.agent.snapshot().sessions.map((s) => s.id),
    [sid],
  );
  first.ws.close();
});
