import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputBacklog } from '../../src/main/stomp/output-backlog.js';

const limits = { maxPendingBytes: 1000, sendStallMs: 500 };

test('a client that keeps up is never flagged', () => {
  const backlog = new OutputBacklog(limits);
  for (let t = 0; t < 100_000; t += 100) {
    assert.equal(backlog.observe(t % 300 === 0 ? 900 : 0, t), null);
  }
});

test('pending output over the limit is flagged at once', () => {
  const backlog = new OutputBacklog(limits);
  assert.equal(backlog.observe(1000, 0), null);
  assert.match(backlog.observe(1001, 1) ?? '', /1001 bytes .* \(limit 1000\)/);
});

test('output that does not drain for sendStallMs is a stall; draining once resets the clock', () => {
  const backlog = new OutputBacklog(limits);
  assert.equal(backlog.observe(10, 0), null);
  assert.equal(backlog.pending, true);
  assert.equal(backlog.observe(10, 499), null);
  assert.equal(backlog.observe(0, 499), null, 'drained');
  assert.equal(backlog.pending, false);
  assert.equal(backlog.observe(10, 600), null);
  assert.equal(backlog.observe(5, 1099), null);
  assert.match(backlog.observe(5, 1100) ?? '', /not drained for 500 ms \(limit 500 ms\)/);
});
