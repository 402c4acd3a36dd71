import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeStompSession as session } from '../helpers/fake-stomp-session.js';

test('frames per second: a burst of a second\u2019s worth passes, more is FLOOD; time refills', () => {
  const s = session({ maxFramesPerSecond: 5 });
  for (let i = 0; i < 4; i++) s.receipt(`a${i}`); // CONNECT took the first token
  assert.deepEqual(s.events, []);
  s.tick(400); // two tokens back
  s.receipt('b1');
  s.receipt('b2');
  assert.deepEqual(s.events, []);
  s.receipt('b3');
  assert.deepEqual(s.events, ['error FLOOD', 'closed FLOOD', 'close 1002']);
  assert.match(s.sent.at(-1) ?? '', /^ERROR\nmessage:FLOOD/);
});

test('pending output over maxPendingBytes: cut off (no ERROR, aborted), input ignored from then on', async () => {
  const s = session({ maxPendingBytes: 100 });
  s.transport.pending = 101;
  s.receipt('r1'); // the RECEIPT write sees the backlog
  s.receipt('r2'); // ignored: the session is being cut off
  await Promise.resolve();
  assert.deepEqual(s.events, ['error SLOW_CONSUMER', 'closed SLOW_CONSUMER', 'abort']);
  assert.equal(s.sent.filter((f) => f.startsWith('RECEIPT')).length, 1);
  assert.ok(!s.sent.some((f) => f.startsWith('ERROR')));
});

test('output that never drains for sendStallMs is a stall; one that drains is not', async () => {
  const healthy = session({ sendStallMs: 1000 });
  healthy.transport.pending = 10;
  healthy.receipt('r1');
  healthy.tick(900);
  healthy.transport.pending = 0;
  healthy.receipt('r2');
  healthy.transport.pending = 10;
  healthy.tick(900);
  healthy.receipt('r3');
  await Promise.resolve();
  assert.deepEqual(healthy.events, []);
  healthy.end();

  const stalled = session({ sendStallMs: 1000 });
  stalled.transport.pending = 10;
  stalled.receipt('r1');
  stalled.tick(1000);
  stalled.receipt('r2');
  await Promise.resolve();
  assert.deepEqual(stalled.events, ['error SLOW_CONSUMER', 'closed SLOW_CONSUMER', 'abort']);
});

test('the limits default as documented (docs/security.md)', async () => {
  const { parseConfig } = await import('../../src/main/config/load-config.js');
  const { server } = parseConfig({});
  assert.deepEqual(
    [
      server.maxFramesPerSecond,
      server.maxSubscriptions,
      server.maxSessions,
      server.maxPendingBytes,
      server.sendStallMs,
      server.connectTimeoutMs,
    ],
    [100, 100, 10000, 512 * 1024, 10000, 60000],
  );
  assert.throws(() => parseConfig({ server: { maxFramesPerSecond: 0 } }), /maxFramesPerSecond/);
});

test('no CONNECT within connectTimeoutMs: CONNECT_TIMEOUT then, not before; heart-beats do not count', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const s = session({ connectTimeoutMs: 200, connect: false });
  s.stomp.receive(Buffer.from('\n'));
  t.mock.timers.tick(199);
  assert.deepEqual(s.events, []);
  t.mock.timers.tick(1);
  assert.deepEqual(s.events, ['error CONNECT_TIMEOUT', 'closed CONNECT_TIMEOUT', 'close 1002']);
  assert.match(
    s.sent.at(-1) ?? '',
    /^ERROR\nmessage:CONNECT_TIMEOUT: no CONNECT frame within 200 ms/,
  );
});
