import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LinkView } from '../../src/shared/bridge.js';
import { LinkAlerts } from '../../src/main/shell/link-alerts.js';
import { TRAY_ICONS, trayTooltip } from '../../src/main/shell/tray-status.js';

/** The tray app's decisions that need no Electron: notifications and the tray's look. */

const link = (status: LinkView['status'], lastError: string | null = null): LinkView => ({
  host: '10.0.0.5',
  port: 44444,
  status,
  since: 0,
  lastError,
  attempts: 0,
  reconnects: 1,
});

test('one notification when the link goes down, one when it is back; retries say nothing', () => {
  const alerts = new LinkAlerts(3000);
  assert.equal(alerts.next(link('connecting')), null);
  assert.equal(alerts.next(link('connected')), null, 'the first connection is not news');
  const down = alerts.next(link('disconnected', 'connection closed by TapiServer'));
  assert.equal(down?.kind, 'down');
  assert.match(down?.body ?? '', /connection closed by TapiServer.*retrying every 3 s/);
  assert.equal(alerts.next(link('disconnected', 'TapiServer refused the connection')), null);
  assert.equal(alerts.next(link('connecting')), null, 'a restart while down');
  const back = alerts.next(link('connected'));
  assert.equal(back?.kind, 'recovered');
  assert.match(back?.body ?? '', /10\.0\.0\.5:44444/);
  assert.equal(alerts.next(link('connected')), null);
  assert.equal(alerts.next(link('connecting')), null, 'Restart link from the menu: no alarm');
  assert.equal(alerts.next(link('connected')), null);
});

test('a link that cannot be made at start is reported', () => {
  const alerts = new LinkAlerts(500);
  alerts.next(link('connecting'));
  assert.equal(alerts.next(link('disconnected', 'refused'))?.kind, 'down');
});

test('tray: an icon per state, a tooltip with state and session count within 127 characters', () => {
  assert.deepEqual(new Set(Object.values(TRAY_ICONS)).size, 3);
  assert.equal(
    trayTooltip({ link: link('connected'), sessions: 3, missedCalls: 0 }),
    'Tapi Messenger\nTapiServer connected · 3 sessions',
  );
  assert.equal(
    trayTooltip({ link: link('disconnected'), sessions: 1, missedCalls: 0 }),
    'Tapi Messenger\nTapiServer DOWN · 1 session',
  );
  assert.equal(
    trayTooltip({ link: link('connected'), sessions: 1, missedCalls: 2 }),
    'Tapi Messenger\nTapiServer connected · 1 session · 2 missed calls',
  );
  assert.ok(
    trayTooltip({ link: link('connecting'), sessions: 123456789, missedCalls: 123456789 }).length <=
      127,
  );
});
