import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import WebSocket from 'ws';
import { startHarness } from '../helpers/harness.js';

/**
 * The gateway holds each socket's writes until the end of the turn (`write-batch.ts`). What a
 * page must still see: every frame, in order, and an ERROR before the close even when the
 * client's own close arrives in the same read.
 */

/** A masked client WebSocket frame (RFC 6455 §5.2), small payloads only. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  assert.ok(payload.length < 126);
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] as number)));
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, masked]);
}

const close1000 = clientFrame(0x8, Buffer.from([0x03, 0xe8]));

/** Opens a WebSocket by hand; resolves with the socket and the bytes after the handshake. */
async function handshake(
  port: number,
  path: string,
  protocol?: string,
): Promise<{ socket: net.Socket; received: () => string }> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  let text = '';
  socket.on('data', (data: Buffer) => (text += data.toString('latin1')));
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
      (protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : '') +
      '\r\n',
  );
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (text.includes('\r\n\r\n')) resolve();
    };
    socket.on('data', check);
    socket.once('close', () => reject(new Error(`closed during the handshake: ${text}`)));
  });
  const start = text.indexOf('\r\n\r\n') + 4;
  return { socket, received: () => text.slice(start) };
}

function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });
}

test('socket fuzz finding: SockJS WebSocket, a refused CONNECT and the client close in one read: the ERROR still arrives', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const { port } = new URL(h.base);
  const { socket, received } = await handshake(
    Number(port),
    '/tapi-messenger/000/batch1/websocket',
  );
  t.after(() => socket.destroy());
  const message = JSON.stringify(['CONNECT\naccept-version:2.0\n\n\0']);
  socket.write(Buffer.concat([clientFrame(0x1, Buffer.from(message)), close1000]));
  await closed(socket);
  assert.match(received(), /ERROR\\nmessage:PROTOCOL_VIOLATION/);
});

test('raw WebSocket, a refused CONNECT and the client close in one read: the ERROR still arrives', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const { port } = new URL(h.base);
  const { socket, received } = await handshake(
    Number(port),
    '/tapi-messenger/websocket',
    'v12.stomp',
  );
  t.after(() => socket.destroy());
  socket.write(
    Buffer.concat([clientFrame(0x1, Buffer.from('CONNECT\naccept-version:2.0\n\n\0')), close1000]),
  );
  await closed(socket);
  assert.match(received(), /ERROR\nmessage:PROTOCOL_VIOLATION/);
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
