import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OracleDirectoryConfig } from '../../src/main/config/schema.js';
import type { Logger } from '../../src/main/core/log.js';
import type { Directory, Resolution } from '../../src/main/core/directory.js';
import { createDirectory } from '../../src/main/directory/create-directory.js';
import {
  PASSWORD_ENV,
  createOracleDirectory,
  type OracleDirectoryDeps,
} from '../../src/main/directory/oracle-directory.js';
import { OUT_FORMAT_OBJECT } from '../../src/main/directory/oracle-pool.js';
import { FakeDb, never, oracleError, type Row } from '../helpers/fake-oracle.js';
import { OracleConfigError, buildSessionQuery } from '../../src/main/config/oracle-sql.js';

/**
 * What the default query returns for the sample data: APEX sessions 1001-1005, and a users
 * table where ALICE has 201, BOB 202 (a NUMBER column), CAROL no row, DAVE an empty phone and
 * ERIN a phone that is no extension.
 */
function sampleData(binds: Record<string, string>): Row[] {
  const sessions: Record<string, string> = {
    '1001': 'ALICE',
    '1002': 'BOB',
    '1003': 'CAROL',
    '1004': 'DAVE',
    '1005': 'ERIN',
  };
  const phones: Record<string, string | null> = {
    ALICE: '201',
    BOB: '202',
    DAVE: null,
    ERIN: '201 CALL 999',
  };
  const user = sessions[binds.session ?? ''];
  return user === undefined ? [] : [{ USER_NAME: user, PHONE: phones[user] ?? null }];
}

// ---------------------------------------------------------------------------------------------

const PASSWORD = 'Tiger#Secret-42';

function config(overrides: Partial<OracleDirectoryConfig> = {}): OracleDirectoryConfig {
  return {
    type: 'oracle',
    connectString: 'db.example.com:1521/APEXPDB',
    user: 'TM_READER',
    password: PASSWORD,
    usersTable: 'APP_USERS',
    userColumn: 'USER_NAME',
    phoneColumn: 'PHONE',
    callerTimeoutMs: 300,
    poolMin: 0,
    poolMax: 4,
    timeoutMs: 5000,
    cacheMs: 60000,
    negativeCacheMs: 5000,
    ...overrides,
  };
}

interface Captured {
  logger: Logger;
  lines: string[];
}

function capture(): Captured {
  const lines: string[] = [];
  const line =
    (level: string) =>
    (message: string, ...details: unknown[]): void => {
      lines.push([level, message, ...details.map((d) => String(d))].join(' '));
    };
  return {
    lines,
    logger: { error: line('error'), warn: line('warn'), info: line('info'), debug: line('debug') },
  };
}

interface Setup {
  db: FakeDb;
  directory: Directory;
  log: Captured;
  clock: { now: number };
}

function setup(
  t: { after(fn: () => Promise<void>): void },
  overrides: Partial<OracleDirectoryConfig> = {},
  deps: Partial<OracleDirectoryDeps> = {},
): Setup {
  const db = new FakeDb();
  db.handler = sampleData;
  const log = capture();
  const clock = { now: 1_000_000 };
  const directory = createOracleDirectory(config(overrides), {
    logger: log.logger,
    pool: db.factory,
    now: () => clock.now,
    env: {},
    ...deps,
  });
  t.after(() => directory.close());
  return { db, directory, log, clock };
}

/** Lets every promise that can settle now settle (mock timers do not touch setImmediate). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Tracks whether a promise has settled, to assert "not yet" between timer ticks. */
function watch<T>(work: Promise<T>): { done: () => boolean; result: Promise<T> } {
  let settled = false;
  const result = work.finally(() => (settled = true));
  return { done: () => settled, result };
}

// ---------------------------------------------------------------------------------------------

