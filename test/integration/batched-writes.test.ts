import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import WebSocket from 'ws';
import { startHarness } from '../helpers/harness.js';
import { clientFrame, webSocketUpgrade } from '../helpers/raw-http.js';

/**
 * The gateway holds each socket's writes until the end of the turn (`write-batch.ts`). What a
 * page must still see: every frame, in order, and an ERROR before the close even when the
 * client's own close arrives in the same read.
 */

/** The client's close (1000). */
const close1000 = clientFrame(0x8, Buffer.from([0x03, 0xe8]));

/**
 * Opens a WebSocket on `path` by hand, then sends a refused CONNECT and the client's close in
 * one write, so that the agent reads them together; resolves with what came back after the
 * handshake, once the connection has closed.
 */
async function refusedConnectThenClose(
  path: string,
  connect: string,
  protocol?: string,
): Promise<string> {
  const h = await startHarness();
  const port = Number(new URL(h.base).port);
  const socket = net.connect(port, '127.0.0.1');
  try {
    socket.on('error', () => undefined);
    let text = '';
    socket.on('data', (data: Buffer) => (text += data.toString('latin1')));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(webSocketUpgrade(path, port, protocol));
    await new Promise<void>((resolve, reject) => {
      socket.on('data', () => {
        if (text.includes('\r\n\r\n')) resolve();
      });
      void closed.then(() => reject(new Error(`closed during the handshake: ${text}`)));
    });
    socket.write(Buffer.concat([clientFrame(0x1, Buffer.from(connect)), close1000]));
    await closed;
    return text.slice(text.indexOf('\r\n\r\n') + 4);
  } finally {
    socket.destroy();
    await h.stop();
  }
}

test('socket fuzz finding: SockJS WebSocket, a refused CONNECT and the client close in one read: the ERROR still arrives', async () => {
  const received = await refusedConnectThenClose(
    '/tapi-messenger/000/batch1/websocket',
    JSON.stringify(['CONNECT\naccept-version:2.0\n\n\0']),
  );
  assert.match(received, /ERROR\\nmessage:PROTOCOL_VIOLATION/);
});

test('raw WebSocket, a refused CONNECT and the client close in one read: the ERROR still arrives', async () => {
  const received = await refusedConnectThenClose(
    '/tapi-messenger/websocket',
    'CONNECT\naccept-version:2.0\n\n\0',
    'v12.stomp',
  );
  assert.match(received, /ERROR\nmessage:PROTOCOL_VIOLATION/);
});

test('calls that arrive together reach a page as one burst: every pop, in order, once', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const ws = new WebSocket(h.wsUrl, ['v12.stomp']);
  t.after(() => ws.terminate());
  const frames: string[] = [];
  let listening: () => void = () => undefined;
  const bound = new Promise<void>((resolve) => (listening = resolve));
  let popped: () => void = () => undefined;
  const allPopped = new Promise<void>((resolve) => (popped = resolve));
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    if (text.includes('"listening":true')) listening();
    for (const frame of text.split('\0')) if (frame.includes('"callId"')) frames.push(frame);
    if (frames.length === 50) popped();
  });
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send('CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0');
  ws.send('SUBSCRIBE\nid:pop\ndestination:/user/queue/incoming-call\n\n\0');
  ws.send('SUBSCRIBE\nid:init\ndestination:/topic/is-listen-init\n\n\0');
  ws.send('SEND\ndestination:/tapi/listen\napex_session:apex-alice\n\n\0');
  await bound;
  await h.sim.waitForLine('LISTEN 201');
  // Fifty INCOMING lines in one write from TapiServer: one read, one fan-out turn.
  h.sim.sendRaw(
    Array.from({ length: 50 }, (_, i) => `INCOMING 201 +4930${i} burst-${i}\n`).join(''),
  );
  await allPopped;
  const ids = frames.map((f) => /"callId":"(burst-\d+)"/.exec(f)?.[1]);
  assert.deepEqual(
    ids,
    Array.from({ length: 50 }, (_, i) => `burst-${i}`),
  );
  const messageIds = frames.map((f) => /message-id:([^\n]+)/.exec(f)?.[1]);
  assert.equal(new Set(messageIds).size, 50, 'each frame its own message-id');
});
