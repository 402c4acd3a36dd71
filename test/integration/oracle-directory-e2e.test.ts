import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OracleDirectoryConfig } from '../../src/main/config/schema.js';
import { silentLogger } from '../../src/main/core/log.js';
import { createOracleDirectory } from '../../src/main/directory/oracle-directory.js';
import { FakeDb, never, oracleError, type Row } from '../helpers/fake-oracle.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { connectModern, type ModernClient } from '../helpers/stomp-clients.js';

/**
 * The Oracle directory inside a real agent, pages on real sockets: only the database is fake
 * (test/helpers/fake-oracle.ts, the same fake as test/unit/oracle-directory.test.ts).
 */

const SESSIONS: Record<string, Row> = {
  '1001': { USER_NAME: 'ALICE', PHONE: '201' },
  '1002': { USER_NAME: 'BOB', PHONE: '202' },
};

const CONFIG: OracleDirectoryConfig = {
  type: 'oracle',
  connectString: 'db.example.com:1521/APEXPDB',
  user: 'TM_READER',
  password: 'not-used-by-the-fake',
  usersTable: 'APP_USERS',
  userColumn: 'USER_NAME',
  phoneColumn: 'PHONE',
  callerQuery: 'SELECT FULL_NAME AS NAME FROM CONTACTS WHERE PHONE_NO = :phone',
  callerTimeoutMs: 200,
  poolMin: 0,
  poolMax: 4,
  timeoutMs: 300,
  cacheMs: 60000,
  negativeCacheMs: 5000,
};

async function start(
  t: { after(fn: () => Promise<void>): void },
  db: FakeDb,
  overrides: Partial<OracleDirectoryConfig> = {},
): Promise<Harness> {
  const directory = createOracleDirectory(
    { ...CONFIG, ...overrides },
    {
      logger: silentLogger(),
      pool: db.factory,
      env: {},
    },
  );
  const h = await startHarness({ directory });
  t.after(() => h.stop());
  return h;
}

async function page(h: Harness): Promise<ModernClient> {
  const client = await connectModern(h.wsUrl);
  client.subscribe('/topic/is-listen-init');
  client.subscribe('/user/queue/incoming-call');
  return client;
}

function listen(client: ModernClient, apexSession: string): Promise<unknown> {
  const reply = client.next('/topic/is-listen-init', 3000);
  client.client.publish({ destination: '/tapi/listen', headers: { apex_session: apexSession } });
  return reply.then((message) => JSON.parse(message.body) as unknown);
}

test('acceptance 4: a hung query gives DIRECTORY_UNAVAILABLE within timeoutMs + 200 ms while others listen', async (t) => {
  const db = new FakeDb();
  db.handler = (binds) =>
    binds.session === '9999'
      ? never<Row[]>()
      : [SESSIONS[binds.session ?? '']].filter((r) => r !== undefined);
  const h = await start(t, db);
  const stuck = await page(h);
  const bob = await page(h);

  // When exactly the hung lookup gives up is the unit tests' (mocked timers); here: the
  // other page is answered while it hangs, and the hung one is answered, not left waiting.
  let stuckAnswered = false;
  const stuckReply = listen(stuck, '9999').finally(() => (stuckAnswered = true));
  const listened = h.sim.waitForLine('LISTEN 202');
  assert.deepEqual(await listen(bob, '1002'), { listening: true, phone: '202', user: 'BOB' });
  assert.equal(stuckAnswered, false, 'BOB was answered while the other lookup hung');
  await listened;

  assert.deepEqual(await stuckReply, { listening: false, reason: 'DIRECTORY_UNAVAILABLE' });
  assert.equal(h.agent.snapshot().directory.health, 'degraded');
  assert.ok(!stuck.messages.has('/user/queue/errors'));

  await stuck.close();
  await bob.close();
});

test('database down: DIRECTORY_UNAVAILABLE and health down; when it is back the same page listens', async (t) => {
  const db = new FakeDb();
  db.handler = (binds) => [SESSIONS[binds.session ?? '']].filter((r) => r !== undefined);
  db.connect = async () => {
    throw oracleError('ORA-12541', 'Cannot connect. No listener at host db.example.com port 1521.');
  };
  const h = await start(t, db);
  const alice = await page(h);
  assert.deepEqual(await listen(alice, '1001'), {
    listening: false,
    reason: 'DIRECTORY_UNAVAILABLE',
  });
  const down = h.agent.snapshot().directory;
  assert.equal(down.health, 'down');
  assert.match(down.lastError ?? '', /ORA-12541/);

  db.connect = async () => undefined;
  const listened = h.sim.waitForLine('LISTEN 201');
  assert.deepEqual(await listen(alice, '1001'), { listening: true, phone: '201', user: 'ALICE' });
  await listened;
  assert.equal(h.agent.snapshot().directory.health, 'ok');
  await alice.close();
});

test('screen-pops carry the caller name from callerQuery, or UNKNOWN when it is too slow', async (t) => {
  const db = new FakeDb();
  db.handler = (binds) => {
    if (binds.phone === '0225550102') return [{ NAME: 'Jan Kowalski' }];
    if (binds.phone === '0300') return never<Row[]>();
    return [SESSIONS[binds.session ?? '']].filter((r) => r !== undefined);
  };
  // The query itself may take up to 5 s; the pop must not wait for more than callerTimeoutMs.
  const h = await start(t, db, { timeoutMs: 5000 });
  const alice = await page(h);
  const listened = h.sim.waitForLine('LISTEN 201');
  assert.deepEqual(await listen(alice, '1001'), { listening: true, phone: '201', user: 'ALICE' });
  await listened;

  let pop = alice.next('/user/queue/incoming-call');
  h.sim.ring('201', '0225550102', 'c1');
  assert.equal(JSON.parse((await pop).body).name, 'Jan Kowalski');

  // The name lookup never answers: the pop goes out anyway, once callerTimeoutMs is spent.
  pop = alice.next('/user/queue/incoming-call');
  h.sim.ring('201', '0300', 'c2');
  const slow = JSON.parse((await pop).body) as { name: string; phone: string };
  assert.deepEqual([slow.name, slow.phone], ['UNKNOWN', '0300']);
  await alice.close();
});
