import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { FileDirectory, parseDirectoryFile } from '../../src/main/directory/file-directory.js';
import { silentLogger } from '../../src/main/core/log.js';
import { tempDir } from '../helpers/temp-dir.js';

test('resolves sessions to users and phones, user names case-insensitively', async (t) => {
  const folder = await tempDir(t, 'tm-dir');
  const file = path.join(folder, 'directory.json');
  await writeFile(
    file,
    JSON.stringify({ sessions: { s1: 'alice', s2: 'NOPHONE' }, users: { ALICE: '201' } }),
  );
  const directory = await FileDirectory.open(file, silentLogger());
  t.after(() => directory.close());
  assert.deepEqual(await directory.resolve('s1'), { kind: 'found', user: 'alice', phone: '201' });
  assert.deepEqual(await directory.resolve('s2'), { kind: 'no-phone', user: 'NOPHONE' });
  assert.deepEqual(await directory.resolve('nope'), { kind: 'not-found' });
  assert.equal(directory.state().health, 'ok');
});

test('is re-read when the file changes, also when an editor replaces it by rename', async (t) => {
  const folder = await tempDir(t, 'tm-dir');
  const file = path.join(folder, 'directory.json');
  await writeFile(file, JSON.stringify({ sessions: {}, users: {} }));
  let reloaded: () => void = () => undefined;
  const directory = await FileDirectory.open(file, silentLogger(), { onReload: () => reloaded() });
  t.after(() => directory.close());
  const nextReload = (): Promise<void> => new Promise((resolve) => (reloaded = resolve));

  let reload = nextReload();
  await writeFile(file, JSON.stringify({ sessions: { s1: 'BOB' }, users: { bob: '202' } }));
  await reload;
  assert.deepEqual(await directory.resolve('s1'), { kind: 'found', user: 'BOB', phone: '202' });

  reload = nextReload();
  const tmp = path.join(folder, 'directory.json.tmp');
  await writeFile(tmp, JSON.stringify({ sessions: { s1: 'CAROL' }, users: { CAROL: '203' } }));
  await rename(tmp, file);
  await reload;
  assert.deepEqual(await directory.resolve('s1'), { kind: 'found', user: 'CAROL', phone: '203' });
});

test('a bad edit keeps the last good contents and marks the directory degraded', async (t) => {
  const folder = await tempDir(t, 'tm-dir');
  const file = path.join(folder, 'directory.json');
  await writeFile(file, JSON.stringify({ sessions: { s1: 'A' }, users: { A: '201' } }));
  const directory = await FileDirectory.open(file, silentLogger());
  t.after(() => directory.close());
  const degraded = new Promise<string | null>((resolve) =>
    directory.onStateChange((state) => {
      if (state.health === 'degraded') resolve(state.lastError);
    }),
  );
  await writeFile(file, '{"sessions": {"s1": "A"}, "users": {"A": "201 CALL 999"}}');
  const error = await degraded;
  assert.match(error ?? '', /users\.A/);
  assert.deepEqual(await directory.resolve('s1'), { kind: 'found', user: 'A', phone: '201' });
});

test('a missing file is not fatal: every session is unknown until it appears', async (t) => {
  const folder = await tempDir(t, 'tm-dir');
  const directory = await FileDirectory.open(path.join(folder, 'absent.json'), silentLogger());
  t.after(() => directory.close());
  assert.deepEqual(await directory.resolve('s1'), { kind: 'not-found' });
  assert.equal(directory.state().health, 'degraded');
  assert.match(directory.state().lastError ?? '', /does not exist/);
});

test('parseDirectoryFile names the offending entry', () => {
  assert.throws(() => parseDirectoryFile('{"sessions": 5}'), /sessions/);
  assert.throws(() => parseDirectoryFile('{"users": {"X": ""}}'), /users\.X/);
  assert.throws(() => parseDirectoryFile('{"extra": {}}'), /extra/);
  assert.throws(() => parseDirectoryFile('not json'), /not valid JSON/);
});
