import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TapiSimulator } from '../../tools/tapi-simulator.js';
import { DIRECTORY } from '../helpers/harness.js';
import { connectModern } from '../helpers/stomp-clients.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The built program, as `npm start` and the `tapi-messenger` bin run it (npm test builds first). */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LAUNCH = path.join(root, 'dist/main/launch.js');
const CLI = path.join(root, 'dist/main/cli.js');

interface Running {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  /** Resolves with the first stdout line matching. */
  line(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

function run(script: string, args: string[], cwd: string): Running {
  const child = spawn(process.execPath, [script, ...args], {
    cwd,
    env: { ...process.env, TAPI_MESSENGER_HEADLESS: '1' },
  });
  let out = '';
  const waiters: Array<() => void> = [];
  const onData = (data: Buffer): void => {
    out += data.toString();
    for (const w of waiters.splice(0)) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return {
    child,
    output: () => out,
    line: (pattern, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no output matching ${pattern} in:\n${out}`)),
          timeoutMs,
        );
        const check = (): void => {
          const match = pattern.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match);
          } else waiters.push(check);
        };
        check();
      }),
  };
}

test('the program is built (npm test builds before running tests)', () => {
  assert.ok(existsSync(LAUNCH), `${LAUNCH} is missing: run npm run build`);
});

test('npm start with no config: defaults, headless with one line why, state printed, clean exit', async (t) => {
  const cwd = await tempDir(t, 'tm-cli');
  const app = run(LAUNCH, [], cwd);
  t.after(() => app.child.kill('SIGKILL'));
  await app.line(/Starting headless: .+\./);
  await app.line(/listening on http:\/\/0\.0\.0\.0:8081\/tapi-messenger/);
  await app.line(/TapiServer link: \w+ to 127\.0\.0\.1:44444 \(retry every 3000 ms\)/);
  app.child.kill('SIGINT');
  const [code] = (await once(app.child, 'exit')) as [number];
  assert.equal(code, 0, app.output());
});

test('SIGTERM: UNLISTEN for every phone, sessions closed, exit 0', async (t) => {
  const cwd = await tempDir(t, 'tm-cli');
  const sim = new TapiSimulator();
  const simPort = await sim.start();
  t.after(() => sim.stop());
  await writeFile(path.join(cwd, 'directory.json'), JSON.stringify(DIRECTORY));
  await writeFile(
    path.join(cwd, 'tapi-messenger.json'),
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0 },
      tapi: { port: simPort },
      dashboard: { port: 0 },
    }),
  );
  const app = run(CLI, [], cwd);
  t.after(() => app.child.kill('SIGKILL'));
  const [, port] = await app.line(/listening on http:\/\/127\.0\.0\.1:(\d+)\/tapi-messenger/);
  await app.line(/TapiServer link: connected/);
  const client = await connectModern(`ws://127.0.0.1:${port}/tapi-messenger/websocket`);
  client.subscribe('/topic/is-listen-init');
  const reply = client.next('/topic/is-listen-init');
  client.client.publish({ destination: '/tapi/listen', headers: { apex_session: 'apex-alice' } });
  await reply;
  const unlistened = sim.waitForLine('UNLISTEN 201');
  const disconnected = new Promise<void>(
    (resolve) => (client.client.onWebSocketClose = () => resolve()),
  );
  app.child.kill('SIGTERM');
  await unlistened;
  await disconnected;
  const [code] = (await once(app.child, 'exit')) as [number];
  assert.equal(code, 0, app.output());
  await client.close();
});

test('--check-config: 0 for a good file, 2 naming the key for a bad one', async (t) => {
  const cwd = await tempDir(t, 'tm-cli');
  const good = path.join(cwd, 'good.json');
  const bad = path.join(cwd, 'bad.json');
  await writeFile(good, JSON.stringify({ tapi: { port: 5000 } }));
  await writeFile(bad, JSON.stringify({ tapi: { prot: 5000 }, server: { port: 'x' } }));
  const ok = run(CLI, ['--check-config', good], cwd);
  assert.equal(((await once(ok.child, 'exit')) as [number])[0], 0);
  assert.match(ok.output(), /OK/);
  const no = run(CLI, ['--check-config', bad], cwd);
  assert.equal(((await once(no.child, 'exit')) as [number])[0], 2);
  assert.match(no.output(), /tapi\.prot: unknown key/);
  assert.match(no.output(), /server\.port: .*number/);
});

test('a bad config file stops the start with exit 2 and nothing listening', async (t) => {
  const cwd = await tempDir(t, 'tm-cli');
  await writeFile(path.join(cwd, 'tapi-messenger.json'), '{"log": {"level": "loud"}}');
  const app = run(CLI, [], cwd);
  const [code] = (await once(app.child, 'exit')) as [number];
  assert.equal(code, 2);
  assert.match(app.output(), /log\.level/);
  assert.doesNotMatch(app.output(), /listening on/);
});

test('--check-directory prints what an APEX session resolves to (file directory)', async (t) => {
  const cwd = await tempDir(t, 'tm-cli');
  await writeFile(path.join(cwd, 'directory.json'), JSON.stringify(DIRECTORY));
  const found = run(CLI, ['--check-directory', 'apex-bob'], cwd);
  assert.equal(((await once(found.child, 'exit')) as [number])[0], 0);
  assert.match(found.output(), /user BOB, phone 202/);
  const missing = run(CLI, ['--check-directory', 'nobody'], cwd);
  assert.equal(((await once(missing.child, 'exit')) as [number])[0], 1);
  assert.match(missing.output(), /SESSION_NOT_FOUND/);
});
