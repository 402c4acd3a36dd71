import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineBuffer } from '../../src/main/core/log.js';

test('log lines of one turn reach the console in one write, in order, after the turn', (t) => {
  t.mock.timers.enable({ apis: ['setImmediate'] });
  const writes: string[] = [];
  const lines = new LineBuffer((text) => writes.push(text));
  lines.push('incoming call on 201');
  lines.push('incoming call on 202');
  assert.deepEqual(writes, [], 'nothing written while the turn runs');
  t.mock.timers.tick(1);
  assert.deepEqual(writes, ['incoming call on 201\nincoming call on 202\n']);
  lines.push('later');
  t.mock.timers.tick(1);
  assert.deepEqual(writes.at(-1), 'later\n', 'the next turn writes again');
});

test('a turn that logs more than 64 KiB writes as it goes; flush writes the rest at once', (t) => {
  t.mock.timers.enable({ apis: ['setImmediate'] });
  const writes: string[] = [];
  const lines = new LineBuffer((text) => writes.push(text));
  const long = 'x'.repeat(40_000);
  lines.push(long);
  lines.push(long);
  assert.equal(writes.length, 1, 'written once the buffer passed 64 KiB');
  assert.equal(writes[0], `${long}\n${long}\n`);
  lines.push('last words');
  lines.flush();
  assert.equal(writes.at(-1), 'last words\n', 'flush (at exit) writes what is buffered');
  t.mock.timers.tick(1);
  assert.equal(writes.length, 2, 'the scheduled flush finds nothing more to write');
});
