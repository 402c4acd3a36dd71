/**
 * The SQL of the Oracle directory, built and checked before anything reaches the database.
 * Pure: no `oracledb`, no I/O.
 *
 * Configuration never becomes SQL text except as identifiers that passed `identifierProblem`
 * (nothing is quoted or escaped: a value either is a plain Oracle name or is refused); every
 * value from a browser or TapiServer travels as a bind variable.
 */

/** The one bind of the session query, and of the caller query. */
export const SESSION_BIND = 'session';
export const PHONE_BIND = 'phone';

/** Config keys this module checks, as they appear under `directory` in the config file. */
export type OracleSqlKey =
  'usersTable' | 'userColumn' | 'phoneColumn' | 'query' | 'callerQuery' | 'connectString';

/** A directory setting that cannot be used. The message starts with the full config key. */
export class OracleConfigError extends Error {
  override readonly name = 'OracleConfigError';
  constructor(
    /** e.g. `directory.usersTable` */
    readonly key: string,
    readonly problem: string,
  ) {
    super(`${key}: ${problem}`);
  }
}

/** Oracle's reserved words (SQL Language Reference): not usable as unquoted names. */
const RESERVED = new Set(
  `ACCESS ADD ALL ALTER AND ANY AS ASC AUDIT BETWEEN BY CHAR CHECK CLUSTER COLUMN COLUMN_VALUE
  COMMENT COMPRESS CONNECT CREATE CURRENT DATE DECIMAL DEFAULT DELETE DESC DISTINCT DROP ELSE
  EXCLUSIVE EXISTS FILE FLOAT FOR FROM GRANT GROUP HAVING IDENTIFIED IMMEDIATE IN INCREMENT
  INDEX INITIAL INSERT INTEGER INTERSECT INTO IS LEVEL LIKE LOCK LONG MAXEXTENTS MINUS MLSLABEL
  MODE MODIFY NESTED_TABLE_ID NOAUDIT NOCOMPRESS NOT NOWAIT NULL NUMBER OF OFFLINE ON ONLINE
  OPTION OR ORDER PCTFREE PRIOR PRIVILEGES PUBLIC RAW RENAME RESOURCE REVOKE ROW ROWID ROWNUM
  ROWS SELECT SESSION SET SHARE SIZE SMALLINT START SUCCESSFUL SYNONYM SYSDATE TABLE THEN TO
  TRIGGER UID UNION UNIQUE UPDATE USER VALIDATE VALUES VARCHAR VARCHAR2 VIEW WHENEVER WHERE
  WITH`.split(/\s+/),
);

