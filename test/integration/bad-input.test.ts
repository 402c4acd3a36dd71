import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startHarness, type Harness } from '../helpers/harness.js';
import { connectModern, listeningClient, type ModernClient } from '../helpers/stomp-clients.js';

/** A raw WebSocket STOMP peer that records what the server sends and how it ends. */
async function rawPeer(
  h: Harness,
): Promise<{ ws: WebSocket; frames: string[]; closed: Promise<number> }> {
  const ws = new WebSocket(h.wsUrl, ['v12.stomp']);
  const frames: string[] = [];
  ws.on('message', (data: Buffer) => frames.push(data.toString()));
  const closed = new Promise<number>((resolve) =>
    ws.once('close', (code: number) => resolve(code)),
  );
  await new Promise((resolve) => ws.once('open', resolve));
  return { ws, frames, closed };
}

async function connected(
  h: Harness,
): Promise<{ ws: WebSocket; frames: string[]; closed: Promise<number> }> {
  const peer = await rawPeer(h);
  const ready = new Promise<void>((resolve) => peer.ws.once('message', () => resolve()));
  peer.ws.send('CONNECT\naccept-version:1.2\n\n\0');
  await ready;
  return peer;
}

/** A well-behaved bystander that must not notice anything. */
function bystander(h: Harness): Promise<ModernClient> {
  return listeningClient(h.wsUrl, 'apex-bob');
}

async function bystanderStillWorks(h: Harness, client: ModernClient): Promise<void> {
  const pop = client.next('/user/queue/incoming-call');
  h.sim.ring('202', '999');
  assert.equal(JSON.parse((await pop).body).phone, '999');
  assert.equal(client.client.connected, true);
}

const protocolErrors: Array<[string, string, RegExp]> = [
  [
    'malformed frame',
    'CONNECT\naccept-version:1.2\n\n\0SEND\nno colon here\n\n\0',
    /MALFORMED_FRAME/,
  ],
  ['unknown command', 'CONNECT\naccept-version:1.2\n\n\0FROB\n\n\0', /UNKNOWN_COMMAND/],
  [
    'bad header escape',
    'CONNECT\naccept-version:1.2\n\n\0SEND\ndestination:/tapi/\\x\n\n\0',
    /BAD_HEADER_ESCAPE/,
  ],
  [
    'non-numeric content-length',
    'CONNECT\naccept-version:1.2\n\n\0SEND\ndestination:/tapi/call\ncontent-length:abc\n\n\0',
    /BAD_CONTENT_LENGTH/,
  ],
  [
    'SEND to /topic',
    'CONNECT\naccept-version:1.2\n\n\0SEND\ndestination:/topic/x\n\nhi\0',
    /FORBIDDEN_DESTINATION/,
  ],
  [
    'SEND to /user',
    'CONNECT\naccept-version:1.2\n\n\0SEND\ndestination:/user/queue/incoming-call\n\nhi\0',
    /FORBIDDEN_DESTINATION/,
  ],
  ['frame before CONNECT', 'SUBSCRIBE\nid:1\ndestination:/x\n\n\0', /PROTOCOL_VIOLATION/],
  [
    'frame over maxFrameBytes',
    `CONNECT\naccept-version:1.2\n\n\0SEND\ndestination:/tapi/call\n\n${'9'.repeat(70_000)}\0`,
    /FRAME_TOO_LARGE/,
  ],
];

for (const [what, bytes, expected] of protocolErrors) {
  test(`${what}: ERROR then close, nobody else affected`, async (t) => {
    const h = await startHarness();
    t.after(() => h.stop());
    const other = await bystander(h);
    const peer = await rawPeer(h);
    peer.ws.send(bytes);
    await peer.closed;
    const error = peer.frames.find((f) => f.startsWith('ERROR\n'));
    assert.ok(error, `an ERROR frame before the close; got ${JSON.stringify(peer.frames)}`);
    assert.match(error, expected);
    await bystanderStillWorks(h, other);
    await other.close();
  });
}

