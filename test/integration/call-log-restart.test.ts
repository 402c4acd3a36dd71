import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Snapshot } from '../../src/shared/bridge.js';
import { CURRENT_FILE, PREVIOUS_FILE } from '../../src/main/storage/call-history.js';
import { startDashboardHarness } from '../helpers/dashboard-harness.js';
import { waitUntil } from '../helpers/harness.js';
import { listeningClient } from '../helpers/stomp-clients.js';

/** Acceptance 6: the incoming-call log survives a restart of the agent, and is capped on disk. */

async function snapshotOf(url: string): Promise<Snapshot> {
  const response = await fetch(`${url}api/snapshot`);
  return (await response.json()) as Snapshot;
}

test('calls from before a restart are in the next agent’s snapshot and dashboard', async (t) => {
  const first = await startDashboardHarness();
  t.after(() => first.stop());
  const client = await listeningClient(first.wsUrl, 's1');
  first.sim.ring('201', '+4930111', 'before-1');
  first.sim.ring('202', '+4930222', 'before-2');
  await waitUntil(() => first.agent.snapshot().calls.length === 2, 5000, 'two calls');
  await client.close();
  await first.stopAgent();

  const second = await first.restart();
  t.after(() => second.stop());
  second.sim.ring('201', '+4930333', 'after-1');
  await waitUntil(() => second.agent.snapshot().calls.length === 3, 5000, 'the new call');
  const calls = (await snapshotOf(second.url)).calls;
  assert.deepEqual(
    calls.map((c) => [c.callId, c.reached]),
    [
      ['after-1', 0],
      ['before-2', 0],
      ['before-1', 1],
    ],
    'newest first, the sessions reached as they were',
  );
  assert.deepEqual(second.agent.snapshot().calls, calls);
});

test('the log on disk stays under its cap across rotations and restarts', async (t) => {
  const maxBytes = 4096;
  let h = await startDashboardHarness({ maxBytes });
  t.after(() => h.stop());
  for (let round = 0; round < 3; round++) {
    const base = round * 100;
    for (let i = 0; i < 100; i++) h.sim.ring('201', `+49${base + i}`, `r${base + i}`);
    await waitUntil(() => h.agent.snapshot().calls[0]?.callId === `r${base + 99}`, 5000, 'round');
    await h.stopAgent();
    for (const file of [CURRENT_FILE, PREVIOUS_FILE]) {
      const { size } = await stat(path.join(h.folder, 'data', file));
      assert.ok(size <= maxBytes, `${file}: ${size} bytes > ${maxBytes}`);
    }
    h = await h.restart();
    const kept = h.agent.snapshot().calls;
    assert.equal(kept[0]?.callId, `r${base + 99}`, 'the newest call survived');
    assert.ok(kept.length < 100, `only what fits in two files: ${kept.length}`);
  }
});
