import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startHarness } from '../helpers/harness.js';
import { connectModern } from '../helpers/stomp-clients.js';

test('@stomp/stompjs 7 over the raw WebSocket endpoint: listen, pop, dial, close', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const client = await connectModern(h.wsUrl, { heartbeat: 1000 });
  assert.ok(client.sessionId.length > 0, 'CONNECTED carries the session id');
  const personal = `/user/queue/incoming-call-user${client.sessionId}`;
  client.subscribe('/topic/is-listen-init');
  client.subscribe(personal);
  client.subscribe('/user/queue/incoming-call-userapex-bob');
  client.subscribe('/user/queue/call-events');
  const reply = client.next('/topic/is-listen-init');
  const listened = h.sim.waitForLine('LISTEN 202');
  client.client.publish({ destination: '/tapi/listen', headers: { apex_session: 'apex-bob' } });
  await listened;
  assert.deepEqual(JSON.parse((await reply).body), { listening: true, phone: '202', user: 'BOB' });

  const pop = client.next(personal);
  const ringing = client.next('/user/queue/call-events');
  h.sim.ring('202', 'UNKNOWN', 'call-7', 'Jan Kowalski');
  const message = await pop;
  const body = JSON.parse(message.body) as Record<string, unknown>;
  assert.equal(body.name, 'Jan Kowalski');
  assert.equal(body.phone, 'UNKNOWN');
  assert.equal(body.extension, '202');
  assert.equal(body.callId, 'call-7');
  assert.equal(message.headers['content-type'], 'application/json');
  assert.equal(Number(message.headers['content-length']), Buffer.byteLength(message.body));
  // The call's event comes after its pop: by then a second pop would have come too.
  assert.equal(JSON.parse((await ringing).body).state, 'ringing');
  assert.equal(client.messages.get('/user/queue/incoming-call-userapex-bob'), undefined);

  client.client.publish({
    destination: '/tapi/call',
    body: JSON.stringify({ toNumber: '(022) 555.01.02' }),
  });
  assert.equal(await h.sim.waitForLine(/^CALL /), 'CALL 202 0225550102');

  const unlistened = h.sim.waitForLine('UNLISTEN 202');
  await client.close();
  await unlistened;
});

test('CONNECTED carries version and heart-beat; the STOMP subprotocol is negotiated', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const ws = new WebSocket(h.wsUrl, ['v10.stomp', 'v11.stomp', 'v12.stomp']);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  assert.equal(ws.protocol, 'v12.stomp');
  const frame = new Promise<string>((resolve) =>
    ws.once('message', (data: Buffer) => resolve(data.toString())),
  );
  ws.send('CONNECT\naccept-version:1.0,1.1\nhost:x\n\n\0');
  const text = await frame;
  assert.match(text, /^CONNECTED\n/);
  assert.match(text, /\nversion:1\.1\n/);
  assert.match(text, /\nheart-beat:\d+,\d+\n/);
  ws.close();
});

test('a client that stops heart-beating is closed and unbound', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const ws = new WebSocket(h.wsUrl, ['v12.stomp']);
  await new Promise((resolve) => ws.once('open', resolve));
  const closed = new Promise<number>((resolve) =>
    ws.once('close', (code: number) => resolve(code)),
  );
  ws.send('CONNECT\naccept-version:1.2\nheart-beat:1000,0\n\n\0');
  ws.send('SEND\ndestination:/tapi/listen\napex_session:apex-alice\n\n\0');
  await h.sim.waitForLine('LISTEN 201');
  // From here on the client sends nothing: no heart-beats.
  const unlistened = h.sim.waitForLine('UNLISTEN 201', 6000);
  const code = await closed;
  await unlistened;
  assert.notEqual(code, 1000);
  assert.equal(h.agent.snapshot().sessions.length, 0);
});

test('the server sends heart-beats when it promised them', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const ws = new WebSocket(h.wsUrl, ['v12.stomp']);
  await new Promise((resolve) => ws.once('open', resolve));
  let beats = 0;
  const twoBeats = new Promise<void>((resolve) =>
    ws.on('message', (data: Buffer) => {
      if (data.toString() === '\n' && ++beats === 2) resolve();
    }),
  );
  ws.send('CONNECT\naccept-version:1.2\nheart-beat:0,1000\n\n\0');
  await twoBeats;
  assert.equal(beats, 2);
  ws.close();
});
