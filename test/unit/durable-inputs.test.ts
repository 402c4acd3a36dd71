import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import { once } from 'node:events';
import path from 'node:path';
import type { CallView } from '../../src/shared/bridge.js';
import { CURRENT_FILE, CallHistory } from '../../src/main/storage/call-history.js';
import { FileDirectory } from '../../src/main/directory/file-directory.js';
import { TapiLink } from '../../src/main/tapi/tapi-link.js';
import { tapiSchema } from '../../src/main/config/schema.js';
import type { Logger } from '../../src/main/core/log.js';
import { callView } from '../helpers/calls.js';
import { tempDir } from '../helpers/temp-dir.js';

const call = (n: number): CallView =>
  callView({
    at: 1_700_000_000_000 + n,
    extension: '201',
    caller: `+4930${n}`,
    name: null,
    callId: `c-${n}`,
    reached: 1,
  });

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const keep = (m: string): void => void warnings.push(m);
  return { warnings, error: keep, warn: keep, info: () => undefined, debug: () => undefined };
}

test('torn call log: a record cut mid-line (crash, full disk) does not swallow the next call', async (t) => {
  const dir = await tempDir(t, 'tm-durable');
  const first = await CallHistory.open({ folder: dir, logger: recordingLogger() });
  first.append(call(1));
  first.append(call(2));
  await first.flush();
  await appendFile(path.join(dir, CURRENT_FILE), JSON.stringify(call(3)).slice(0, 25));

  const logger = recordingLogger();
  const second = await CallHistory.open({ folder: dir, logger });
  assert.deepEqual(second.recent(), [call(2), call(1)]);
  assert.ok(logger.warnings.some((w) => w.includes('ends in the middle of a record')));
  second.append(call(4));
  second.append(call(5));
  await second.flush();

  const third = await CallHistory.open({ folder: dir, logger: recordingLogger() });
  assert.deepEqual(third.recent(), [call(5), call(4), call(2), call(1)]);
  const text = await readFile(path.join(dir, CURRENT_FILE), 'utf8');
  assert.ok(text.endsWith('\n'));
});

test('a directory file that is a FIFO does not hang start-up: the directory is degraded', async (t) => {
  const dir = await tempDir(t, 'tm-durable');
  const fifo = path.join(dir, 'directory.json');
  execFileSync('mkfifo', [fifo]);
  const logger = recordingLogger();
  const directory = await FileDirectory.open(fifo, logger);
  t.after(() => directory.close());
  assert.equal(directory.state().health, 'degraded');
  assert.match(logger.warnings.join('\n'), /not a regular file/);
  assert.deepEqual(await directory.resolve('apex-alice'), { kind: 'not-found' });
  // The same holds for a folder.
  await mkdir(path.join(dir, 'folder.json'));
  const folder = await FileDirectory.open(path.join(dir, 'folder.json'), recordingLogger());
  t.after(() => folder.close());
  assert.equal(folder.state().health, 'degraded');
});

test('a TapiServer that stops reading: past tapi.maxPendingBytes the link is dropped and reconnected', async (t) => {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.pause(); // never reads: what the agent writes piles up
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const logger = recordingLogger();
  const link = new TapiLink(
    tapiSchema.parse({ port, reconnectMs: 50, maxPendingBytes: 4096 }),
    logger,
  );
  t.after(async () => {
    await link.stop();
    for (const s of sockets) s.destroy();
    server.close();
  });
  const connected = new Promise<void>((resolve) => link.once('connected', resolve));
  link.start();
  await connected;
  const reconnected = new Promise<void>((resolve) => link.once('connected', resolve));
  let sent = 0;
  while (link.send({ verb: 'CALL', ext: '201', number: `+${'1'.repeat(31)}` })) sent++;
  assert.match(link.state().lastError ?? '', /stopped reading/);
  await reconnected;
  assert.equal(link.isConnected, true);
  assert.ok(sent > 0);
  assert.ok(logger.warnings.some((w) => w.includes('stopped reading')));
});