test('maps rows: found, unknown session, user without phone, empty phone, phone that is no extension', async (t) => {
  const { db, directory, log } = setup(t);
  assert.deepEqual(await directory.resolve('1001'), { kind: 'found', user: 'ALICE', phone: '201' });
  assert.deepEqual(await directory.resolve('1002'), { kind: 'found', user: 'BOB', phone: '202' });
  assert.deepEqual(await directory.resolve('4040'), { kind: 'not-found' });
  assert.deepEqual(await directory.resolve('1003'), { kind: 'no-phone', user: 'CAROL' });
  assert.deepEqual(await directory.resolve('1004'), { kind: 'no-phone', user: 'DAVE' });
  assert.deepEqual(await directory.resolve('1005'), { kind: 'no-phone', user: 'ERIN' });
  assert.ok(log.lines.some((l) => l.startsWith('warn') && l.includes('201 CALL 999')));
  assert.equal(directory.state().health, 'ok');
  assert.equal(directory.state().type, 'oracle');

  const first = db.executions[0];
  assert.ok(first);
  assert.equal(first.sql, buildSessionQuery(config()));
  assert.deepEqual(first.binds, { session: '1001' });
  assert.equal(first.options.outFormat, OUT_FORMAT_OBJECT);
  assert.ok(first.options.maxRows > 0);
  assert.equal(db.poolOptions[0]?.poolMin, 0);
  assert.equal(db.poolOptions[0]?.poolMax, 4);
});

test('numbers, blanks and duplicate rows: the first row with a phone wins, values are trimmed', async (t) => {
  const { db, directory } = setup(t);
  db.handler = () => [
    { USER_NAME: 'ALICE', PHONE: null },
    { USER_NAME: ' ALICE ', PHONE: 201 },
  ];
  assert.deepEqual(await directory.resolve('1001'), { kind: 'found', user: 'ALICE', phone: '201' });
  db.handler = () => [{ USER_NAME: null, PHONE: '201' }];
  assert.deepEqual(await directory.resolve('1002'), { kind: 'not-found' });
});

test('a custom query runs verbatim; column names are matched case-insensitively', async (t) => {
  const query = 'SELECT login AS "user_name", ext AS "phone" FROM v_tm WHERE sid = :session;';
  const { db, directory } = setup(t, { query });
  db.handler = (binds) =>
    binds.session === 'opaque-id' ? [{ user_name: 'eve', phone: '205' }] : [];
  assert.deepEqual(await directory.resolve('opaque-id'), {
    kind: 'found',
    user: 'eve',
    phone: '205',
  });
  assert.equal(db.executions[0]?.sql, query.slice(0, -1));
});

test('with the built-in query a non-numeric session is unknown without asking the database', async (t) => {
  const { db, directory } = setup(t);
  assert.deepEqual(await directory.resolve("1001' OR '1'='1"), { kind: 'not-found' });
  assert.deepEqual(await directory.resolve('abc'), { kind: 'not-found' });
  assert.equal(db.executions.length, 0);
  assert.equal(db.pools.length, 0, 'no pool is even created');
});

test('acceptance 2: a users table named "x; drop table y" is refused at start-up naming the key', async () => {
  const db = new FakeDb();
  const bad = config({ usersTable: 'x; drop table y' });
  assert.throws(
    () => createOracleDirectory(bad, { logger: capture().logger, pool: db.factory }),
    (error: unknown) =>
      error instanceof OracleConfigError && /^directory\.usersTable: /.test(error.message),
  );
  await assert.rejects(
    createDirectory(bad, capture().logger),
    /^OracleConfigError: directory\.usersTable: .*"x; drop table y"/,
  );
  assert.equal(db.poolOptions.length, 0, 'nothing was sent anywhere');
});

test('acceptance 3: 100 concurrent and 100 sequential resolves of one session → 1 query until cacheMs', async (t) => {
  const { db, directory, clock } = setup(t, { cacheMs: 60000 });
  let answer: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (answer = resolve));
  db.handler = async (binds) => {
    await gate;
    return sampleData(binds);
  };
  const concurrent = Array.from({ length: 100 }, () => directory.resolve('1001'));
  answer();
  const found: Resolution = { kind: 'found', user: 'ALICE', phone: '201' };
  for (const r of await Promise.all(concurrent)) assert.deepEqual(r, found);
  for (let i = 0; i < 100; i++) assert.deepEqual(await directory.resolve('1001'), found);
  assert.equal(db.executions.length, 1);

  clock.now += 60_000;
  await directory.resolve('1001');
  assert.equal(db.executions.length, 1, 'still remembered when cacheMs have passed');
  clock.now += 1;
  await directory.resolve('1001');
  assert.equal(db.executions.length, 2, 'asked again 1 ms after cacheMs');
});

