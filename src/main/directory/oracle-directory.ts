import { inspect } from 'node:util';
import { LRUCache } from 'lru-cache';
import type { OracleDirectoryConfig } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import { EXTENSION_PATTERN, NUMBER_PATTERN } from '../core/number-rules.js';
import type { Directory, DirectoryHealth, Resolution } from '../core/directory.js';
import type { DirectoryView } from '../../shared/bridge.js';
import { DirectoryStateHolder } from './directory-state.js';
import {
  OracleConfigError,
  PHONE_BIND,
  SESSION_BIND,
  isApexSessionId,
  prepareStatements,
  type OracleStatements,
} from '../config/oracle-sql.js';
import {
  OUT_FORMAT_OBJECT,
  createOracledbPool,
  type DbConnection,
  type DbPool,
  type DbPoolFactory,
} from './oracle-pool.js';

/** Where the database password comes from when the config file has none. */
export const PASSWORD_ENV = 'TAPI_MESSENGER_DB_PASSWORD';

export interface OracleDirectoryDeps {
  logger: Logger;
  /** Read for `TAPI_MESSENGER_DB_PASSWORD`; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Creates the connection pool; default: node-oracledb in thin mode. */
  pool?: DbPoolFactory;
  /** The clock of the caches and of `state().since`; default `Date.now`. */
  now?: () => number;
  /** Most sessions (and callers) remembered at once, oldest forgotten first; default 10000. */
  maxCacheEntries?: number;
}

/**
 * The directory of docs/protocol.md §4, type `oracle`. Checks the configuration at once (throws
 * OracleConfigError naming the key); connects lazily, on the first lookup.
 */
export function createOracleDirectory(
  config: OracleDirectoryConfig,
  deps: OracleDirectoryDeps,
): Directory {
  return new OracleDirectory(config, deps);
}

type FailureHealth = Exclude<DirectoryHealth, 'ok'>;

/** A lookup that could not be answered, with a password-free, one-line reason. */
class LookupFailure extends Error {
  override readonly name = 'LookupFailure';
  constructor(
    readonly reason: string,
    readonly health: FailureHealth,
    /** The connection may be dead: close it for good rather than return it to the pool. */
    readonly dropConnection = false,
    /** A stale pooled connection (the database restarted): worth one retry on a fresh one. */
    readonly stale = false,
  ) {
    super(reason);
  }
}

type Phase = 'pool' | 'connect' | 'execute';

const ERROR_CODE = /^(?:ORA|NJS|DPI)-\d{3,5}/;
/** The connection (not the query) failed: the database is down, unreachable or refuses us. */
const CONNECTION_CODES = new Set([
  'ORA-01017', // invalid username/password
  'ORA-28000', // account locked
  'ORA-28001', // password expired
  'ORA-01033', // initialisation or shutdown in progress
  'ORA-01034', // not available
  'ORA-01089', // immediate shutdown in progress
  'ORA-01109', // database not open
  'NJS-003', // invalid or closed connection
  'NJS-040', // pool queue timeout
  'NJS-065', // pool closed
  'NJS-076', // pool queue full
]);
/** Errors of a pooled connection that died while idle, e.g. across a database restart. */
const STALE_CODES = new Set(['NJS-003', 'NJS-500', 'NJS-501', 'ORA-03113', 'ORA-03114']);
/** The call timeout fired inside the driver: the connection is best not reused. */
const CALL_TIMEOUT_CODES = new Set(['NJS-123', 'DPI-1067', 'ORA-01013']);

function isConnectionCode(code: string): boolean {
  if (CONNECTION_CODES.has(code) || STALE_CODES.has(code)) return true;
  if (/^NJS-5\d\d$/.test(code)) return true; // Oracle Net errors of the thin driver
  const ora = /^ORA-(\d+)$/.exec(code);
  const n = ora ? Number(ora[1]) : 0;
  return (n >= 12150 && n <= 12699) || (n >= 3100 && n <= 3199); // TNS and lost-contact errors
}

/**
 * A driver error on one line: its first line without the connection id, plus any further
 * line that says more (`connect ECONNREFUSED …`) but not the `Help:` link; and its code.
 */
function describeError(error: unknown): { code: string | undefined; text: string } {
  const message = error instanceof Error ? error.message : String(error);
  const [first = '', ...rest] = message
    .split(/\r?\n/)
    .map((line) => line.replace(/\s*\(CONNECTION_ID=[^)]*\)/g, '').trim())
    .filter((line) => line !== '' && !/^Help:/i.test(line));
  const property =
    typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  const code =
    typeof property === 'string' && ERROR_CODE.test(property)
      ? property
      : ERROR_CODE.exec(first)?.[0];
  const joined = rest.length > 0 ? `${first} (${rest.join('; ')})` : first;
  const text = joined.length > 300 ? `${joined.slice(0, 297)}...` : joined;
  return { code, text: text || (error instanceof Error ? error.name : 'unknown error') };
}

