import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  OracleConfigError,
  buildSessionQuery,
  identifierProblem,
  isApexSessionId,
  oracleSqlProblems,
  prepareStatements,
  queryProblem,
  type OracleSqlSettings,
} from '../../src/main/config/oracle-sql.js';
import { ConfigError, parseConfig } from '../../src/main/config/load-config.js';

const DEFAULTS: OracleSqlSettings = {
  connectString: 'db.example.com:1521/APEXPDB',
  usersTable: 'APP_USERS',
  userColumn: 'USER_NAME',
  phoneColumn: 'PHONE',
};

/** Oracle's bind names in `sql` (outside string literals), upper-cased. */
function binds(sql: string): string[] {
  return [...sql.replace(/'[^']*'/g, "''").matchAll(/:([A-Za-z][A-Za-z0-9_$#]*)/g)].map((m) =>
    (m[1] ?? '').toUpperCase(),
  );
}

test('the default query reads APEX_WORKSPACE_SESSIONS joined to the users table, bind :session only', () => {
  const sql = buildSessionQuery(DEFAULTS);
  assert.equal(
    sql,
    [
      'SELECT s.USER_NAME AS USER_NAME,',
      '       TO_CHAR(u.PHONE) AS PHONE',
      '  FROM APEX_WORKSPACE_SESSIONS s',
      '  LEFT JOIN APP_USERS u',
      '    ON UPPER(u.USER_NAME) = UPPER(s.USER_NAME)',
      ' WHERE s.APEX_SESSION_ID = :session',
      "   AND UPPER(s.USER_NAME) <> 'NOBODY'",
    ].join('\n'),
  );
  assert.deepEqual(binds(sql), ['SESSION']);
});