test('acceptance 3: an unknown session is remembered for the shorter negativeCacheMs', async (t) => {
  const { db, directory, clock } = setup(t, { cacheMs: 60000, negativeCacheMs: 5000 });
  assert.deepEqual(await directory.resolve('1001'), { kind: 'found', user: 'ALICE', phone: '201' });
  for (let i = 0; i < 50; i++)
    assert.deepEqual(await directory.resolve('4040'), { kind: 'not-found' });
  await directory.resolve('1003'); // no-phone: also a negative answer
  assert.equal(db.executionsOf('4040'), 1);

  clock.now += 5_000;
  await directory.resolve('4040');
  await directory.resolve('1003');
  assert.equal(db.executionsOf('4040'), 1);
  assert.equal(db.executionsOf('1003'), 1);

  clock.now += 1;
  await directory.resolve('4040');
  await directory.resolve('1003');
  await directory.resolve('1001');
  assert.equal(db.executionsOf('4040'), 2, 'negative answer expired 1 ms after negativeCacheMs');
  assert.equal(db.executionsOf('1003'), 2);
  assert.equal(db.executionsOf('1001'), 1, 'a found session is still remembered');
});

test('a negativeCacheMs longer than cacheMs is cut to cacheMs; cacheMs 0 remembers nothing', async (t) => {
  const a = setup(t, { cacheMs: 1000, negativeCacheMs: 5000 });
  await a.directory.resolve('4040');
  a.clock.now += 1001;
  await a.directory.resolve('4040');
  assert.equal(a.db.executionsOf('4040'), 2);

  const b = setup(t, { cacheMs: 0 });
  await b.directory.resolve('1001');
  await b.directory.resolve('1001');
  assert.equal(b.db.executionsOf('1001'), 2);
});

test('the cache holds at most maxCacheEntries, forgetting the oldest', async (t) => {
  const { db, directory } = setup(t, {}, { maxCacheEntries: 2 });
  await directory.resolve('1001');
  await directory.resolve('1002');
  await directory.resolve('4040');
  await directory.resolve('1002');
  await directory.resolve('1001');
  assert.equal(db.executionsOf('1002'), 1);
  assert.equal(db.executionsOf('1001'), 2);
});

test('acceptance 4: a hung query is unavailable after timeoutMs, not before; other sessions still answer meanwhile', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { db, directory } = setup(t, { timeoutMs: 300 });
  db.handler = (binds) => (binds.session === '9999' ? never() : sampleData(binds));
  await directory.resolve('1001'); // cached from here on

  const hung = watch(directory.resolve('9999'));
  const sharer = directory.resolve('9999');

  // No time passes on the mocked clock: these answers did not wait for the hung query.
  assert.deepEqual(await directory.resolve('1001'), { kind: 'found', user: 'ALICE', phone: '201' });
  // A healthy connection, not the hung one.
  assert.deepEqual(await directory.resolve('1002'), { kind: 'found', user: 'BOB', phone: '202' });
  t.mock.timers.tick(299);
  await settle();
  assert.equal(hung.done(), false, 'still waiting 1 ms before timeoutMs');

  t.mock.timers.tick(1);
  const value = await hung.result;
  assert.equal(value.kind, 'unavailable');
  assert.deepEqual(await sharer, value);
  assert.equal(db.executionsOf('9999'), 1, 'the concurrent lookup shared the query');
  const hungCall = db.executions.find((e) => e.binds.session === '9999');
  assert.ok(hungCall && hungCall.callTimeout > 0 && hungCall.callTimeout <= 300);

  assert.equal(directory.state().health, 'degraded');
  assert.match(directory.state().lastError ?? '', /did not answer within 300 ms/);

  // Not remembered: the next lookup asks again, and a working answer restores health.
  db.handler = sampleData;
  assert.deepEqual(await directory.resolve('9999'), { kind: 'not-found' });
  assert.equal(db.executionsOf('9999'), 2);
  assert.equal(directory.state().health, 'ok');
});

