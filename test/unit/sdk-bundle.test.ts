import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SDK_GZIP_LIMIT, buildSdk } from '../../tools/build-sdk.js';
import { tempDir } from '../helpers/temp-dir.js';

test('the SDK bundles stay under 40 KiB gzipped, sockjs-client and @stomp/stompjs included', async (t) => {
  const dir = await tempDir(t, 'tm-sdk-size');
  const { gzipped } = await buildSdk(dir);
  t.diagnostic(`gzipped bytes: ${JSON.stringify(gzipped)}`);
  assert.equal(SDK_GZIP_LIMIT, 40 * 1024);
  for (const name of ['tapi-messenger.js', 'tapi-messenger.mjs']) {
    const size = gzipped[name] ?? Infinity;
    assert.ok(size < SDK_GZIP_LIMIT, `${name}: ${size} bytes gzipped`);
    // Bundled, not loaded from elsewhere: SockJS's and stompjs's own code is inside.
    const code = await readFile(path.join(dir, name), 'utf8');
    assert.match(code, /xhr-streaming/, `${name} holds sockjs-client`);
    assert.match(code, /heart-beat/, `${name} holds @stomp/stompjs`);
  }
  const dts = await readFile(path.join(dir, 'tapi-messenger.d.ts'), 'utf8');
  assert.match(dts, /export declare const connect: Connect;/);
  assert.match(dts, /export as namespace TapiMessenger;/);
  assert.match(dts, /dial\(number: string\): Promise<void>;/);
});
