import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LinkView, Snapshot } from '../../src/shared/bridge.js';
import { TrayStatusTracker } from '../../src/main/shell/tray-status.js';

/** What the tray shows, kept from the bridge's batches. */

const link = (status: LinkView['status']): LinkView => ({
  host: '127.0.0.1',
  port: 44444,
  status,
  since: 0,
  lastError: null,
  attempts: 0,
  reconnects: 0,
});

const session = (id: string): Snapshot['sessions'][number] => ({
  id,
  apexSession: null,
  user: null,
  phone: null,
  clientAddress: '127.0.0.1',
  transport: 'websocket',
  connectedAt: 0,
});

const snapshot = (sessions: string[]): Snapshot => ({
  startedAt: 0,
  endpoint: 'http://127.0.0.1:8081/tapi-messenger',
  link: link('connected'),
  directory: { type: 'file', health: 'ok', source: 'x', lastError: null, since: 0 },
  sessions: sessions.map(session),
  phones: [],
  calls: [],
  missedCalls: 1,
});

test('nothing before the first snapshot; then link and session count follow the events', () => {
  const tracker = new TrayStatusTracker();
  assert.equal(tracker.apply([{ type: 'link', link: link('connecting') }]), null);
  assert.deepEqual(tracker.apply([{ type: 'snapshot', snapshot: snapshot(['a', 'b']) }]), {
    link: link('connected'),
    sessions: 2,
    missedCalls: 1,
  });
  const next = tracker.apply([
    { type: 'session-opened', session: session('c') },
    { type: 'session-closed', id: 'a' },
    { type: 'link', link: link('disconnected') },
    { type: 'missed-calls', count: 3 },
  ]);
  assert.deepEqual(next, { link: link('disconnected'), sessions: 2, missedCalls: 3 });
});

test('while the core restarts the tray shows the link down, then what the new core has', () => {
  const tracker = new TrayStatusTracker();
  tracker.apply([{ type: 'snapshot', snapshot: snapshot(['a']) }]);
  const lost = tracker.apply([{ type: 'bridge', connected: false }]);
  assert.equal(lost?.link.status, 'disconnected');
  assert.match(lost?.link.lastError ?? '', /core is restarting/);
  assert.equal(tracker.coreUp, false);
  const back = tracker.apply([
    { type: 'bridge', connected: true },
    { type: 'snapshot', snapshot: snapshot([]) },
  ]);
  assert.deepEqual(back, { link: link('connected'), sessions: 0, missedCalls: 1 });
});
