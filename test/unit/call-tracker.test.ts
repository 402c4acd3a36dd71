import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CallTracker,
  MAX_ACTIVE_CALLS,
  isMissed,
  type TrackedCall,
} from '../../src/main/core/call-tracker.js';

function tracker(timeoutMs = 60_000): {
  calls: CallTracker;
  changes: TrackedCall[];
  clock: { now: number };
} {
  const clock = { now: 1_000_000 };
  let seq = 0;
  const calls = new CallTracker({ timeoutMs, now: () => clock.now, newId: () => `gen-${++seq}` });
  const changes: TrackedCall[] = [];
  calls.on('change', (call) => changes.push(call));
  return { calls, changes, clock };
}

const states = (changes: TrackedCall[]): string[] =>
  changes.map((c) => `${c.callId} ${c.state}${c.cause ? ` ${c.cause}` : ''}`);

test('an answered inbound call: ringing, answered by whom, ended with its cause and times', () => {
  const { calls, changes, clock } = tracker();
  const ringing = calls.ring('201', '+48221234567', 'c1', null);
  assert.equal(ringing?.state, 'ringing');
  assert.equal(changes.length, 0, 'nothing is told before the call is announced');
  calls.announce('201', 'c1', 'Jan Kowalski');
  clock.now += 5000;
  assert.equal(calls.update('201', 'c1', 'CONNECTED', '202'), 'changed');
  clock.now += 60_000;
  assert.equal(calls.update('201', 'c1', 'DISCONNECTED', 'NORMAL'), 'changed');
  assert.deepEqual(states(changes), ['c1 ringing', 'c1 answered', 'c1 ended NORMAL']);
  const ended = changes[2] as TrackedCall;
  assert.deepEqual(
    { ...ended },
    {
      callId: 'c1',
      extension: '201',
      direction: 'in',
      state: 'ended',
      from: '+48221234567',
      to: '201',
      name: 'Jan Kowalski',
      answeredBy: '202',
      cause: 'NORMAL',
      startedAt: 1_000_000,
      answeredAt: 1_005_000,
      endedAt: 1_065_000,
    },
  );
  assert.equal(isMissed(ended), false);
  assert.equal(calls.activeCount, 0, 'an ended call is forgotten');
  assert.equal(calls.update('201', 'c1', 'IDLE', null), 'unknown', 'IDLE after the end');
});

test('an inbound call ended without CONNECTED is missed; hold and unknown details are handled', () => {
  const { calls, changes } = tracker();
  calls.ring('201', '+48501', 'c2', null);
  calls.announce('201', 'c2', null);
  assert.equal(calls.update('201', 'c2', 'RINGING', null), 'unchanged');
  calls.update('201', 'c2', 'DISCONNECTED', 'NOANSWER');
  assert.equal(isMissed(changes.at(-1) as TrackedCall), true);

  calls.ring('201', '+48502', 'c3', null);
  calls.announce('201', 'c3', null);
  calls.update('201', 'c3', 'CONNECTED', 'not an ext!');
  calls.update('201', 'c3', 'ONHOLD', null);
  calls.update('201', 'c3', 'CONNECTED', null);
  calls.update('201', 'c3', 'DISCONNECTED', 'EXPLODED');
  assert.deepEqual(states(changes).slice(2), [
    'c3 ringing',
    'c3 answered',
    'c3 held',
    'c3 answered',
    'c3 ended UNKNOWN',
  ]);
  const ended = changes.at(-1) as TrackedCall;
  assert.equal(ended.answeredBy, null, 'a detail that is no extension is not an answerer');
  assert.equal(isMissed(ended), false);
});

test('INCOMING without an id gets one; a repeated INCOMING is not a second call', () => {
  const { calls } = tracker();
  assert.equal(calls.ring('201', '+48501', null, null)?.callId, 'gen-1');
  assert.equal(calls.ring('201', '+48501', null, null)?.callId, 'gen-2');
  assert.equal(calls.ring('201', '+48501', 'x', null)?.callId, 'x');
  assert.equal(calls.ring('201', '+48501', 'x', null), null);
  assert.equal(calls.ring('202', '+48501', 'x', null)?.callId, 'x', 'same id, other extension');
  assert.equal(calls.activeCount, 4);
});

