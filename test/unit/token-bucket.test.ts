import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TokenBucket } from '../../src/main/core/token-bucket.js';

test('a full bucket allows a burst, then one event per 1/rate seconds', () => {
  const bucket = new TokenBucket(10, 10, 0);
  for (let i = 0; i < 10; i++) assert.equal(bucket.take(0), true, `burst event ${i}`);
  assert.equal(bucket.take(0), false, 'the 11th event in the same instant');
  assert.equal(bucket.take(99), false, 'not yet a whole token after 99 ms');
  assert.equal(bucket.take(100), true, 'one token after 100 ms');
  assert.equal(bucket.take(100), false);
});

test('tokens never exceed the burst, however long the bucket was idle', () => {
  const bucket = new TokenBucket(5, 3, 0);
  bucket.take(1_000_000);
  assert.equal(bucket.available, 2);
  assert.equal(bucket.take(1_000_000, 2), true);
  assert.equal(bucket.take(1_000_000), false);
});

test('a clock going backwards grants nothing', () => {
  const bucket = new TokenBucket(1000, 1, 1000);
  assert.equal(bucket.take(1000), true);
  assert.equal(bucket.take(0), false);
  assert.equal(bucket.take(500), false);
});

test('nonsense limits are refused', () => {
  assert.throws(() => new TokenBucket(0, 1, 0), RangeError);
  assert.throws(() => new TokenBucket(1, 0, 0), RangeError);
});

test('property: over any window, accepted events <= burst + rate × window', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 500 }),
      fc.integer({ min: 1, max: 500 }),
      fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 300 }),
      (rate, burst, gaps) => {
        const bucket = new TokenBucket(rate, burst, 0);
        let now = 0;
        const accepted: number[] = [];
        for (const gap of gaps) {
          now += gap;
          if (bucket.take(now)) accepted.push(now);
        }
        for (let i = 0; i < accepted.length; i++) {
          for (let j = i; j < accepted.length; j++) {
            const window = (accepted[j] as number) - (accepted[i] as number);
            assert.ok(j - i + 1 <= burst + (rate * window) / 1000 + 1e-9);
          }
        }
        // A client that waits a full second between events is never refused.
        const patient = new TokenBucket(rate, burst, 0);
        for (let k = 1; k <= 20; k++) assert.ok(patient.take(k * 1000));
      },
    ),
    { numRuns: 300 },
  );
});