test('no connection within timeoutMs: unavailable and down; a connection that comes late is handed back', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { db, directory } = setup(t, { timeoutMs: 300 });
  let connected: () => void = () => undefined;
  db.connect = () => new Promise<void>((resolve) => (connected = resolve));
  const lookup = watch(directory.resolve('1001'));
  t.mock.timers.tick(299);
  await settle();
  assert.equal(lookup.done(), false, 'still waiting 1 ms before timeoutMs');
  t.mock.timers.tick(1);
  const value = await lookup.result;
  assert.equal(value.kind, 'unavailable');
  assert.equal(directory.state().health, 'down');
  assert.match(directory.state().lastError ?? '', /no connection to the database within 300 ms/);

  const handedBack = db.nextClose();
  connected();
  await handedBack;
  assert.equal(db.pools[0]?.inUse, 0);
  assert.equal(db.executions.length, 0, 'nothing ran on the late connection');
});

test('ORA-12541 at connect: unavailable, health down with a clean reason; recovers by itself', async (t) => {
  const { db, directory, log } = setup(t);
  const healths: string[] = [];
  directory.onStateChange((s) => healths.push(s.health));
  db.connect = async () => {
    throw oracleError(
      'ORA-12541',
      'Cannot connect. No listener at host db.example.com port 1521. (CONNECTION_ID=q7BzEw==)\nHelp: https://docs.oracle.com/error-help/db/ora-12541/',
    );
  };
  const down = await directory.resolve('1001');
  assert.equal(down.kind, 'unavailable');
  const reason = down.kind === 'unavailable' ? down.reason : '';
  assert.match(
    reason,
    /ORA-12541: Cannot connect\. No listener at host db\.example\.com port 1521\./,
  );
  assert.doesNotMatch(reason, /CONNECTION_ID|Help:|\n/);
  assert.equal(directory.state().health, 'down');
  assert.equal(directory.state().lastError, reason);
  assert.deepEqual(await directory.resolve('1001'), down, 'unavailable is never remembered…');
  assert.equal(log.lines.filter((l) => l.startsWith('warn')).length, 1, 'one warning per outage');

  db.connect = async () => undefined; // the listener is back
  assert.deepEqual(await directory.resolve('1001'), { kind: 'found', user: 'ALICE', phone: '201' });
  assert.equal(directory.state().health, 'ok');
  assert.equal(directory.state().lastError, null);
  assert.deepEqual(healths, ['down', 'ok']);
  assert.ok(log.lines.some((l) => l.startsWith('info') && l.includes('recovered')));
  assert.equal(db.pools.length, 1, 'the same pool recovered');
});

test('NJS-500 on a pooled connection: retried once on a fresh one; if the database is gone, down', async (t) => {
  const { db, directory } = setup(t);
  let failures = 1;
  db.handler = (binds) => {
    if (failures-- > 0)
      throw oracleError('NJS-500', 'connection to Oracle Database was closed or broken');
    return sampleData(binds);
  };
  assert.deepEqual(await directory.resolve('1001'), { kind: 'found', user: 'ALICE', phone: '201' });
  assert.equal(db.executions.length, 2);
  assert.equal(db.executions[0]?.connection.dropped, true, 'the broken connection was dropped');
  assert.equal(db.executions[1]?.connection.dropped, false);
  assert.equal(directory.state().health, 'ok');

  failures = Infinity;
  const result = await directory.resolve('1002');
  assert.equal(result.kind, 'unavailable');
  assert.match(result.kind === 'unavailable' ? result.reason : '', /NJS-500/);
  assert.equal(db.executionsOf('1002'), 2, 'one retry, not more');
  assert.equal(directory.state().health, 'down');
  assert.equal(db.pools[0]?.inUse, 0, 'every connection went back');

  failures = 0;
  assert.equal((await directory.resolve('1002')).kind, 'found');
  assert.equal(directory.state().health, 'ok');
});

test('a failing query (ORA-00942) is unavailable and degraded, not retried, connection kept', async (t) => {
  const { db, directory } = setup(t);
  db.handler = () => {
    throw oracleError('ORA-00942', 'table or view "TM"."APP_USERS" does not exist');
  };
  const result = await directory.resolve('1001');
  assert.equal(result.kind, 'unavailable');
  assert.match(result.kind === 'unavailable' ? result.reason : '', /ORA-00942/);
  assert.equal(directory.state().health, 'degraded');
  assert.equal(db.executions.length, 1);
  assert.equal(db.executions[0]?.connection.dropped, false);
  assert.equal(db.executions[0]?.connection.closed, true, 'released to the pool');
});

