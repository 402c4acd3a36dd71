import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOG_FLUSH_MS, LineBuffer } from '../../src/main/core/log.js';

test('log lines reach the console together, in order, LOG_FLUSH_MS after the first', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const writes: string[] = [];
  const lines = new LineBuffer((text) => writes.push(text));
  lines.push('incoming call on 201');
  t.mock.timers.tick(LOG_FLUSH_MS - 1);
  lines.push('incoming call on 202');
  assert.deepEqual(writes, [], 'nothing written before LOG_FLUSH_MS');
  t.mock.timers.tick(1);
  assert.deepEqual(writes, ['incoming call on 201\nincoming call on 202\n']);
  lines.push('later');
  t.mock.timers.tick(LOG_FLUSH_MS);
  assert.deepEqual(writes.at(-1), 'later\n', 'the next line starts a new wait');
});

test('more than 64 KiB is written at once; flush (at exit) writes the rest at once', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const writes: string[] = [];
  const lines = new LineBuffer((text) => writes.push(text));
  const long = 'x'.repeat(40_000);
  lines.push(long);
  lines.push(long);
  assert.equal(writes.length, 1, 'written once the buffer passed 64 KiB');
  assert.equal(writes[0], `${long}\n${long}\n`);
  lines.push('last words');
  lines.flush();
  assert.equal(writes.at(-1), 'last words\n');
  t.mock.timers.tick(LOG_FLUSH_MS);
  assert.equal(writes.length, 2, 'nothing is written twice');
});