function toFailure(error: unknown, phase: Phase): LookupFailure {
  if (error instanceof LookupFailure) return error;
  const { code, text } = describeError(error);
  if (phase !== 'execute') {
    const what = phase === 'pool' ? 'cannot create the connection pool' : 'cannot connect';
    return new LookupFailure(`${what}: ${text}`, 'down');
  }
  if (code !== undefined && isConnectionCode(code)) {
    return new LookupFailure(`connection lost: ${text}`, 'down', true, STALE_CODES.has(code));
  }
  const timedOut = code !== undefined && CALL_TIMEOUT_CODES.has(code);
  return new LookupFailure(`query failed: ${text}`, 'degraded', timedOut);
}

/** Replaces every occurrence of the password (also URL-encoded) with `***`. */
function redactor(secret: string): (text: string) => string {
  const forms = [...new Set([secret, encodeURIComponent(secret)])]
    .filter((form) => form.length > 0)
    .sort((a, b) => b.length - a.length);
  return (text) => forms.reduce((out, form) => out.split(form).join('***'), text);
}

function redactingLogger(logger: Logger, redact: (text: string) => string): Logger {
  const clean = (details: unknown[]): string[] =>
    details.map((d) => redact(typeof d === 'string' ? d : inspect(d)));
  return {
    error: (m, ...d) => logger.error(redact(m), ...clean(d)),
    warn: (m, ...d) => logger.warn(redact(m), ...clean(d)),
    info: (m, ...d) => logger.info(redact(m), ...clean(d)),
    debug: (m, ...d) => logger.debug(redact(m), ...clean(d)),
  };
}

/**
 * Answers remembered for a while (an LRU cache of at most `maxEntries`, each answer with its
 * own time to live), and lookups in progress shared: a key asked for again while its lookup
 * runs waits for that same lookup.
 */
class LookupCache<V extends object> {
  readonly #entries: LRUCache<string, V>;
  readonly #pending = new Map<string, Promise<V>>();

  /** `now`: a clock of the tests' own; the cache's default (`performance`) otherwise. */
  constructor(maxEntries: number, now?: () => number) {
    this.#entries = new LRUCache<string, V>({
      max: maxEntries,
      // Staleness is checked against the clock on every read, not a clock cached for 1 ms.
      ttlResolution: 0,
      ...(now === undefined ? {} : { perf: { now } }),
    });
  }

  /**
   * The remembered or pending answer for `key`, else `lookup()`'s; `ttl` says how long (ms)
   * an answer is remembered, 0 or less: not at all.
   */
  get(key: string, lookup: () => Promise<V>, ttl: (value: V) => number): Promise<V> {
    const remembered = this.#entries.get(key);
    if (remembered !== undefined) return Promise.resolve(remembered);
    const pending = this.#pending.get(key);
    if (pending !== undefined) return pending;
    const started = lookup().then(
      (value) => {
        this.#pending.delete(key);
        const ms = ttl(value);
        if (ms > 0) this.#entries.set(key, value, { ttl: ms });
        return value;
      },
      (error: unknown) => {
        this.#pending.delete(key);
        throw error;
      },
    );
    this.#pending.set(key, started);
    return started;
  }

  clear(): void {
    this.#entries.clear();
  }
}

type Row = Record<string, unknown>;

/** A column of an OBJECT-format row: exact name first, else any case (`"user_name"` aliases). */
function column(row: Row, name: string): unknown {
  if (name in row) return row[name];
  const key = Object.keys(row).find((k) => k.toUpperCase() === name);
  return key === undefined ? undefined : row[key];
}

function text(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return '';
}

const MAX_NAME_LENGTH = 200;

class OracleDirectory implements Directory {
  readonly #config: OracleDirectoryConfig;
  readonly #statements: OracleStatements;
  readonly #password: string;
  readonly #redact: (text: string) => string;
  readonly #log: Logger;
  readonly #state: DirectoryStateHolder;
  readonly #createPool: DbPoolFactory;
  /** The clock of every budget and cache expiry (injected, so tests can move it). */
  readonly #now: () => number;
  readonly #sessions: LookupCache<Resolution>;
  /** A caller's name; `failed` answers (database trouble) are not remembered. */
  readonly #callers: LookupCache<{ name: string | undefined; failed: boolean }>;
  #pool: Promise<DbPool> | null = null;
  #closed = false;
  /** Ends every query in progress at once (on close: shutdown does not wait for timeouts). */
  readonly #cancels = new Set<() => void>();

  /** Present only when `callerQuery` is configured: otherwise pops say UNKNOWN at once. */
  readonly callerName?: (callerNumber: string) => Promise<string | undefined>;