test('a pool that cannot be created (NJS-515) is down, and created again on the next lookup', async (t) => {
  const { db, directory } = setup(t);
  db.createPool = async () => {
    throw oracleError('NJS-515', 'error in Easy Connect connection string');
  };
  const result = await directory.resolve('1001');
  assert.equal(result.kind, 'unavailable');
  assert.match(result.kind === 'unavailable' ? result.reason : '', /connection pool.*NJS-515/);
  assert.equal(directory.state().health, 'down');
  db.createPool = async () => undefined;
  assert.equal((await directory.resolve('1001')).kind, 'found');
  assert.equal(db.poolOptions.length, 2);
});

test('the password comes from TAPI_MESSENGER_DB_PASSWORD when the config has none', async (t) => {
  const fromEnv = setup(t, { password: undefined }, { env: { [PASSWORD_ENV]: 'from-the-env' } });
  await fromEnv.directory.resolve('1001');
  assert.equal(fromEnv.db.poolOptions[0]?.password, 'from-the-env');

  const fromConfig = setup(t, {}, { env: { [PASSWORD_ENV]: 'from-the-env' } });
  await fromConfig.directory.resolve('1001');
  assert.equal(fromConfig.db.poolOptions[0]?.password, PASSWORD);

  for (const env of [{}, { [PASSWORD_ENV]: '' }]) {
    assert.throws(
      () =>
        createOracleDirectory(config({ password: undefined }), { logger: capture().logger, env }),
      /^OracleConfigError: directory\.password: .*TAPI_MESSENGER_DB_PASSWORD/,
    );
  }
});

test('the password never appears in a log line, a reason, lastError or the source', async (t) => {
  const { db, directory, log } = setup(t, {
    callerQuery: 'SELECT NAME FROM CONTACTS WHERE PHONE = :phone',
    timeoutMs: 300,
  });
  // Drivers do not normally echo passwords; these errors do, to prove that we would not.
  db.connect = async () => {
    throw oracleError(
      'ORA-01017',
      `invalid credential or not authorized; logon denied (TM_READER/${PASSWORD})`,
    );
  };
  const down = await directory.resolve('1001');
  db.connect = async () => undefined;
  db.handler = () => {
    throw oracleError(
      'ORA-00942',
      `no table; pw=${encodeURIComponent(PASSWORD)}\nsecond line ${PASSWORD}`,
    );
  };
  const degraded = await directory.resolve('1002');
  assert.equal(await directory.callerName?.('0225550102'), undefined);
  db.handler = sampleData;
  await directory.resolve('1003'); // recovery is logged with the last error in it

  const texts = [
    ...log.lines,
    down.kind === 'unavailable' ? down.reason : 'expected unavailable',
    degraded.kind === 'unavailable' ? degraded.reason : 'expected unavailable',
    directory.state().source,
    JSON.stringify(directory.state()),
  ];
  assert.ok(log.lines.length >= 4, 'there were log lines to check');
  for (const text of texts) {
    assert.ok(!text.includes(PASSWORD), `password leaked: ${text}`);
    assert.ok(!text.includes(encodeURIComponent(PASSWORD)), `encoded password leaked: ${text}`);
  }
  assert.match(down.kind === 'unavailable' ? down.reason : '', /ORA-01017.*TM_READER\/\*\*\*/);
  assert.equal(directory.state().source, 'TM_READER@db.example.com:1521/APEXPDB');
});

test('a caller name that does not come within callerTimeoutMs is undefined then, not before', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const callerQuery = 'SELECT FULL_NAME AS NAME FROM CONTACTS WHERE PHONE_NO = :phone';
  const { db, directory } = setup(t, { callerQuery, timeoutMs: 5000 });
  db.handler = () => never();
  const name = watch(directory.callerName?.('0300') ?? Promise.resolve('no lookup'));
  t.mock.timers.tick(299);
  await settle();
  assert.equal(name.done(), false, 'still waiting 1 ms before callerTimeoutMs (300 ms)');
  t.mock.timers.tick(1);
  assert.equal(await name.result, undefined, 'the pop goes out without a name');
});