test('a frame split over many messages and several frames in one message both work', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const peer = await rawPeer(h);
  const text =
    'CONNECT\naccept-version:1.2\n\n\0SUBSCRIBE\nid:0\ndestination:/topic/is-listen-init\n\n\0' +
    'SEND\ndestination:/tapi/listen\napex_session:apex-alice\ncontent-length:0\nreceipt:r1\n\n\0';
  for (let i = 0; i < text.length; i += 7) peer.ws.send(text.slice(i, i + 7));
  await h.sim.waitForLine('LISTEN 201');
  peer.ws.close();
});

const badNumbers = [
  '12 34 CALL 999',
  '201\r\nUNLISTEN 202',
  '201\nCALL 201 1',
  'abc',
  '12\t34',
  '+48 123 4567 x2',
  '1'.repeat(33),
  '',
];

test('bad numbers are refused with BAD_NUMBER and no line reaches TapiServer', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const client = await bystander(h);
  client.subscribe('/user/queue/errors');
  const linesBefore = h.sim.lines.length;
  for (const toNumber of badNumbers) {
    const error = client.next('/user/queue/errors');
    client.client.publish({ destination: '/tapi/call', body: JSON.stringify({ toNumber }) });
    const body = JSON.parse((await error).body) as { code: string; message: string };
    assert.equal(body.code, 'BAD_NUMBER', `for ${JSON.stringify(toNumber)}`);
    assert.ok(body.message.length > 10);
  }
  // A good dial afterwards is the first thing TapiServer hears from this session.
  client.client.publish({
    destination: '/tapi/call',
    body: JSON.stringify({ toNumber: '+48 (22) 555-01-02' }),
  });
  assert.equal(await h.sim.waitForLine(/^CALL /), 'CALL 202 +48225550102');
  assert.deepEqual(h.sim.lines.slice(linesBefore), ['CALL 202 +48225550102']);
  await client.close();
});

test('malformed dial bodies are BAD_REQUEST; dial before listen is NOT_LISTENING', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const client = await connectModern(h.wsUrl);
  client.subscribe('/user/queue/errors');
  for (const body of ['not json', '{"number":"1"}', '{"toNumber":12}', '[]']) {
    const error = client.next('/user/queue/errors');
    client.client.publish({ destination: '/tapi/call', body });
    assert.equal(JSON.parse((await error).body).code, 'BAD_REQUEST', body);
  }
  const error = client.next('/user/queue/errors');
  client.client.publish({ destination: '/tapi/call', body: '{"toNumber":"201"}' });
  assert.equal(JSON.parse((await error).body).code, 'NOT_LISTENING');
  assert.deepEqual(
    h.sim.lines.filter((l) => l.startsWith('CALL')),
    [],
  );
  await client.close();
});

test('listen refusals: unknown APEX session, user without phone, missing header', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const client = await connectModern(h.wsUrl);
  client.subscribe('/topic/is-listen-init');
  const cases: Array<[Record<string, string>, string]> = [
    [{ apex_session: 'who-knows' }, 'SESSION_NOT_FOUND'],
    [{ apex_session: 'apex-carol' }, 'NO_PHONE'],
    [{}, 'BAD_REQUEST'],
    [{ apex_session: 'x'.repeat(500) }, 'BAD_REQUEST'],
  ];
  for (const [headers, reason] of cases) {
    const reply = client.next('/topic/is-listen-init');
    client.client.publish({ destination: '/tapi/listen', headers });
    assert.deepEqual(JSON.parse((await reply).body), { listening: false, reason });
  }
  assert.deepEqual(
    h.sim.lines.filter((l) => l.startsWith('LISTEN')),
    [],
  );
  await client.close();
});

test('SEND to an unknown application destination is BAD_REQUEST, the session stays', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const peer = await connected(h);
  const reply = new Promise<string>((resolve) =>
    peer.ws.on('message', (d: Buffer) => resolve(d.toString())),
  );
  peer.ws.send(
    'SUBSCRIBE\nid:e\ndestination:/user/queue/errors\n\n\0SEND\ndestination:/tapi/frob\n\n\0',
  );
  assert.match(await reply, /"code":"BAD_REQUEST"/);
  assert.equal(peer.ws.readyState, WebSocket.OPEN);
  peer.ws.close();
});
