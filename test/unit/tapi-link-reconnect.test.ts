import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { TapiLink } from '../../src/main/tapi/tapi-link.js';
import { tapiSchema } from '../../src/main/config/schema.js';
import { silentLogger } from '../../src/main/core/log.js';

/** A TapiServer that only accepts connections, on a port that survives its restarts. */
async function listenOn(port: number): Promise<net.Server> {
  const server = net.createServer();
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

test('a lost TapiServer is dialled again after reconnectMs, not before', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let server = await listenOn(0);
  const { port } = server.address() as AddressInfo;
  const link = new TapiLink(
    tapiSchema.parse({ host: '127.0.0.1', port, reconnectMs: 500, keepaliveMs: 0 }),
    silentLogger(),
  );
  t.after(async () => {
    await link.stop();
    server.close();
  });
  const connected = (): Promise<void> =>
    new Promise((resolve) => {
      const off = link.on('connected', () => {
        off();
        resolve();
      });
    });

  let up = connected();
  link.start();
  const [first] = (await once(server, 'connection')) as [net.Socket];
  await up;

  // TapiServer goes away and comes back at once.
  const down = new Promise<void>((resolve) => {
    const off = link.on('state', (state) => {
      if (state.status === 'disconnected') {
        off();
        resolve();
      }
    });
  });
  server.close();
  first.destroy();
  await down;
  server = await listenOn(port);
  let dialled = false;
  server.on('connection', () => (dialled = true));

  t.mock.timers.tick(499);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(dialled, false, 'no attempt 1 ms before reconnectMs');
  assert.equal(link.state().status, 'disconnected');

  up = connected();
  t.mock.timers.tick(1);
  await up;
  assert.equal(dialled, true);
  assert.equal(link.state().reconnects, 2);
});
