import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ConfigError,
  findAndLoadConfig,
  loadConfigFile,
  parseConfig,
} from '../../src/main/config/load-config.js';
import { tempDir } from '../helpers/temp-dir.js';

test('an empty config gives the defaults of docs/protocol.md §4', () => {
  const c = parseConfig({});
  assert.deepEqual(
    [
      c.server.host,
      c.server.port,
      c.server.path,
      c.server.allowedOrigins,
      c.server.maxFrameBytes,
      c.server.tls,
    ],
    ['0.0.0.0', 8081, '/tapi-messenger', ['*'], 65536, null],
  );
  assert.deepEqual(c.tapi, {
    host: '127.0.0.1',
    port: 44444,
    reconnectMs: 3000,
    keepaliveMs: 0,
    maxPendingBytes: 1024 * 1024,
    callTimeoutMs: 4 * 60 * 60 * 1000,
  });
  assert.deepEqual(
    [
      c.server.maxSessionsPerAddress,
      c.server.maxDialsPerPhone,
      c.server.dialWindowMs,
      c.server.maxListensPerMinute,
    ],
    [5000, 3, 10000, 20],
  );
  assert.deepEqual(c.directory, { type: 'file', file: 'directory.json' });
  assert.deepEqual(c.dashboard, { host: '127.0.0.1', port: 8082 });
  assert.equal(c.log.level, 'info');
});

test('unknown keys and wrong types are errors naming every key', () => {
  try {
    parseConfig({ server: { port: 'x', prot: 1 }, tapi: { reconnectMs: -1 }, extra: true });
    assert.fail('should throw');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    const text = error.problems.join('\n');
    for (const key of [
      'server.port',
      'server.prot: unknown key',
      'tapi.reconnectMs',
      'extra: unknown key',
    ]) {
      assert.ok(text.includes(key), `${key} in\n${text}`);
    }
  }
  assert.throws(() => parseConfig({ directory: { type: 'ldap' } }), /directory\.type/);
  assert.throws(() => parseConfig({ server: { tls: { pfx: 'a.pfx', cert: 'x' } } }), /server\.tls/);
});

test('relative paths are relative to the config file; tapi-messenger.json in cwd is found', async (t) => {
  const dir = await tempDir(t, 'tm-config');
  await writeFile(
    path.join(dir, 'tapi-messenger.json'),
    JSON.stringify({
      directory: { type: 'file', file: 'dir/d.json' },
      server: { tls: { cert: 'c.pem', key: 'k.pem' } },
    }),
  );
  const loaded = findAndLoadConfig(undefined, dir);
  assert.equal(loaded.file, path.join(dir, 'tapi-messenger.json'));
  assert.deepEqual(loaded.config.directory, { type: 'file', file: path.join(dir, 'dir/d.json') });
  assert.deepEqual(loaded.config.server.tls, {
    cert: path.join(dir, 'c.pem'),
    key: path.join(dir, 'k.pem'),
  });
  const none = findAndLoadConfig(undefined, path.join(dir, 'dir-that-has-no-config'));
  assert.equal(none.file, null);
  assert.throws(() => loadConfigFile(path.join(dir, 'missing.json')), /cannot read config file/);
  await writeFile(path.join(dir, 'broken.json'), '{ nope');
  assert.throws(() => loadConfigFile(path.join(dir, 'broken.json')), /not valid JSON/);
});