  constructor(config: OracleDirectoryConfig, deps: OracleDirectoryDeps) {
    this.#config = config;
    this.#statements = prepareStatements(config);
    const env = deps.env ?? process.env;
    const password = config.password ?? env[PASSWORD_ENV] ?? '';
    if (password === '') {
      throw new OracleConfigError(
        'directory.password',
        `no database password: set directory.password in the config file or the environment variable ${PASSWORD_ENV}`,
      );
    }
    this.#password = password;
    this.#redact = redactor(password);
    this.#log = redactingLogger(deps.logger, this.#redact);
    const now = deps.now ?? Date.now;
    this.#now = now;
    this.#state = new DirectoryStateHolder(
      'oracle',
      this.#redact(`${config.user}@${config.connectString}`),
      now,
    );
    this.#createPool = deps.pool ?? createOracledbPool;
    const maxEntries = deps.maxCacheEntries ?? 10000;
    this.#sessions = new LookupCache(maxEntries, deps.now);
    this.#callers = new LookupCache(maxEntries, deps.now);
    if (this.#statements.caller !== undefined) {
      const sql = this.#statements.caller;
      this.callerName = (callerNumber) => this.#callerName(sql, callerNumber);
    }
    this.#log.info(
      `oracle directory: ${this.#state.get().source} (thin mode, pool ${config.poolMin}..${config.poolMax}, ` +
        `timeout ${config.timeoutMs} ms, ${this.#statements.defaultSessionQuery ? `users table ${config.usersTable}` : 'custom query'})`,
    );
  }

  resolve(apexSession: string): Promise<Resolution> {
    if (this.#closed) return Promise.resolve({ kind: 'unavailable', reason: 'directory closed' });
    // The built-in query compares with a NUMBER column: anything else is no APEX session.
    if (this.#statements.defaultSessionQuery && !isApexSessionId(apexSession)) {
      return Promise.resolve({ kind: 'not-found' });
    }
    const positive = this.#config.cacheMs;
    const negative = Math.min(this.#config.negativeCacheMs, positive);
    return this.#sessions.get(
      apexSession,
      () => this.#lookupSession(apexSession),
      (r) => (r.kind === 'found' ? positive : r.kind === 'unavailable' ? 0 : negative),
    );
  }

  async #lookupSession(apexSession: string): Promise<Resolution> {
    let rows: Row[];
    try {
      rows = await this.#query(this.#statements.session, { [SESSION_BIND]: apexSession }, 10);
    } catch (error) {
      if (this.#closed) return { kind: 'unavailable', reason: 'directory closed' };
      const failure = toFailure(error, 'execute');
      const reason = this.#redact(failure.reason);
      this.#unhealthy(failure.health, reason);
      return { kind: 'unavailable', reason };
    }
    this.#healthy();
    const answers = rows.map((row) => ({
      user: text(column(row, 'USER_NAME')),
      phone: text(column(row, 'PHONE')),
    }));
    const withUser = answers.filter((a) => a.user !== '');
    const chosen = withUser.find((a) => a.phone !== '') ?? withUser[0];
    if (chosen === undefined) return { kind: 'not-found' };
    if (chosen.phone === '') return { kind: 'no-phone', user: chosen.user };
    if (!EXTENSION_PATTERN.test(chosen.phone)) {
      this.#log.warn(
        `user ${chosen.user}'s phone ${JSON.stringify(chosen.phone)} is not an extension (letters, digits and * # + . _ - only, at most 32): treated as no phone`,
      );
      return { kind: 'no-phone', user: chosen.user };
    }
    return { kind: 'found', user: chosen.user, phone: chosen.phone };
  }

  /** Never rejects; answers within `callerTimeoutMs`, a later answer is remembered for next time. */
  async #callerName(sql: string, callerNumber: string): Promise<string | undefined> {
    if (this.#closed || !NUMBER_PATTERN.test(callerNumber)) return undefined;
    const negative = Math.min(this.#config.negativeCacheMs, this.#config.cacheMs);
    const lookup = this.#callers.get(
      callerNumber,
      () => this.#lookupCaller(sql, callerNumber),
      (answer) => (answer.failed ? 0 : answer.name === undefined ? negative : this.#config.cacheMs),
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.#config.callerTimeoutMs);
    });
    try {
      return await Promise.race([lookup.then((answer) => answer.name), late]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  async #lookupCaller(
    sql: string,
    callerNumber: string,
  ): Promise<{ name: string | undefined; failed: boolean }> {
    try {
      const rows = await this.#query(sql, { [PHONE_BIND]: callerNumber }, 1);
      const first = rows[0];
      const name = first === undefined ? '' : text(column(first, 'NAME'));
      return { name: name === '' ? undefined : name.slice(0, MAX_NAME_LENGTH), failed: false };
    } catch (error) {
      // Caller names are a nicety: a failure is logged, never reflected in the directory's health.
      this.#log.debug(`caller name lookup failed: ${toFailure(error, 'execute').reason}`);
      return { name: undefined, failed: true };
    }
  }

  /**
   * Runs one query within `timeoutMs`: the driver's `callTimeout` bounds the round trip, and a
   * timer of our own bounds everything (pool creation, waiting for a connection, a driver that
   * never answers). Throws LookupFailure.
   */
  async #query(sql: string, binds: Record<string, string>, maxRows: number): Promise<Row[]> {
    const budget = this.#config.timeoutMs;
    const started = this.#now();
    const progress = { phase: 'pool' as Phase, abandoned: false };
    let timer: NodeJS.Timeout | undefined;
    let cancel: () => void = () => undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        progress.abandoned = true;
        reject(
          progress.phase === 'execute'
            ? new LookupFailure(`the query did not answer within ${budget} ms`, 'degraded')
            : new LookupFailure(`no connection to the database within ${budget} ms`, 'down'),
        );
      }, budget);
      cancel = () => {
        progress.abandoned = true;
        reject(new LookupFailure('directory closed', 'degraded'));
      };
    });
    this.#cancels.add(cancel);
    try {
      return await Promise.race([this.#attempt(sql, binds, maxRows, started, progress), timeout]);
    } finally {
      clearTimeout(timer);
      this.#cancels.delete(cancel);
    }
  }

  async #attempt(
    sql: string,
    binds: Record<string, string>,
    maxRows: number,
    started: number,
    progress: { phase: Phase; abandoned: boolean },
  ): Promise<Row[]> {
    const pool = await this.#getPool();
    for (let attempt = 1; ; attempt++) {
      progress.phase = 'connect';
      let connection: DbConnection;
      try {
        connection = await pool.getConnection();
      } catch (error) {
        throw toFailure(error, 'connect');
      }
      if (progress.abandoned || this.#closed) {
        // The caller has given up (or we are shutting down): hand the connection straight back.
        await this.#release(connection, false);
        throw new LookupFailure('abandoned', 'degraded');
      }
      progress.phase = 'execute';
      const remaining = this.#config.timeoutMs - (this.#now() - started);
      connection.callTimeout = Math.max(1, Math.ceil(remaining));
      let drop = false;
      try {
        const result = await connection.execute(sql, binds, {
          outFormat: OUT_FORMAT_OBJECT,
          maxRows,
        });
        return (result.rows ?? []).filter(
          (row): row is Row => typeof row === 'object' && row !== null && !Array.isArray(row),
        );
      } catch (error) {
        const failure = toFailure(error, 'execute');
        drop = failure.dropConnection;
        if (failure.stale && attempt === 1 && !progress.abandoned) {
          this.#log.debug(`retrying on a fresh connection after: ${failure.reason}`);
          continue;
        }
        throw failure;
      } finally {
        await this.#release(connection, drop);
      }
    }
  }

  #getPool(): Promise<DbPool> {
    if (this.#pool === null) {
      const created = this.#createPool({
        user: this.#config.user,
        password: this.#password,
        connectString: this.#config.connectString,
        poolMin: this.#config.poolMin,
        poolMax: this.#config.poolMax,
        queueTimeoutMs: this.#config.timeoutMs,
      }).catch((error: unknown) => {
        // Forget the failed attempt so that the next lookup tries again.
        if (this.#pool === created) this.#pool = null;
        throw toFailure(error, 'pool');
      });
      this.#pool = created;
    }
    return this.#pool;
  }

  async #release(connection: DbConnection, drop: boolean): Promise<void> {
    try {
      await connection.close(drop ? { drop: true } : undefined);
    } catch (error) {
      this.#log.debug(`closing a database connection failed: ${describeError(error).text}`);
    }
  }

  #healthy(): void {
    const previous = this.#state.get();
    if (previous.health === 'ok' && previous.lastError === null) return;
    this.#state.set('ok', null);
    this.#log.info(
      `oracle directory recovered (was ${previous.health}: ${previous.lastError ?? ''})`,
    );
  }

  #unhealthy(health: FailureHealth, reason: string): void {
    const previous = this.#state.get();
    this.#state.set(health, reason);
    if (previous.health !== health) this.#log.warn(`oracle directory ${health}: ${reason}`);
    else this.#log.debug(`oracle directory still ${health}: ${reason}`);
  }

  state(): DirectoryView {
    return this.#state.get();
  }

  onStateChange(listener: (state: DirectoryView) => void): () => void {
    return this.#state.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const cancel of this.#cancels) cancel();
    this.#sessions.clear();
    this.#callers.clear();
    const pool = this.#pool;
    this.#pool = null;
    if (pool === null) return;
    try {
      await (await pool).close(0);
    } catch (error) {
      this.#log.debug(`closing the connection pool: ${describeError(error).text}`);
    }
  }
}
