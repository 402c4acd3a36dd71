import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { AgentProcess } from '../helpers/agent-process.js';
import { webSocketUpgrade } from '../helpers/raw-http.js';

/**
 * Findings of the 100,000-input process fuzz (`npm run fuzz`): every input passed, but then the
 * agent did not end on SIGTERM — upgraded sockets whose clients had gone quiet held
 * `server.close()` for ever (first on the STOMP port, then on the dashboard port). Each client
 * below completes an upgrade and then neither reads nor answers; `AgentProcess.stop()` fails
 * the test unless SIGTERM ends the agent with code 0 within 10 s.
 */

/** A raw TCP client that sends `request` and, once `answered` matches, goes silent for good. */
async function silentClient(port: number, request: string, answered: RegExp): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    let text = '';
    socket.on('data', (data: Buffer) => {
      text += data.toString('latin1');
      if (!answered.test(text)) return;
      socket.removeAllListeners('data');
      socket.pause(); // never reads again, never answers a close frame
      resolve();
    });
    socket.once('close', () => reject(new Error(`closed before answering: ${text}`)));
    socket.write(request);
  });
  socket.removeAllListeners('close');
  return socket;
}

test('fuzz finding: a SockJS WebSocket whose client went silent does not keep the agent from stopping', async (t) => {
  const agent = await AgentProcess.start();
  const clients: net.Socket[] = [];
  t.after(() => clients.forEach((c) => c.destroy()));
  clients.push(
    await silentClient(
      agent.port,
      webSocketUpgrade('/tapi-messenger/000/silent1/websocket', agent.port),
      /101 Switching Protocols[\s\S]*\r\n\r\n/,
    ),
    await silentClient(
      agent.port,
      webSocketUpgrade('/tapi-messenger/websocket', agent.port),
      /101 Switching Protocols[\s\S]*\r\n\r\n/,
    ),
  );
  await agent.stop();
});

test('fuzz finding: dashboard bridge and refused upgrades whose clients went silent do not keep the agent from stopping', async (t) => {
  const agent = await AgentProcess.start();
  const clients: net.Socket[] = [];
  t.after(() => clients.forEach((c) => c.destroy()));
  const port = agent.dashboardPort;
  clients.push(
    await silentClient(
      port,
      webSocketUpgrade('/api/bridge', port),
      /101 Switching Protocols[\s\S]*\r\n\r\n/,
    ),
    await silentClient(port, webSocketUpgrade('/nothing-here', port), /404 Not Found/),
    await silentClient(
      port,
      `GET /api/bridge HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: foo\r\n\r\n`,
      /400 Bad Request/,
    ),
  );
  assert.ok(agent.alive);
  await agent.stop();
});
