import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenPopChoices } from '../../src/main/core/destinations.js';
import { CallRouter } from '../../src/main/core/call-router.js';
import type { LinkPort } from '../../src/main/core/tapi-port.js';
import { messageBody, type ClientSession } from '../../src/main/core/client-session.js';
import { fakeDirectory } from '../helpers/fake-directory.js';
import { silentLogger } from '../../src/main/core/log.js';
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
  const sent = s.stomp.deliverOnce(
    screenPopChoices('s1', '042', 'apex-1'),
    messageBody('{"name":"x"}'),
  );
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

class RecordingSession implements ClientSession {
  readonly clientAddress = '127.0.0.1';
  readonly transport = 'test';
  readonly connectedAt = 0;
  readonly sockjsServerId = null;
  readonly deliveries: string[][] = [];
  constructor(readonly id: string) {}
  deliver(destinations: readonly string[]): number {
    this.deliveries.push([...destinations]);
    return 1;
  }
  deliverOnce(choices: readonly string[]): number {
    return this.deliver(choices);
  }
  close(): void {}
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

test('a session that re-binds with another APEX session gets pops on the new destinations', async () => {
  const link: LinkPort = { isConnected: true, send: () => true };
  const router = new CallRouter(
    fakeDirectory({
      'apex-1': { kind: 'found', user: 'ALICE', phone: '201' },
      'apex-2': { kind: 'found', user: 'ALICE', phone: '201' },
      'apex-3': { kind: 'found', user: 'BOB', phone: '202' },
    }),
    link,
    silentLogger(),
  );
  const session = new RecordingSession('s1');
  router.opened(session);
  const ring = (ext: string): void =>
    router.linkMessage({ kind: 'incoming', ext, caller: '+48123', callId: null, name: null });

  router.message(session, '/tapi/listen', new Map([['apex_session', 'apex-1']]), Buffer.alloc(0));
  await settle();
  ring('201');
  ring('201');
  router.message(session, '/tapi/listen', new Map([['apex_session', 'apex-2']]), Buffer.alloc(0));
  await settle();
  ring('201');
  router.message(session, '/tapi/listen', new Map([['apex_session', 'apex-3']]), Buffer.alloc(0));
  await settle();
  ring('201');
  ring('202');
  const pops = session.deliveries.filter((d) =>
    d.some((x) => x.startsWith('/user/queue/incoming')),
  );
  assert.deepEqual(pops, [
    [
      '/user/queue/incoming-call-users1',
      '/user/queue/incoming-call-userapex-1',
      '/user/queue/incoming-call',
    ],
    [
      '/user/queue/incoming-call-users1',
      '/user/queue/incoming-call-userapex-1',
      '/user/queue/incoming-call',
    ],
    [
      '/user/queue/incoming-call-users1',
      '/user/queue/incoming-call-userapex-2',
      '/user/queue/incoming-call',
    ],
    [
      '/user/queue/incoming-call-users1',
      '/user/queue/incoming-call-userapex-3',
      '/user/queue/incoming-call',
    ],
  ]);
});
