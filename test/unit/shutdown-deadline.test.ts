import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shutDownWithin } from '../../src/main/shutdown-deadline.js';

test('a shutdown step that hangs is named after the limit, with what the process holds open', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const reports: string[] = [];
  let release: () => void = () => undefined;
  const done = shutDownWithin(
    5000,
    [
      { name: 'the dashboard', run: () => undefined },
      { name: 'the agent', run: () => new Promise<void>((resolve) => (release = resolve)) },
    ],
    (report) => reports.push(report),
  );
  await Promise.resolve(); // the first step has run; the second waits
  t.mock.timers.tick(4999);
  assert.deepEqual(reports, []);
  t.mock.timers.tick(1);
  assert.equal(reports.length, 1);
  assert.match(
    reports[0] ?? '',
    /^shutdown still waiting for the agent after 5000 ms \(open: .+\)$/,
  );
  release();
  await done;
});

test('a shutdown that finishes in time says nothing', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const reports: string[] = [];
  const ran: string[] = [];
  await shutDownWithin(
    5000,
    ['one', 'two'].map((name) => ({ name, run: () => void ran.push(name) })),
    (report) => reports.push(report),
  );
  t.mock.timers.tick(10_000);
  assert.deepEqual(ran, ['one', 'two'], 'in order');
  assert.deepEqual(reports, []);
});