test('outbound: OK CALL starts a dialing call; RINGBACK, CONNECTED, DISCONNECTED follow', () => {
  const { calls, changes } = tracker();
  calls.dialled('201', '+48225550102', 'o1');
  calls.update('201', 'o1', 'DIALING', null);
  calls.update('201', 'o1', 'RINGBACK', null);
  calls.update('201', 'o1', 'CONNECTED', null);
  calls.update('201', 'o1', 'DISCONNECTED', 'NORMAL');
  assert.deepEqual(states(changes), ['o1 dialing', 'o1 ringing', 'o1 answered', 'o1 ended NORMAL']);
  const ended = changes.at(-1) as TrackedCall;
  assert.equal(ended.direction, 'out');
  assert.equal(ended.from, '201');
  assert.equal(ended.to, '+48225550102');
  assert.equal(isMissed(ended), false, 'an unanswered outbound call is not missed');
});

test('changes of a call not yet announced are held back, then told as the call is', () => {
  const { calls, changes } = tracker();
  calls.ring('201', '+48501', 'c1', null);
  calls.update('201', 'c1', 'CONNECTED', '201');
  assert.equal(changes.length, 0);
  calls.announce('201', 'c1', 'Anna');
  assert.deepEqual(states(changes), ['c1 answered']);
  assert.equal(changes[0]?.name, 'Anna');
  assert.deepEqual(calls.activeOn('201'), [changes[0]]);
});

test('link lost: every active call ends with LINK_LOST, on every extension', () => {
  const { calls, changes } = tracker();
  calls.ring('201', '+48501', 'a', null);
  calls.announce('201', 'a', null);
  calls.dialled('202', '+48502', 'b');
  changes.length = 0;
  calls.endAll('LINK_LOST');
  assert.deepEqual(states(changes), ['a ended LINK_LOST', 'b ended LINK_LOST']);
  assert.equal(calls.activeCount, 0);
  assert.deepEqual(calls.activeOn('201'), []);
});

test('link lost for some extensions (one TapiServer of a cluster): the others go on', () => {
  const { calls, changes } = tracker();
  calls.ring('201', '+48501', 'a', null);
  calls.announce('201', 'a', null);
  calls.dialled('101', '+48502', 'b');
  changes.length = 0;
  calls.endAll('LINK_LOST', (ext) => ext.startsWith('2'));
  assert.deepEqual(states(changes), ['a ended LINK_LOST']);
  assert.equal(calls.update('101', 'b', 'CONNECTED', null), 'changed');
});

test('a call with no line about it for callTimeoutMs ends with TIMEOUT; a line restarts the wait', (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const { calls, changes, clock } = tracker(10_000);
  calls.ring('201', '+48501', 'quiet', null);
  calls.announce('201', 'quiet', null);
  calls.ring('201', '+48502', 'busy', null);
  calls.announce('201', 'busy', null);
  const advance = (ms: number): void => {
    for (let step = 0; step < ms; step += 500) {
      clock.now += 500;
      t.mock.timers.tick(500);
    }
  };
  advance(6000);
  calls.update('201', 'busy', 'CONNECTED', null);
  advance(3500);
  assert.deepEqual(states(changes).slice(2), ['busy answered']);
  advance(500);
  assert.deepEqual(states(changes).slice(3), ['quiet ended TIMEOUT'], 'at 10 s');
  assert.equal(changes.at(-1)?.endedAt, 1_010_000);
  advance(7000);
  assert.equal(changes.length, 4, 'busy had a line at 6 s');
  advance(500);
  assert.deepEqual(states(changes).slice(4), ['busy ended TIMEOUT']);
  assert.equal(calls.activeCount, 0);
});

test('active calls are bounded: past the limit the oldest gives way', () => {
  const { calls, changes } = tracker();
  for (let i = 0; i <= MAX_ACTIVE_CALLS; i++) {
    const ext = String(200 + (i % 7));
    calls.ring(ext, '+48501', `c${i}`, null);
    calls.announce(ext, `c${i}`, null);
  }
  assert.equal(calls.activeCount, MAX_ACTIVE_CALLS);
  assert.equal(calls.activeOn('200')[0]?.callId, 'c7');
  assert.deepEqual(
    states(changes).filter((s) => s.includes('ended')),
    ['c0 ended TIMEOUT'],
  );
  calls.stop();
});