test('the configured table and columns are used, an owner-qualified table too', () => {
  const sql = buildSessionQuery({
    usersTable: 'crm.Staff$Phones',
    userColumn: 'LOGIN#',
    phoneColumn: 'EXT_NO',
  });
  assert.match(sql, /LEFT JOIN crm\.Staff\$Phones u\n/);
  assert.match(sql, /ON UPPER\(u\.LOGIN#\) = UPPER\(s\.USER_NAME\)/);
  assert.match(sql, /TO_CHAR\(u\.EXT_NO\) AS PHONE/);
  const longest = `A${'b'.repeat(127)}`;
  assert.doesNotThrow(() =>
    buildSessionQuery({
      usersTable: `${longest}.${longest}`,
      userColumn: longest,
      phoneColumn: 'P',
    }),
  );
});

test('config values that are not plain Oracle names are refused with the key, never quoted into SQL', () => {
  const bad: Array<[keyof OracleSqlSettings, string]> = [
    ['usersTable', 'x; drop table y'],
    ['usersTable', 'APP_USERS--'],
    ['usersTable', 'APP_USERS u, ALL_USERS'],
    ['usersTable', "A'B"],
    ['usersTable', '"APP_USERS"'],
    ['usersTable', 'APP_USERS/**/'],
    ['usersTable', '1USERS'],
    ['usersTable', '_USERS'],
    ['usersTable', 'a.b.c'],
    ['usersTable', 'OWNER.'],
    ['usersTable', '.USERS'],
    ['usersTable', 'APP USERS'],
    ['usersTable', 'APP_USERS\n'],
    ['usersTable', 'ÄPP_USERS'],
    ['usersTable', 'TABLE'],
    ['usersTable', `A${'b'.repeat(128)}`],
    ['userColumn', 'USER_NAME) OR (1=1'],
    ['userColumn', 'U.USER_NAME'],
    ['userColumn', 'USER'],
    ['phoneColumn', 'PHONE FROM DUAL UNION SELECT PASSWORD'],
    ['phoneColumn', ''],
  ];
  for (const [key, value] of bad) {
    assert.throws(
      () => prepareStatements({ ...DEFAULTS, [key]: value }),
      (error: unknown) => {
        assert.ok(error instanceof OracleConfigError, `${key}=${JSON.stringify(value)}`);
        assert.equal(error.key, `directory.${key}`);
        assert.ok(error.message.startsWith(`directory.${key}: `), error.message);
        return true;
      },
      `${key}=${JSON.stringify(value)} should be refused`,
    );
    assert.notEqual(identifierProblem(value, key === 'usersTable' ? 'table' : 'column'), undefined);
  }
});

test('property: whatever a config holds, the built SQL holds it only as a plain name', () => {
  const plain = /^[A-Za-z][A-Za-z0-9_$#]*$/;
  fc.assert(
    fc.property(
      fc.oneof(fc.string(), fc.stringMatching(/^[A-Za-z][A-Za-z0-9_$#;' "()\-.*/]{0,20}$/)),
      (value) => {
        let sql: string;
        try {
          sql = buildSessionQuery({ ...DEFAULTS, usersTable: value });
        } catch (error) {
          assert.ok(error instanceof OracleConfigError);
          assert.equal(error.key, 'directory.usersTable');
          return;
        }
        assert.ok(
          value.split('.').every((part) => plain.test(part)),
          value,
        );
        assert.ok(!/[;'"\s]|--|\/\*/.test(value));
        assert.deepEqual(binds(sql), ['SESSION']);
      },
    ),
    { numRuns: 2000 },
  );
});

test('a custom query must be one SELECT whose only bind is :session', () => {
  const good = [
    'SELECT USER_NAME, PHONE FROM V_TM_SESSIONS WHERE SESSION_ID = :session',
    'select user_name, phone from v where id = :SESSION',
    'SELECT u.n AS USER_NAME, u.p AS PHONE FROM s, u WHERE s.id = : session',
    'WITH x AS (SELECT * FROM v WHERE id = :session) SELECT * FROM x',
    "SELECT a AS USER_NAME, TO_CHAR(b, 'HH24:MI') AS PHONE FROM v WHERE id = :session -- :other",
    "/* :x */ SELECT a, b FROM v WHERE id = :session AND c = q'[it's :y]'",
    'SELECT a, b FROM v WHERE id = :session OR alt = :session',
  ];
  for (const sql of good) assert.equal(queryProblem(sql, 'session'), undefined, sql);
  const bad: Array<[string, RegExp]> = [
    ['SELECT USER_NAME, PHONE FROM V', /must use the bind variable :session/],
    ["SELECT a, b FROM v WHERE id = ':session'", /must use the bind variable :session/],
    ['SELECT a, b FROM v WHERE id = :sessionid', /only the bind :session.*:sessionid/],
    ['SELECT a, b FROM v WHERE id = :session AND u = :user', /only the bind :session.*:user/],
    ['SELECT a, b FROM v WHERE id = :1', /only the bind :session/],
    ['DELETE FROM APEX_SESSIONS WHERE id = :session', /must be a SELECT/],
    ['BEGIN x(:session); END;', /more than one statement|must be a SELECT/],
    ['BEGIN x(:session) END', /must be a SELECT/],
    ['SELECT a, b FROM v WHERE id = :session; DROP TABLE y', /more than one statement/],
    ["SELECT a, b FROM v WHERE id = :session AND x = 'open", /never closed/],
    ['SELECT a, b FROM v WHERE id = :session /* open', /never closed/],
  ];
  for (const [sql, why] of bad) assert.match(queryProblem(sql, 'session') ?? 'accepted', why, sql);
});

test('a trailing semicolon is dropped, the custom query is otherwise used verbatim', () => {
  const query = 'SELECT USER_NAME, PHONE\n  FROM V_TM WHERE ID = :session ;  -- the end\n';
  const statements = prepareStatements({ ...DEFAULTS, query });
  assert.equal(statements.session, 'SELECT USER_NAME, PHONE\n  FROM V_TM WHERE ID = :session');
  assert.equal(statements.defaultSessionQuery, false);
  assert.equal(prepareStatements(DEFAULTS).defaultSessionQuery, true);
});

test('the caller query needs :phone, and only it', () => {
  const callerQuery = 'SELECT FULL_NAME AS NAME FROM CONTACTS WHERE PHONE_NO = :phone';
  assert.equal(prepareStatements({ ...DEFAULTS, callerQuery }).caller, callerQuery);
  assert.equal(prepareStatements(DEFAULTS).caller, undefined);
  assert.throws(
    () => prepareStatements({ ...DEFAULTS, callerQuery: 'SELECT NAME FROM C WHERE P = :session' }),
    /^OracleConfigError: directory\.callerQuery: may use only the bind :phone/,
  );
  assert.throws(
    () => prepareStatements({ ...DEFAULTS, query: 'SELECT A, B FROM V WHERE X = :phone' }),
    /directory\.query: /,
  );
});

test('a connect string with credentials in it is refused', () => {
  assert.deepEqual(
    oracleSqlProblems({ ...DEFAULTS, connectString: 'tm/secret@db:1521/APEX' }).map((p) => p.key),
    ['connectString'],
  );
  for (const ok of [
    'db:1521/APEX',
    'tcps://db.example.com:2484/apex?wallet_location=/w',
    '(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=APEX)))',
  ]) {
    assert.deepEqual(oracleSqlProblems({ ...DEFAULTS, connectString: ok }), [], ok);
  }
});

test('APEX session ids are numbers', () => {
  assert.ok(isApexSessionId('7304948575837'));
  for (const bad of ['', 'abc', '12 34', '1e5', '-1', '1'.repeat(39), "1' OR '1'='1"]) {
    assert.ok(!isApexSessionId(bad), bad);
  }
});

test('the config file is refused at start-up naming the key (directory.usersTable)', () => {
  const directory = {
    type: 'oracle',
    connectString: 'db:1521/APEX',
    user: 'TM_READER',
    usersTable: 'x; drop table y',
    callerQuery: 'SELECT NAME FROM CONTACTS',
  };
  assert.throws(
    () => parseConfig({ directory }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.ok(
        error.problems.some((p) => p.startsWith('directory.usersTable: ')),
        error.problems.join('\n'),
      );
      assert.ok(error.problems.some((p) => p.startsWith('directory.callerQuery: ')));
      assert.match(error.message, /directory\.usersTable: .*x; drop table y/);
      return true;
    },
  );
  const ok = parseConfig({
    directory: { ...directory, usersTable: 'APP.USERS', callerQuery: undefined },
  });
  assert.equal(ok.directory.type, 'oracle');
  assert.throws(
    () =>
      parseConfig({
        directory: {
          ...directory,
          usersTable: 'U',
          callerQuery: undefined,
          poolMin: 5,
          poolMax: 2,
        },
      }),
    /directory\.poolMin: /,
  );
});
