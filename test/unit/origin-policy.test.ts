import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOrigin, originAllowed } from '../../src/main/stomp/origin-policy.js';

const APEX = ['https://apex.example.com', 'https://*.intra.example.com'];

test('entries match exactly (no trailing slash, any case) or by subdomain wildcard', () => {
  assert.ok(originAllowed('https://APEX.example.com/', APEX));
  assert.ok(originAllowed('https://a.b.intra.example.com', APEX));
  assert.ok(!originAllowed('https://intra.example.com', APEX));
  assert.ok(!originAllowed('http://apex.example.com', APEX), 'scheme matters');
  assert.ok(!originAllowed('https://apex.example.com.evil.net', APEX));
  assert.ok(!originAllowed('https://evilintra.example.com', APEX));
  assert.ok(!originAllowed('null', APEX), 'sandboxed and file: pages send Origin: null');
});

test('with "*" every request passes, JSONP and iframe transports included', () => {
  for (const path of ['/1/a/jsonp', '/iframe.html', '/1/a/xhr', '/websocket']) {
    assert.deepEqual(checkOrigin({ path, origin: 'https://evil.net' }, ['*']), { ok: true });
  }
});

test('restricted: a foreign Origin is refused on every path, an allowed one passes', () => {
  for (const path of [
    '/info',
    '/1/a/xhr',
    '/1/a/xhr_streaming',
    '/1/a/eventsource',
    '/websocket',
  ]) {
    const refused = checkOrigin({ path, origin: 'https://evil.net' }, APEX);
    assert.equal(refused.ok, false, path);
    assert.deepEqual(checkOrigin({ path, origin: 'https://apex.example.com' }, APEX), {
      ok: true,
    });
  }
});

test('restricted: transports browsers fetch without Origin are off, whatever the headers', () => {
  for (const path of [
    '/1/a/jsonp',
    '/1/a/jsonp_send',
    '/1/a/htmlfile',
    '/iframe.html',
    '/iframe-a1b2.html',
  ]) {
    assert.equal(checkOrigin({ path }, APEX).ok, false, path);
    assert.equal(checkOrigin({ path, referer: 'https://apex.example.com/f?p=1' }, APEX).ok, false);
  }
});

test('restricted, no Origin: a foreign or unreadable Referer is refused; none at all passes', () => {
  assert.equal(checkOrigin({ path: '/info', referer: 'https://evil.net/x' }, APEX).ok, false);
  assert.equal(checkOrigin({ path: '/info', referer: 'not a url' }, APEX).ok, false);
  assert.ok(checkOrigin({ path: '/info', referer: 'https://apex.example.com/f?p=1' }, APEX).ok);
  assert.ok(checkOrigin({ path: '/1/a/xhr' }, APEX).ok, 'a program, not a page');
});

test("the agent's own origin is always allowed (pages it serves itself)", () => {
  const self = 'http://agent.example.com:8081';
  assert.ok(checkOrigin({ path: '/info', origin: self, self }, APEX).ok);
  assert.ok(
    checkOrigin({ path: '/info', referer: `${self}/tapi-messenger-client/x`, self }, APEX).ok,
  );
  assert.equal(
    checkOrigin({ path: '/info', origin: 'http://agent.example.com:9999', self }, APEX).ok,
    false,
  );
});
