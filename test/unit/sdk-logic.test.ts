import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DELAY_MS, Retry, backoffDelay } from '../../src/sdk/backoff.js';
import { PendingDials } from '../../src/sdk/pending-dials.js';
import {
  CallDedupe,
  callEventFromMessage,
  callEventFromPop,
  type AgentCallEvent,
} from '../../src/sdk/call-events.js';
import { tapiError } from '../../src/sdk/errors.js';

/** The browser SDK's decisions, without a browser: backoff, dial answers, call events. */

test('backoff: 1 s doubling to 30 s, jitter only shortens a delay by up to a quarter', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 40].map((n) => backoffDelay(n, 0)),
    [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
  );
  assert.equal(backoffDelay(0, 0.999999), 750);
  assert.equal(backoffDelay(9, 0.5), 26250);
  for (let attempt = 0; attempt < 12; attempt++) {
    for (const r of [0, 0.3, 0.7, 0.99]) {
      const delay = backoffDelay(attempt, r);
      assert.ok(delay <= MAX_DELAY_MS && delay >= 750, `${attempt}/${r}: ${delay}`);
    }
  }
});

test('retries wait their delay, one at a time, and start again from 1 s after a success', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const retry = new Retry(() => 0);
  let runs = 0;
  const run = (): void => {
    runs++;
  };
  assert.equal(retry.schedule(run), 1000);
  t.mock.timers.tick(999);
  assert.equal(runs, 0);
  t.mock.timers.tick(1);
  assert.equal(runs, 1);
  assert.equal(retry.schedule(run), 2000);
  assert.equal(retry.schedule(run), 4000, 'a second schedule replaces the first');
  t.mock.timers.tick(4000);
  assert.equal(runs, 2);
  retry.reset();
  assert.equal(retry.schedule(run), 1000);
  retry.cancel();
  t.mock.timers.tick(60_000);
  assert.equal(runs, 2, 'a cancelled retry never runs');
});

test('a dial error belongs to the oldest dial still waiting for its receipt', async () => {
  const dials = new PendingDials();
  const outcome = (p: Promise<void>): Promise<string> =>
    p.then(
      () => 'accepted',
      (e: { code: string }) => e.code,
    );
  const first = outcome(dials.add('dial-1'));
  const second = outcome(dials.add('dial-2'));
  const third = outcome(dials.add('dial-3'));
  // The agent answers in order: RECEIPT 1, error + RECEIPT 2, RECEIPT 3.
  dials.receipted('dial-1');
  assert.equal(dials.refused(tapiError('BAD_NUMBER', 'no')), true);
  dials.receipted('dial-2');
  dials.receipted('dial-3');
  assert.deepEqual(await Promise.all([first, second, third]), [
    'accepted',
    'BAD_NUMBER',
    'accepted',
  ]);
  assert.equal(dials.refused(tapiError('LINK_DOWN', 'no')), false, 'not a dial error');
  const lost = outcome(dials.add('dial-4'));
  dials.failAll(() => tapiError('CONNECTION_LOST', 'gone'));
  assert.equal(await lost, 'CONNECTION_LOST');
  assert.equal(dials.size, 0);
});

test('a screen-pop is a ringing call event; a call event that changes nothing is not repeated', () => {
  const pop = callEventFromPop(
    JSON.stringify({
      name: 'UNKNOWN',
      phone: '+48123',
      extension: '201',
      callId: 'c1',
      at: '2026-01-01T00:00:00.000Z',
    }),
  );
  assert.deepEqual(pop, {
    callId: 'c1',
    extension: '201',
    direction: 'in',
    state: 'ringing',
    from: '+48123',
    to: '201',
    name: null,
    answeredBy: null,
    cause: null,
    missed: false,
    startedAt: '2026-01-01T00:00:00.000Z',
    answeredAt: null,
    endedAt: null,
  });
  const event = (state: string, callId = 'c1'): AgentCallEvent | null =>
    callEventFromMessage(
      JSON.stringify({ callId, extension: '201', direction: 'in', state, answeredBy: '201' }),
    );
  assert.equal(event('answered')?.answeredBy, '201');
  const dedupe = new CallDedupe(2);
  const sequence = [
    pop,
    event('ringing'), // the same ringing as the pop
    event('answered'),
    event('answered'), // a snapshot after a reconnect
    event('held'),
    event('answered'), // taken off hold: a change again
    event('ringing', 'c2'),
    event('ringing', 'c3'), // c1 is forgotten (remember = 2)
    event('answered'),
  ];
  assert.deepEqual(
    sequence.map((e) => e !== null && dedupe.isNew(e)),
    [true, false, true, false, true, true, true, true, true],
  );
  assert.notEqual(
    callEventFromPop('{"phone":"1"}')?.callId,
    callEventFromPop('{"phone":"1"}')?.callId,
    'pops without a call id are distinct calls',
  );
  for (const bad of ['nope', '[]', '{"callId":"x","state":"exploded","direction":"in"}']) {
    assert.equal(callEventFromMessage(bad), null, bad);
  }
  assert.equal(callEventFromPop('{"name":"x"}'), null);
});