test('caller names: NAME for a known number, undefined for unknown, UNKNOWN or failures', async (t) => {
  const callerQuery = 'SELECT FULL_NAME AS NAME FROM CONTACTS WHERE PHONE_NO = :phone';
  const { db, directory } = setup(t, { callerQuery });
  const callerName = directory.callerName;
  assert.ok(callerName);
  db.handler = (binds) => (binds.phone === '0225550102' ? [{ NAME: ' Jan Kowalski ' }] : []);
  assert.equal(await callerName('0225550102'), 'Jan Kowalski');
  assert.deepEqual(db.executions[0]?.binds, { phone: '0225550102' });
  assert.equal(db.executions[0]?.sql, callerQuery);
  assert.equal(await callerName('0225550102'), 'Jan Kowalski');
  assert.equal(db.executions.length, 1, 'remembered');
  assert.equal(await callerName('999'), undefined);
  assert.equal(await callerName('UNKNOWN'), undefined);
  assert.equal(await callerName('1 OR 1=1'), undefined);
  assert.equal(db.executions.length, 2, 'UNKNOWN and non-numbers are not looked up');

  db.handler = () => {
    throw oracleError('ORA-00904', '"FULL_NAME": invalid identifier');
  };
  assert.equal(await callerName('123'), undefined);
  assert.equal(directory.state().health, 'ok', 'caller lookups do not change the directory health');
  db.handler = () => [{ NAME: 'Ola' }];
  assert.equal(await callerName('123'), 'Ola', 'a failed lookup is not remembered');

  const without = setup(t);
  assert.equal(without.directory.callerName, undefined, 'no callerQuery: no caller lookups at all');
});

test('a slow caller lookup answers undefined at callerTimeoutMs; its late answer is kept', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { db, directory } = setup(t, {
    callerQuery: 'SELECT NAME FROM CONTACTS WHERE PHONE = :phone',
    callerTimeoutMs: 150,
    timeoutMs: 2000,
  });
  const callerName = directory.callerName;
  assert.ok(callerName);
  let answer: () => void = () => undefined;
  let answered: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (answered = resolve));
  db.handler = async () => {
    await new Promise<void>((resolve) => (answer = resolve));
    queueMicrotask(answered);
    return [{ NAME: 'Anna Nowak' }];
  };
  const slow = watch(callerName('0225550102'));
  t.mock.timers.tick(149);
  await settle();
  assert.equal(slow.done(), false, 'still waiting 1 ms before callerTimeoutMs');
  t.mock.timers.tick(1);
  assert.equal(await slow.result, undefined);
  answer();
  await done;
  assert.equal(await callerName('0225550102'), 'Anna Nowak');
  assert.equal(db.executions.length, 1);

  db.handler = () => never();
  const hung = callerName('0300');
  t.mock.timers.tick(150);
  assert.equal(await hung, undefined, 'a hung lookup answers at callerTimeoutMs too');
});

test('close() closes the pool at once; afterwards lookups are unavailable, never thrown', async (t) => {
  const { db, directory } = setup(t, { callerQuery: 'SELECT NAME FROM C WHERE P = :phone' });
  await directory.resolve('1001');
  await directory.close();
  assert.equal(db.pools[0]?.closedWith, 0);
  assert.equal((await directory.resolve('1001')).kind, 'unavailable');
  assert.equal(await directory.callerName?.('123'), undefined);
  await directory.close();

  const idle = setup(t);
  await idle.directory.close();
  assert.equal(idle.db.poolOptions.length, 0, 'a directory never used never created a pool');
});

test('close() ends lookups in progress at once, without waiting for timeoutMs', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { db, directory } = setup(t, { timeoutMs: 60000 });
  let executing: () => void = () => undefined;
  const executed = new Promise<void>((resolve) => (executing = resolve));
  db.handler = () => {
    executing();
    return never();
  };
  const pending = directory.resolve('1001');
  await executed;
  await directory.close();
  // The clock is mocked and never moved: the answer cannot have come from the timeout.
  assert.deepEqual(await pending, { kind: 'unavailable', reason: 'directory closed' });
  assert.equal(directory.state().health, 'ok', 'shutting down is not an outage');
});
