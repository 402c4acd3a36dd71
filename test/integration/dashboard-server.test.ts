import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import WebSocket from 'ws';
import type { Snapshot } from '../../src/shared/bridge.js';
import type { HealthReport, ServerMessage } from '../../src/shared/dashboard-protocol.js';
import { startDashboardHarness, type DashboardHarness } from '../helpers/dashboard-harness.js';
import { connectModern } from '../helpers/stomp-clients.js';
import { parsePrometheus } from '../helpers/prometheus-text.js';
import { waitUntil } from '../helpers/harness.js';

/** Acceptance 3 and the bridge's edges: /health, /metrics, the WebSocket, who may use them. */

async function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function metrics(h: DashboardHarness): Promise<ReturnType<typeof parsePrometheus>> {
  const res = await get(`${h.url}metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'] ?? '', /^text\/plain; version=0\.0\.4/);
  return parsePrometheus(res.body);
}

/** A bridge socket that collects every message. */
async function bridgeSocket(
  h: DashboardHarness,
): Promise<{ ws: WebSocket; messages: ServerMessage[]; next(): Promise<ServerMessage> }> {
  const ws = new WebSocket(`${h.url.replace('http', 'ws')}api/bridge`);
  const messages: ServerMessage[] = [];
  const waiting: Array<(m: ServerMessage) => void> = [];
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    messages.push(message);
    waiting.shift()?.(message);
  });
  const first = new Promise<ServerMessage>((resolve) => waiting.push(resolve));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  await first;
  return { ws, messages, next: () => new Promise((resolve) => waiting.push(resolve)) };
}

test('/health: 200 with the link up, 503 with it down; JSON with sessions, phones, uptime', async (t) => {
  const h = await startDashboardHarness({ reconnectMs: 200 });
  t.after(() => h.stop());
  const client = await connectModern(h.wsUrl);
  t.after(() => client.close());
  client.subscribe('/topic/is-listen-init');
  const reply = client.next('/topic/is-listen-init');
  client.client.publish({ destination: '/tapi/listen', headers: { apex_session: 's1' } });
  await reply;

  const up = await get(`${h.url}health`);
  assert.equal(up.status, 200);
  assert.match(up.headers['content-type'] ?? '', /application\/json/);
  const body = JSON.parse(up.body) as HealthReport;
  assert.equal(body.status, 'ok');
  assert.equal(body.link.status, 'connected');
  assert.equal(body.link.port, h.sim.port);
  assert.equal(body.sessions, 1);
  assert.equal(body.phones, 1);
  assert.equal(typeof body.uptimeSeconds, 'number');
  assert.equal(body.directory.health, 'ok');

  await h.sim.stop();
  await waitUntil(() => h.agent.summary().link.status !== 'connected', 5000, 'link down');
  const down = await get(`${h.url}health`);
  assert.equal(down.status, 503);
  const downBody = JSON.parse(down.body) as HealthReport;
  assert.equal(downBody.status, 'link-down');
  assert.match(downBody.link.lastError ?? '', /closed|refused/);
});

test('/metrics: Prometheus text from its own registry; counters move after a call, a dial, a restart', async (t) => {
  const h = await startDashboardHarness();
  t.after(() => h.stop());
  const before = await metrics(h);
  assert.equal(before.types.get('tapi_messenger_sessions'), 'gauge');
  assert.equal(before.types.get('tapi_messenger_calls_delivered_total'), 'counter');
  assert.equal(before.types.get('tapi_messenger_screen_pop_latency_seconds'), 'histogram');
  assert.equal(before.value('tapi_messenger_sessions'), 0);
  assert.equal(before.value('tapi_messenger_link_up'), 1);
  assert.equal(before.value('tapi_messenger_calls_delivered_total'), 0);
  assert.equal(before.value('tapi_messenger_dial_requests_total', { outcome: 'sent' }), 0);
  assert.equal(before.value('tapi_messenger_screen_pop_latency_seconds_count'), 0);
  assert.ok(
    before.value('tapi_messenger_process_resident_memory_bytes') !== undefined,
    'process metrics',
  );
  // Finding (issue 16's bench): these walk every socket on each scrape, holding the event loop
  // — and screen-pops — on each scrape: 8–11 ms a scrape with 2,000 sessions instead of 3–4.
  for (const walker of ['process_open_fds', 'nodejs_active_handles', 'nodejs_active_resources']) {
    assert.equal(before.types.get(`tapi_messenger_${walker}`), undefined, walker);
  }

  const client = await connectModern(h.wsUrl);
  t.after(() => client.close());
  client.subscribe('/user/queue/incoming-call');
  client.subscribe('/user/queue/errors');
  client.subscribe('/topic/is-listen-init');
  const reply = client.next('/topic/is-listen-init');
  client.client.publish({ destination: '/tapi/listen', headers: { apex_session: 's1' } });
  await reply;
  const popped = client.next('/user/queue/incoming-call');
  h.sim.ring('201', '+4930123456', 'm-1');
  await popped;
  h.sim.ring('299', '+4930999'); // nobody on 299: counted as incoming, not delivered
  const dialled = h.sim.waitForLine('CALL 201 555');
  client.client.publish({ destination: '/tapi/call', body: JSON.stringify({ toNumber: '555' }) });
  await dialled;
  const refused = client.next('/user/queue/errors');
  client.client.publish({ destination: '/tapi/call', body: JSON.stringify({ toNumber: 'abc' }) });
  assert.match((await refused).body, /BAD_NUMBER/);
  // m-1 is answered and hung up; the restart below ends the other calls (LINK_LOST).
  h.sim.answer('m-1');
  h.sim.hangup('m-1');
  await waitUntil(
    () => h.agent.snapshot().calls.some((c) => c.callId === 'm-1' && c.state === 'ended'),
    5000,
    'm-1 to end',
  );
  const reconnected = h.sim.waitForConnection();
  h.agent.restartLink();
  await reconnected;
  await waitUntil(() => h.agent.summary().link.status === 'connected', 5000, 'link back');

  await waitUntil(() => h.agent.snapshot().calls.length >= 2, 5000, 'both calls logged');
  const after = await metrics(h);
  assert.equal(after.value('tapi_messenger_sessions'), 1);
  assert.equal(after.value('tapi_messenger_phones'), 1);
  assert.equal(after.value('tapi_messenger_incoming_calls_total'), 2);
  assert.equal(after.value('tapi_messenger_calls_delivered_total'), 1);
  assert.equal(after.value('tapi_messenger_screen_pop_frames_total'), 1);
  assert.equal(after.value('tapi_messenger_screen_pop_latency_seconds_count'), 1);
  assert.equal(after.value('tapi_messenger_dial_requests_total', { outcome: 'sent' }), 1);
  assert.equal(after.value('tapi_messenger_dial_requests_total', { outcome: 'BAD_NUMBER' }), 1);
  assert.equal(after.value('tapi_messenger_listen_requests_total', { outcome: 'listening' }), 1);
  assert.equal(after.value('tapi_messenger_link_reconnects_total'), 1);
  assert.equal(after.value('tapi_messenger_calls_total', { outcome: 'answered' }), 1);
  assert.equal(after.value('tapi_messenger_calls_total', { outcome: 'missed' }), 1, 'the 299 call');
  assert.equal(after.types.get('tapi_messenger_ring_to_answer_seconds'), 'histogram');
  assert.equal(after.value('tapi_messenger_ring_to_answer_seconds_count'), 1);
});

test('/metrics counts sessions closed for a protocol error', async (t) => {
  const h = await startDashboardHarness();
  t.after(() => h.stop());
  const ws = new WebSocket(h.wsUrl, ['v12.stomp']);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const closed = new Promise((resolve) => ws.once('close', resolve));
  ws.send('NONSENSE\n\n\0');
  await closed;
  const m = await metrics(h);
  const errors = m.samples.filter((s) => s.name === 'tapi_messenger_protocol_errors_total');
  assert.equal(
    errors.reduce((sum, s) => sum + s.value, 0),
    1,
    JSON.stringify(errors),
  );
});

test('the bridge socket: a snapshot first, then coalesced batches; restart-link answered', async (t) => {
  const h = await startDashboardHarness();
  t.after(() => h.stop());
  const { ws, messages, next } = await bridgeSocket(h);
  t.after(() => ws.close());
  const first = messages[0];
  assert.ok(first?.type === 'events');
  assert.equal(first.events[0]?.type, 'snapshot');

  const batch = next();
  for (let i = 0; i < 1000; i++) h.sim.ring('201', `+49${i}`, `burst-${i}`);
  await waitUntil(() => h.agent.snapshot().calls.length === 500, 5000, 'burst routed');
  const firstBatch = await batch;
  assert.ok(firstBatch.type === 'events');
  await waitUntil(
    () =>
      messages
        .flatMap((m) => (m.type === 'events' ? m.events : []))
        .some((e) => e.type === 'call' && e.call.callId === 'burst-999'),
    5000,
    'the last call of the burst',
  );
  assert.ok(messages.length < 100, `1,000 calls in ${messages.length - 1} messages`);

  const answer = next();
  const reconnected = h.sim.waitForConnection();
  ws.send(JSON.stringify({ type: 'restart-link', id: 7 }));
  assert.deepEqual(await answer, { type: 'restart-link-result', id: 7, error: null });
  await reconnected;
  ws.send('{"type":"drop-tables"}'); // ignored, the socket stays
  ws.send(JSON.stringify({ type: 'restart-link', id: 8 }));
  await waitUntil(
    () => messages.some((m) => m.type === 'restart-link-result' && m.id === 8),
    5000,
    'the answer to the second restart',
  );
  assert.equal(ws.readyState, WebSocket.OPEN);
});

test('pages of other sites cannot use the bridge; unknown paths and methods are refused', async (t) => {
  const h = await startDashboardHarness();
  t.after(() => h.stop());
  const foreign = new WebSocket(`${h.url.replace('http', 'ws')}api/bridge`, {
    headers: { Origin: 'https://evil.example' },
  });
  const refused = await new Promise<string>((resolve) => {
    foreign.once('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
    foreign.once('open', () => resolve('open'));
    foreign.once('error', (e) => resolve(e.message));
  });
  assert.equal(refused, '403');
  foreign.terminate();

  const rebinding = await get(`${h.url}api/snapshot`, { Host: 'evil.example:8082' });
  assert.equal(rebinding.status, 421);
  const page = await get(h.url);
  assert.equal(page.status, 200);
  assert.match(
    String(page.headers['content-security-policy']),
    /script-src 'self'.*frame-ancestors 'none'/,
  );
  assert.doesNotMatch(page.body, /<script>|style=/, 'no inline script or style');
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  const snapshot = JSON.parse((await get(`${h.url}api/snapshot`)).body) as Snapshot;
  assert.equal(snapshot.link.status, 'connected');
  assert.equal((await get(`${h.url}nothing-here`)).status, 404);
  assert.equal((await get(`${h.url}../../package.json`)).status, 404);
  assert.equal((await get(`${h.url}health`, {}, 'POST')).status, 405);
});
