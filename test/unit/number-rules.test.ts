import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseNumber } from '../../src/main/core/number-rules.js';

test('spaces, dashes, dots and parentheses are removed (docs/protocol.md §2)', () => {
  assert.deepEqual(normaliseNumber(' +48 (22) 555-01.02 '), { ok: true, number: '+48225550102' });
  assert.deepEqual(normaliseNumber('*72#'), { ok: true, number: '*72#' });
});

test('anything that could break a TapiServer line, letters, or length is refused', () => {
  for (const bad of [
    '',
    '   ',
    '12\t3',
    '12\r3',
    '12\n3',
    '12a',
    '+',
    '++1',
    '1+1',
    '1'.repeat(33),
    '１２３',
    '12\u00a03',
  ]) {
    assert.equal(normaliseNumber(bad).ok, false, JSON.stringify(bad));
  }
  assert.equal(normaliseNumber('1'.repeat(32)).ok, true);
});
