import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SampleBuffer,
  advantage,
  concatSamples,
  percentile,
  sortedCopy,
  summarize,
} from '../../bench/stats.js';

test('nearest-rank percentiles pick a measured sample', () => {
  const sorted = sortedCopy([5, 1, 4, 2, 3, 10, 9, 8, 7, 6]);
  assert.deepEqual([...sorted], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(percentile(sorted, 50), 5);
  assert.equal(percentile(sorted, 90), 9);
  assert.equal(percentile(sorted, 99), 10);
  assert.equal(percentile(sorted, 100), 10);
  assert.equal(percentile(sorted, 0.1), 1);
  assert.equal(percentile([7], 99.9), 7);
});

test('p99 and p99.9 of 1..1000 and 1..10000', () => {
  const thousand = Float64Array.from({ length: 1000 }, (_, i) => 1000 - i);
  const s = summarize(thousand);
  assert.equal(s.count, 1000);
  assert.equal(s.p50, 500);
  assert.equal(s.p99, 990);
  assert.equal(s.p999, 999);
  assert.equal(s.max, 1000);
  assert.equal(s.mean, 500.5);
  const tenThousand = summarize(Array.from({ length: 10_000 }, (_, i) => i + 1));
  assert.equal(tenThousand.p99, 9900);
  assert.equal(tenThousand.p999, 9990);
});

test('sorting is numeric, not lexical, and fractional samples keep their order', () => {
  const s = summarize([0.25, 10, 9, 0.5, 100, 2]);
  assert.equal(s.p50, 2);
  assert.equal(s.max, 100);
  assert.equal(percentile(sortedCopy([0.3, 0.1, 0.2]), 1), 0.1);
});

test('an empty sample set summarises to NaN, and bad input is refused', () => {
  const s = summarize([]);
  assert.equal(s.count, 0);
  for (const v of [s.p50, s.p99, s.p999, s.max, s.mean]) assert.ok(Number.isNaN(v));
  assert.throws(() => percentile([1], 0), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
  assert.throws(() => percentile([1], Number.NaN), RangeError);
  assert.throws(() => summarize([1, Number.NaN]), RangeError);
});

test('the input is not reordered', () => {
  const samples = [3, 1, 2];
  summarize(samples);
  assert.deepEqual(samples, [3, 1, 2]);
});

test('concatSamples joins worker sample sets in order', () => {
  assert.deepEqual([...concatSamples([[1, 2], new Float64Array([3]), []])], [1, 2, 3]);
  assert.equal(concatSamples([]).length, 0);
});

test('SampleBuffer grows past its capacity and clears', () => {
  const buffer = new SampleBuffer(2);
  for (let i = 0; i < 1000; i++) buffer.push(i * 0.5);
  assert.equal(buffer.length, 1000);
  const values = buffer.toArray();
  assert.equal(values[999], 499.5);
  assert.equal(values[0], 0);
  buffer.clear();
  assert.equal(buffer.length, 0);
  assert.deepEqual(buffer.toArray(), []);
});

test('advantage is > 1 when ours is better, whichever way the metric points', () => {
  assert.equal(advantage(1, 3, true), 3); // latency: ours 1 ms, peer 3 ms
  assert.equal(advantage(90_000, 30_000, false), 3); // throughput
  assert.equal(advantage(2, 1, true), 0.5);
  assert.ok(Number.isNaN(advantage(0, 1, true)));
  assert.ok(Number.isNaN(advantage(1, Number.NaN, false)));
  assert.ok(Number.isNaN(advantage(-1, 1, false)));
});
