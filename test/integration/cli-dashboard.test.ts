import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TapiSimulator } from '../../tools/tapi-simulator.js';
import { waitUntil } from '../helpers/harness.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * The headless program as shipped (npm test builds first): it prints the dashboard's address,
 * serves the bundle, /health and /metrics there, keeps the call log in TAPI_MESSENGER_DATA_DIR
 * and closes it all on SIGINT.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(root, 'dist/main/cli.js');

test('tapi-messenger prints the dashboard URL, serves it, and keeps the call log on disk', async (t) => {
  const dir = await tempDir(t, 'tm-cli-dash');
  const sim = new TapiSimulator();
  const simPort = await sim.start();
  t.after(() => sim.stop());
  await writeFile(path.join(dir, 'directory.json'), JSON.stringify({ sessions: {}, users: {} }));
  await writeFile(
    path.join(dir, 'tapi-messenger.json'),
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0 },
      tapi: { port: simPort, reconnectMs: 200 },
      dashboard: { port: 0 },
    }),
  );
  const dataDir = path.join(dir, 'data');
  const connected = sim.waitForConnection();
  const child = spawn(process.execPath, [CLI], {
    cwd: dir,
    env: { ...process.env, TAPI_MESSENGER_DATA_DIR: dataDir },
  });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await waitUntil(
    () => /Dashboard: http:\/\/127\.0\.0\.1:\d+\/ /.test(out),
    10_000,
    'the Dashboard line',
  );
  const url = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1] ?? '';
  assert.match(out, new RegExp(`call log in ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await connected;

  const page = await fetch(url);
  assert.equal(page.status, 200, 'the bundle is built into dist/renderer');
  assert.match(await page.text(), /<script src="app\.js" defer><\/script>/);
  await waitUntil(() => /TapiServer link: connected/.test(out), 5000, 'the link up');
  const health = await fetch(`${url}health`);
  assert.equal(health.status, 200, out);
  assert.match(await (await fetch(`${url}metrics`)).text(), /tapi_messenger_link_up 1/);

  sim.ring('201', '+4930555', 'cli-1');
  await waitUntil(() => /incoming call on 201/.test(out), 5000, 'the call logged');
  child.kill('SIGINT');
  const [code] = (await once(child, 'exit')) as [number];
  assert.equal(code, 0, out);
  const log = await readFile(path.join(dataDir, 'calls.jsonl'), 'utf8');
  assert.match(log, /"callId":"cli-1"/);
});

test('a dashboard port in use is reported and the agent runs on without it', async (t) => {
  const dir = await tempDir(t, 'tm-cli-dash');
  const taken = net.createServer().listen(0, '127.0.0.1');
  await once(taken, 'listening');
  t.after(() => taken.close());
  const port = (taken.address() as AddressInfo).port;
  await writeFile(
    path.join(dir, 'tapi-messenger.json'),
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0 },
      tapi: { port: 1, reconnectMs: 1000 },
      dashboard: { port },
    }),
  );
  const child = spawn(process.execPath, [CLI], {
    cwd: dir,
    env: { ...process.env, TAPI_MESSENGER_DATA_DIR: path.join(dir, 'data') },
  });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await waitUntil(() => /Dashboard: not started/.test(out), 10_000, 'the Dashboard line');
  assert.match(out, new RegExp(`port ${port} is in use: set dashboard\\.port`));
  assert.match(out, /listening on http:\/\/127\.0\.0\.1:\d+\/tapi-messenger/);
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number];
  assert.equal(code, 0, out);
});
