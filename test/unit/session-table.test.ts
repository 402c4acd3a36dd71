import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionTable } from '../../src/main/stomp/session-table.js';
import type { ClientApplication } from '../../src/main/core/client-session.js';
import { Containment } from '../../src/main/core/containment.js';
import { silentLogger } from '../../src/main/core/log.js';
import { serverSchema } from '../../src/main/config/schema.js';
import { FakeTransport } from '../helpers/fake-transport.js';

test('an exception in the application closes that session alone (INTERNAL_ERROR), contained and counted', () => {
  const containment = new Containment(silentLogger());
  const contained: string[] = [];
  containment.on('contained', ({ where }) => contained.push(where));
  const app: ClientApplication = {
    opened: () => undefined,
    subscribed: () => undefined,
    closed: () => undefined,
    message: (_session, destination) => {
      if (destination === '/tapi/boom') throw new Error('a bug reached from outside');
    },
  };
  const table = new SessionTable(
    serverSchema.parse({ heartbeatMs: [0, 0] }),
    app,
    silentLogger(),
    Date.now,
    containment,
  );
  const errors: string[] = [];
  table.on('protocol-error', ({ code }) => errors.push(code));
  const victim = new FakeTransport();
  const bystander = new FakeTransport();
  for (const [id, transport] of [
    ['victim', victim],
    ['bystander', bystander],
  ] as const) {
    table.open(id, transport)?.receive(Buffer.from('CONNECT\naccept-version:1.2\n\n\0'));
  }
  table.get('victim')?.receive(Buffer.from('SEND\ndestination:/tapi/boom\n\n\0'));
  table.get('bystander')?.receive(Buffer.from('SEND\ndestination:/tapi/x\nreceipt:r1\n\n\0'));

  assert.match(victim.sent.at(-1) ?? '', /^ERROR\nmessage:INTERNAL_ERROR/);
  assert.equal(victim.closedWith, 1002);
  assert.deepEqual(contained, ['stomp-session']);
  assert.deepEqual(errors, ['INTERNAL_ERROR']);
  assert.deepEqual(
    [...table.values()].map((s) => s.id),
    ['bystander'],
  );
  assert.match(bystander.sent.at(-1) ?? '', /^RECEIPT\nreceipt-id:r1/);
});
