import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMessage, prepareBody } from '../../src/main/stomp/frame-encoder.js';
import { CallRouter, type LinkPort } from '../../src/main/core/call-router.js';
import type { ClientSession } from '../../src/main/core/client-session.js';
import type { Directory, Resolution } from '../../src/main/directory/directory.js';
import { silentLogger } from '../../src/main/core/log.js';

/** The caches the benchmark's profile led to (docs/benchmarks.md) must never serve stale data. */

test('prepareBody gives each body its own length, whatever came before', () => {
  const a = prepareBody('{"a":"ą"}');
  assert.equal(a.tail, 'content-type:application/json\ncontent-length:10\n\n');
  assert.equal(prepareBody('{"a":"ą"}'), a, 'the same body again is the same preparation');
  const b = prepareBody('{"a":"b"}');
  assert.equal(b.text, '{"a":"b"}');
  assert.equal(b.tail, 'content-type:application/json\ncontent-length:9\n\n');
  const plain = prepareBody('{"a":"b"}', 'text/plain');
  assert.equal(plain.tail, 'content-type:text/plain\ncontent-length:9\n\n');
  assert.equal(prepareBody('{"a":"ą"}').tail, a.tail);
  assert.equal(
    encodeMessage('/user/queue/incoming-call', 'sub-0', 'm-1', b, '1.2'),
    'MESSAGE\ndestination:/user/queue/incoming-call\nsubscription:sub-0\nmessage-id:m-1\n' +
      'content-type:application/json\ncontent-length:9\n\n{"a":"b"}\0',
  );
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

function directory(answers: Record<string, Resolution>): Directory {
  return {
    resolve: (apex) => Promise.resolve(answers[apex] ?? { kind: 'not-found' }),
    state: () => ({ type: 'test', health: 'ok', source: 'test', lastError: null, since: 0 }),
    onStateChange: () => () => undefined,
    close: () => Promise.resolve(),
  };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

test('a session that re-binds with another APEX session gets pops on the new destinations', async () => {
  const link: LinkPort = { isConnected: true, send: () => true };
  const router = new CallRouter(
    directory({
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