/** An unquoted Oracle name: a letter, then letters, digits, `_`, `$`, `#` (ASCII only). */
const NAME = /^[A-Za-z][A-Za-z0-9_$#]*$/;
/** Oracle 12.2+ allows 128 bytes; every accepted character is one byte. */
export const MAX_IDENTIFIER_BYTES = 128;

const NAME_RULE =
  'use a plain Oracle name: letters, digits, _, $ and #, starting with a letter, at most 128 characters';

function partProblem(part: string, what: string): string | undefined {
  if (part.length === 0) return `${what} is empty`;
  if (!NAME.test(part)) return `${what} ${JSON.stringify(part)} is not a plain Oracle name`;
  if (Buffer.byteLength(part) > MAX_IDENTIFIER_BYTES) {
    return `${what} is longer than ${MAX_IDENTIFIER_BYTES} characters`;
  }
  if (RESERVED.has(part.toUpperCase())) {
    return `${what} ${JSON.stringify(part)} is an Oracle reserved word`;
  }
  return undefined;
}

/**
 * Why `value` cannot name a table (`TABLE` or `OWNER.TABLE`) or a column (`COLUMN`), or
 * undefined when it can. Quoted names are refused, not escaped: a table with an unusual name
 * is reached through a view or synonym with a plain one.
 */
export function identifierProblem(value: string, kind: 'table' | 'column'): string | undefined {
  const parts = value.split('.');
  const tooMany = kind === 'column' ? parts.length > 1 : parts.length > 2;
  if (tooMany) {
    const shape = kind === 'column' ? 'a column name without a table' : 'TABLE or OWNER.TABLE';
    return `${JSON.stringify(value)} must be ${shape}; ${NAME_RULE}`;
  }
  const names =
    kind === 'column'
      ? ['column name']
      : parts.length === 2
        ? ['owner', 'table name']
        : ['table name'];
  for (const [i, part] of parts.entries()) {
    const problem = partProblem(part, names[i] ?? 'name');
    if (problem !== undefined) {
      const where = parts.length > 1 ? ` (in ${JSON.stringify(value)})` : '';
      return `${problem}${where}; ${NAME_RULE}. A name that needs quotes can be reached through a view or synonym with a plain name`;
    }
  }
  return undefined;
}

interface SqlScan {
  /** Bind names as Oracle sees them: unquoted upper-cased, quoted verbatim with their quotes. */
  binds: string[];
  /** The first word outside comments, upper-cased. */
  firstWord: string;
  /** The text with one trailing `;` (and anything blank after it) removed. */
  statement: string;
  problem?: string;
}

/**
 * A small scanner of Oracle SQL: skips string literals (`'…'`, `q'[…]'`), quoted names and
 * comments, and reports the binds, the first word and any `;` that would start a second
 * statement.
 */
function scanSql(sql: string): SqlScan {
  const binds: string[] = [];
  let firstWord = '';
  let endOfStatement = -1;
  let i = 0;
  const n = sql.length;
  const closing: Record<string, string> = { '[': ']', '{': '}', '<': '>', '(': ')' };
  const fail = (problem: string): SqlScan => ({ binds, firstWord, statement: sql, problem });
  while (i < n) {
    const ch = sql[i] ?? '';
    const next = sql[i + 1] ?? '';
    if (
      endOfStatement >= 0 &&
      !/\s/.test(ch) &&
      !(ch === '-' && next === '-') &&
      !(ch === '/' && next === '*')
    ) {
      return fail('holds more than one statement (a ";" followed by more SQL)');
    }
    if (ch === '-' && next === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
    } else if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return fail('has a /* comment that is never closed');
      i = end + 2;
    } else if ((ch === 'q' || ch === 'Q') && next === "'" && i + 2 < n) {
      const open = sql[i + 2] ?? '';
      const close = closing[open] ?? open;
      const end = sql.indexOf(`${close}'`, i + 3);
      if (end < 0) return fail("has a q'…' string that is never closed");
      i = end + 2;
    } else if (ch === "'") {
      let j = i + 1;
      for (;;) {
        const k = sql.indexOf("'", j);
        if (k < 0) return fail('has a string literal that is never closed');
        if (sql[k + 1] === "'") j = k + 2;
        else {
          i = k + 1;
          break;
        }
      }
    } else if (ch === '"') {
      const end = sql.indexOf('"', i + 1);
      if (end < 0) return fail('has a quoted name that is never closed');
      i = end + 1;
    } else if (ch === ':') {
      let j = i + 1;
      while (j < n && /\s/.test(sql[j] ?? '')) j++;
      const rest = sql.slice(j);
      const quoted = /^"[^"]*"/.exec(rest);
      const plain = /^[\p{L}\p{N}][\p{L}\p{N}_$#]*/u.exec(rest);
      if (quoted) {
        binds.push(quoted[0]);
        i = j + quoted[0].length;
      } else if (plain) {
        binds.push(/^\p{N}+$/u.test(plain[0]) ? plain[0] : plain[0].toUpperCase());
        i = j + plain[0].length;
      } else {
        i = j;
      }
    } else if (ch === ';') {
      endOfStatement = i;
      i++;
    } else if (/[A-Za-z]/.test(ch) && firstWord === '') {
      const word = /^[A-Za-z_]+/.exec(sql.slice(i))?.[0] ?? ch;
      firstWord = word.toUpperCase();
      i += word.length;
    } else {
      i++;
    }
  }
  const statement = endOfStatement >= 0 ? sql.slice(0, endOfStatement).trimEnd() : sql;
  return { binds, firstWord, statement };
}

/**
 * Why a configured `query`/`callerQuery` cannot be used, or undefined: it must be one
 * SELECT (or WITH … SELECT) statement whose only bind is `:<bind>`.
 */
export function queryProblem(sql: string, bind: string): string | undefined {
  return checkQuery(sql, bind).problem;
}

function checkQuery(sql: string, bind: string): { statement: string; problem?: string } {
  const scan = scanSql(sql);
  if (scan.problem !== undefined) return { statement: sql, problem: scan.problem };
  if (scan.firstWord !== 'SELECT' && scan.firstWord !== 'WITH') {
    return {
      statement: sql,
      problem: `must be a SELECT statement (it starts with ${scan.firstWord || 'nothing'})`,
    };
  }
  const wanted = bind.toUpperCase();
  const others = [...new Set(scan.binds.filter((b) => b !== wanted))];
  if (others.length > 0) {
    const shown = others.map((b) => (b.startsWith('"') ? `:${b}` : `:${b.toLowerCase()}`));
    return {
      statement: sql,
      problem: `may use only the bind :${bind}, but it also uses ${shown.join(', ')}`,
    };
  }
  if (!scan.binds.includes(wanted)) {
    return {
      statement: sql,
      problem: `must use the bind variable :${bind} (never paste values into the SQL)`,
    };
  }
  return { statement: scan.statement };
}

