import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StompSession, type StompSessionHandler } from '../../src/main/stomp/stomp-session.js';
import type { Transport } from '../../src/main/stomp/transport.js';
import { silentLogger } from '../../src/main/core/log.js';

/** A session over a fake transport, on a clock the test moves. */
function session(limits: {
  maxFramesPerSecond?: number;
  maxPendingBytes?: number;
  sendStallMs?: number;
}) {
  let now = 0;
  const sent: string[] = [];
  const events: string[] = [];
  const transport: Transport & { pending: number } = {
    kind: 'test',
    remoteAddress: '127.0.0.1',
    pending: 0,
    send: (text) => void sent.push(text),
    close: (code) => void events.push(`close ${code}`),
    abort: () => void events.push('abort'),
    pendingBytes: () => transport.pending,
  };
  const handler: StompSessionHandler = {
    connected: () => undefined,
    subscribed: () => undefined,
    send: () => undefined,
    refuseSend: () => null,
    protocolError: (_s, code) => void events.push(`error ${code}`),
    closed: (_s, reason) => void events.push(`closed ${reason.split(':')[0] ?? ''}`),
    unexpected: () => void events.push('unexpected'),
  };
  const stomp = new StompSession(
    's1',
    transport,
    {
      maxFrameBytes: 65536,
      heartbeatMs: [0, 0],
      connectTimeoutMs: 60_000,
      maxSubscriptions: 100,
      maxFramesPerSecond: limits.maxFramesPerSecond ?? 100,
      maxPendingBytes: limits.maxPendingBytes ?? 1 << 20,
      sendStallMs: limits.sendStallMs ?? 10_000,
      serverName: 'test',
      now: () => now,
    },
    handler,
    silentLogger(),
  );
  stomp.receive(Buffer.from('CONNECT\naccept-version:1.2\n\n\0'));
  return {
    stomp,
    sent,
    events,
    transport,
    tick: (ms: number) => void (now += ms),
    receipt: (id: string) => stomp.receive(Buffer.from(`ACK\nreceipt:${id}\n\n\0`)),
    end: () => stomp.transportClosed(),
  };
}

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
