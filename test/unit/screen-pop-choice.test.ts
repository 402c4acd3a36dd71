import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenPopChoices } from '../../src/main/core/destinations.js';
import { fakeStompSession } from '../helpers/fake-stomp-session.js';

/** Subscription ids of the MESSAGE frames in `sent`. */
const subscriptionsOf = (sent: readonly string[]): string[] =>
  sent.flatMap((text) => [...text.matchAll(/^subscription:(.*)$/gm)].map((m) => m[1] ?? ''));

function popTo(destinations: readonly string[]): string[] {
  const s = fakeStompSession({});
  destinations.forEach((destination, i) =>
    s.stomp.receive(Buffer.from(`SUBSCRIBE\nid:sub-${i}\ndestination:${destination}\n\n\0`)),
  );
  s.sent.length = 0;
  const sent = s.stomp.deliverOnce(screenPopChoices('s1', '042', 'apex-1'), '{"name":"x"}');
  assert.equal(sent, subscriptionsOf(s.sent).length);
  return subscriptionsOf(s.sent);
}

const own = '/user/queue/incoming-call-users1';
const https = '/user/queue/incoming-call-users042/s1';
const apex = '/user/queue/incoming-call-userapex-1';
const plain = '/user/queue/incoming-call';

test('one pop per session: its own subscription first, then the APEX session one, then the plain one', () => {
  assert.deepEqual(popTo([apex, own, plain]), ['sub-1'], 'the reference page over http');
  assert.deepEqual(popTo([https, apex]), ['sub-0'], 'the reference page over https');
  assert.deepEqual(popTo([plain, apex]), ['sub-1']);
  assert.deepEqual(popTo([plain, plain]), ['sub-0'], 'twice the same: still once');
  assert.deepEqual(popTo(['/user/queue/incoming-call-users999/s1']), [], 'not its server id');
  assert.deepEqual(popTo(['/topic/is-listen-init']), []);
});

test('the https form is offered only for SockJS sessions; an APEX session named like the session once', () => {
  assert.deepEqual(screenPopChoices('abc', null, 'abc'), [
    '/user/queue/incoming-call-userabc',
    '/user/queue/incoming-call',
  ]);
});
