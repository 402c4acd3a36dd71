import { sendTarget } from '../../src/main/core/send-policy.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CLOSE_REASON_BYTES, cleanText, closeReason } from '../../src/main/core/client-text.js';
import { parseRequestPath } from '../../src/main/core/request-path.js';
import { WindowLimiter } from '../../src/main/core/window-limiter.js';

test('a close reason is at most 123 UTF-8 bytes, cut on a character, without control characters', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (text) => {
      const reason = closeReason(text);
      assert.ok(Buffer.byteLength(reason) <= CLOSE_REASON_BYTES);
      assert.ok(![...reason].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f'));
      assert.equal(Buffer.from(reason).toString('utf8'), reason, 'well-formed UTF-8');
    }),
  );
  assert.equal(closeReason('short'), 'short');
  assert.equal(cleanText('a\r\nb\0c'), 'a??b?c');
  assert.equal(cleanText('é'.repeat(100), 10), 'ééé…');
});

test('paths: what routing may trust passes; backslashes, //, dot segments and encoded separators do not', () => {
  for (const good of [
    '/',
    '/health',
    '/tapi-messenger/info?t=123',
    '/tapi-messenger/000/abc/xhr_send',
    '/tapi-messenger/',
    '/tapi-messenger/000/abc/jsonp?c=_jp.a1',
  ]) {
    assert.equal(parseRequestPath(good).ok, true, good);
  }
  for (const bad of [
    '/tapi-messenger/000/sid\\xhr_send',
    '/tapi-messenger/000/sid%5Cxhr_send',
    '/tapi-messenger/000/sid%2fxhr_send',
    '//[',
    '//%',
    '//a:99999',
    '/a//b',
    '/a/../b',
    '/a/./b',
    '/%2e%2e/x',
    '/a%',
    '/a%zz',
    '/a b',
    '/ä',
    'http://evil/x',
    '*',
    '',
    '/x?\\',
  ]) {
    assert.equal(parseRequestPath(bad).ok, false, bad);
  }
  assert.deepEqual(parseRequestPath('/a/b?x=1'), { ok: true, pathname: '/a/b', query: 'x=1' });
});

test('the dial window: at most `limit` per key within any window, keys apart, idle keys forgotten', () => {
  const limiter = new WindowLimiter(3, 10_000);
  assert.deepEqual(
    [0, 1000, 2000, 3000].map((at) => limiter.take('201', at)),
    [true, true, true, false],
  );
  assert.equal(limiter.take('202', 3000), true, 'another phone has its own window');
  assert.equal(limiter.retryInMs('201', 3000), 7000);
  assert.equal(limiter.take('201', 9999), false);
  assert.equal(limiter.take('201', 10_001), true, 'the first one left the window');
  assert.equal(limiter.take('201', 10_002), false);
  assert.throws(() => new WindowLimiter(0, 1000), RangeError);
});

test('SEND: listen and call are requests, another /tapi/ destination a bad request, anything else refused', () => {
  assert.deepEqual(sendTarget('/tapi/listen'), { kind: 'listen' });
  assert.deepEqual(sendTarget('/tapi/call'), { kind: 'call' });
  assert.equal(sendTarget('/tapi/dial').kind, 'unknown');
  assert.equal(sendTarget('/tapi').kind, 'forbidden');
  assert.equal(
    sendTarget('/topic/is-listen-init').kind,
    'forbidden',
    'pages never send to a reply',
  );
  const refused = sendTarget('/queue/x\nEVIL');
  assert.ok(refused.kind === 'forbidden');
  assert.ok(refused.message.endsWith('not to "/queue/x?EVIL"'), 'quoted and cleaned, not raw');
});
