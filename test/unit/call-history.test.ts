import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CallView } from '../../src/shared/bridge.js';
import { CURRENT_FILE, CallHistory, PREVIOUS_FILE } from '../../src/main/storage/call-history.js';
import { silentLogger, type Logger } from '../../src/main/core/log.js';
import { callView } from '../helpers/calls.js';
import { tempDir, type Cleanup } from '../helpers/temp-dir.js';

const call = (n: number): CallView =>
  callView({
    at: 1_700_000_000_000 + n,
    extension: '201',
    caller: `+4930${n}`,
    name: n % 2 ? 'Müller' : null,
    callId: `c-${n}`,
    reached: n % 3,
  });

async function folder(t: Cleanup): Promise<string> {
  return path.join(await tempDir(t, 'tm-history'), 'data');
}

test('calls written by one run are read back, newest first, by the next', async (t) => {
  const dir = await folder(t);
  const first = await CallHistory.open({ folder: dir, logger: silentLogger() });
  assert.deepEqual(first.recent(), []);
  assert.equal(existsSync(dir), false, 'no folder until there is something to write');
  for (let i = 1; i <= 5; i++) first.append(call(i));
  await first.flush();
  const second = await CallHistory.open({ folder: dir, logger: silentLogger() });
  assert.deepEqual(second.recent(), [5, 4, 3, 2, 1].map(call));
  const third = await CallHistory.open({ folder: dir, logger: silentLogger(), keep: 2 });
  assert.deepEqual(third.recent(), [call(5), call(4)]);
});

test('the file rotates before passing maxBytes; one previous file is kept; the cap holds', async (t) => {
  const dir = await folder(t);
  const lineBytes = Buffer.byteLength(`${JSON.stringify(call(10))}\n`);
  const maxBytes = lineBytes * 10;
  const history = await CallHistory.open({ folder: dir, logger: silentLogger(), maxBytes });
  for (let i = 10; i < 45; i++) history.append(call(i)); // 35 calls: 3 rotations
  await history.flush();
  const current = await stat(path.join(dir, CURRENT_FILE));
  const previous = await stat(path.join(dir, PREVIOUS_FILE));
  assert.ok(current.size <= maxBytes, `current ${current.size} <= ${maxBytes}`);
  assert.ok(previous.size <= maxBytes, `previous ${previous.size} <= ${maxBytes}`);
  const reopened = await CallHistory.open({ folder: dir, logger: silentLogger(), maxBytes });
  const ats = reopened.recent().map((c) => c.at - 1_700_000_000_000);
  assert.deepEqual(
    ats,
    Array.from({ length: ats.length }, (_, i) => 44 - i),
    'newest first, no gap',
  );
  assert.ok(ats.length >= 10 && ats.length <= 20, `${ats.length} calls kept in two files`);
  // Appending after a reopen continues the size count from the file.
  for (let i = 45; i < 50; i++) reopened.append(call(i));
  await reopened.flush();
  assert.ok((await stat(path.join(dir, CURRENT_FILE))).size <= maxBytes);
});

test('a torn or foreign line is skipped, the rest is read', async (t) => {
  const dir = await folder(t);
  await mkdir(dir, { recursive: true });
  const good = [call(1), call(2)].map((c) => JSON.stringify(c)).join('\n');
  await writeFile(
    path.join(dir, CURRENT_FILE),
    `${good}\n{"at":"yesterday"}\nnot json\n{"at":17000`,
  );
  const history = await CallHistory.open({ folder: dir, logger: silentLogger() });
  assert.deepEqual(history.recent(), [call(2), call(1)]);
  history.append(call(3));
  await history.flush();
  const text = await readFile(path.join(dir, CURRENT_FILE), 'utf8');
  assert.ok(text.includes('"c-3"'));
});

test('a disk that refuses writes is reported once and does not throw', async (t) => {
  const dir = await folder(t);
  await mkdir(path.dirname(dir), { recursive: true });
  await writeFile(dir, 'a file where the folder should be');
  const warnings: string[] = [];
  const logger: Logger = { ...silentLogger(), warn: (m: string) => warnings.push(m) };
  const history = await CallHistory.open({ folder: dir, logger });
  history.append(call(1));
  history.append(call(2));
  await history.flush();
  history.append(call(3));
  await history.flush();
  const writes = warnings.filter((w) => w.includes('cannot write'));
  assert.equal(writes.length, 1, warnings.join('\n'));
  assert.match(writes[0] ?? '', /TAPI_MESSENGER_DATA_DIR/);
  await appendFile(path.join(path.dirname(dir), 'unused'), ''); // the parent is still writable
});

test('calls that end close together reach the file together, flushMs after the first of them', async (t) => {
  const dir = await folder(t);
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const history = await CallHistory.open({ folder: dir, logger: silentLogger(), flushMs: 1000 });
  history.append(call(1));
  t.mock.timers.tick(999);
  history.append(call(2));
  assert.equal(existsSync(path.join(dir, CURRENT_FILE)), false, 'nothing written before flushMs');
  t.mock.timers.tick(1);
  // The write itself is real I/O: wait for it through the next flush, which finds it done.
  await history.flush();
  const lines = (await readFile(path.join(dir, CURRENT_FILE), 'utf8')).trimEnd().split('\n');
  assert.deepEqual(
    lines.map((line) => JSON.parse(line) as CallView),
    [call(1), call(2)],
  );
  // After a flush the file is closed; a later call opens it again and lands after the others.
  history.append(call(3));
  await history.flush();
  const reopened = await CallHistory.open({ folder: dir, logger: silentLogger() });
  assert.deepEqual(reopened.recent(), [call(3), call(2), call(1)]);
});