/** Why a connect string cannot be used, or undefined. Only the obvious mistakes are caught here. */
export function connectStringProblem(connectString: string): string | undefined {
  if (/^[^()@\s]*\/[^()@\s]*@/.test(connectString)) {
    return 'looks like user/password@host; give only the address here (host:1521/service) and the user and password in directory.user and directory.password';
  }
  return undefined;
}

/**
 * APEX session ids are numbers (`APEX_WORKSPACE_SESSIONS.APEX_SESSION_ID` is a NUMBER).
 * Anything else cannot be a session, and binding it to a NUMBER column would raise ORA-01722.
 */
export function isApexSessionId(value: string): boolean {
  return /^[0-9]{1,38}$/.test(value);
}

/**
 * The default session query: the APEX session → its user (`APEX_WORKSPACE_SESSIONS`), joined
 * to the application's users table for the phone. User names compare case-insensitively;
 * APEX's public user `nobody` is nobody's session. Returns `USER_NAME` and `PHONE`.
 * Throws OracleConfigError naming the key when a name is not a plain Oracle name.
 */
export function buildSessionQuery(names: {
  usersTable: string;
  userColumn: string;
  phoneColumn: string;
}): string {
  const table = checkedName('usersTable', names.usersTable, 'table');
  const user = checkedName('userColumn', names.userColumn, 'column');
  const phone = checkedName('phoneColumn', names.phoneColumn, 'column');
  return [
    'SELECT s.USER_NAME AS USER_NAME,',
    `       TO_CHAR(u.${phone}) AS PHONE`,
    '  FROM APEX_WORKSPACE_SESSIONS s',
    `  LEFT JOIN ${table} u`,
    `    ON UPPER(u.${user}) = UPPER(s.USER_NAME)`,
    ` WHERE s.APEX_SESSION_ID = :${SESSION_BIND}`,
    "   AND UPPER(s.USER_NAME) <> 'NOBODY'",
  ].join('\n');
}

function checkedName(key: OracleSqlKey, value: string, kind: 'table' | 'column'): string {
  const problem = identifierProblem(value, kind);
  if (problem !== undefined) throw new OracleConfigError(`directory.${key}`, problem);
  return value;
}

/** The parts of the `oracle` directory config this module reads. */
export interface OracleSqlSettings {
  connectString: string;
  query?: string | undefined;
  usersTable: string;
  userColumn: string;
  phoneColumn: string;
  callerQuery?: string | undefined;
}

/** Every problem of the SQL-related settings, keyed by config key (for the config schema). */
export function oracleSqlProblems(
  settings: OracleSqlSettings,
): Array<{ key: OracleSqlKey; message: string }> {
  const problems: Array<{ key: OracleSqlKey; message: string }> = [];
  const add = (key: OracleSqlKey, message: string | undefined): void => {
    if (message !== undefined) problems.push({ key, message });
  };
  add('connectString', connectStringProblem(settings.connectString));
  add('usersTable', identifierProblem(settings.usersTable, 'table'));
  add('userColumn', identifierProblem(settings.userColumn, 'column'));
  add('phoneColumn', identifierProblem(settings.phoneColumn, 'column'));
  if (settings.query !== undefined) add('query', queryProblem(settings.query, SESSION_BIND));
  if (settings.callerQuery !== undefined) {
    add('callerQuery', queryProblem(settings.callerQuery, PHONE_BIND));
  }
  return problems;
}

/** The statements the directory runs. */
export interface OracleStatements {
  /** Bind `:session`; returns `USER_NAME`, `PHONE`. */
  session: string;
  /** True when `session` is the built-in query (so session ids must be APEX numbers). */
  defaultSessionQuery: boolean;
  /** Bind `:phone`; returns `NAME`. */
  caller?: string;
}

/**
 * Checks the settings and returns the statements to run. Throws OracleConfigError naming the
 * first bad key (`directory.usersTable: …`).
 */
export function prepareStatements(settings: OracleSqlSettings): OracleStatements {
  const [first] = oracleSqlProblems(settings);
  if (first) throw new OracleConfigError(`directory.${first.key}`, first.message);
  const session =
    settings.query === undefined
      ? buildSessionQuery(settings)
      : checkQuery(settings.query, SESSION_BIND).statement;
  const caller =
    settings.callerQuery === undefined
      ? undefined
      : checkQuery(settings.callerQuery, PHONE_BIND).statement;
  return { session, defaultSessionQuery: settings.query === undefined, caller };
}
