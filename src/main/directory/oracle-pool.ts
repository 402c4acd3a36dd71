import { createRequire } from 'node:module';

/**
 * The thin adapter around `oracledb`: the only file that loads it. Everything else sees the
 * small interfaces below, shaped like the parts of oracledb's documented API the directory
 * uses, so that tests can hand in a fake pool.
 *
 * Thin mode only: `initOracleClient()` is never called, so no Oracle Instant Client is needed.
 */

/** `oracledb.OUT_FORMAT_OBJECT`: rows come back as objects keyed by column name. */
export const OUT_FORMAT_OBJECT = 4002;

export interface DbExecuteOptions {
  outFormat: typeof OUT_FORMAT_OBJECT;
  /** At most this many rows are fetched. */
  maxRows: number;
}

export interface DbResult {
  /** With `outFormat: OUT_FORMAT_OBJECT`, one object per row keyed by upper-case column name. */
  rows?: unknown[];
}

/** The part of `oracledb.Connection` the directory uses. */
export interface DbConnection {
  /** Milliseconds each round trip may take before the driver cancels it (0 = no limit). */
  callTimeout: number;
  execute(sql: string, binds: Record<string, string>, options: DbExecuteOptions): Promise<DbResult>;
  /** Returns the connection to its pool; `drop: true` closes it for good (it may be broken). */
  close(options?: { drop?: boolean }): Promise<void>;
}

/** The part of `oracledb.Pool` the directory uses. */
export interface DbPool {
  getConnection(): Promise<DbConnection>;
  /** `drainTime` in seconds; 0 closes at once, also connections in use. */
  close(drainTime?: number): Promise<void>;
}

export interface DbPoolOptions {
  user: string;
  password: string;
  connectString: string;
  poolMin: number;
  poolMax: number;
  /** How long `getConnection()` may wait for a free connection before failing (NJS-040). */
  queueTimeoutMs: number;
}

/** Creates a pool; must not connect eagerly when `poolMin` is 0. */
export type DbPoolFactory = (options: DbPoolOptions) => Promise<DbPool>;

/** What this file needs from the `oracledb` module (it ships no TypeScript types). */
interface OracledbModule {
  OUT_FORMAT_OBJECT: number;
  createPool(attributes: Record<string, unknown>): Promise<DbPool>;
}

function isOracledbModule(value: unknown): value is OracledbModule {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof OracledbModule, unknown>>;
  return (
    typeof candidate.createPool === 'function' && typeof candidate.OUT_FORMAT_OBJECT === 'number'
  );
}

let loaded: OracledbModule | undefined;

/** Loads `oracledb` on first use, so agents with a file directory never load it. */
function oracledb(): OracledbModule {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  let module: unknown;
  try {
    module = require('oracledb');
  } catch (error) {
    throw new Error(
      `cannot load the oracledb package (${(error as Error).message}); reinstall Tapi Messenger or run "npm install oracledb"`,
      { cause: error },
    );
  }
  if (!isOracledbModule(module)) {
    throw new Error('the installed oracledb package does not look like node-oracledb 6 or later');
  }
  if (module.OUT_FORMAT_OBJECT !== OUT_FORMAT_OBJECT) {
    throw new Error(
      `the installed oracledb package has OUT_FORMAT_OBJECT ${module.OUT_FORMAT_OBJECT}, expected ${OUT_FORMAT_OBJECT}`,
    );
  }
  loaded = module;
  return module;
}

/**
 * Pools of the real driver, in thin mode. Idle connections are checked before reuse after
 * 10 s (`poolPingInterval`), so a database restart costs at most one failed round trip per
 * stale connection, which the directory retries once on a fresh one; a pool whose creation
 * failed is simply created again on the next lookup.
 */
export const createOracledbPool: DbPoolFactory = async (options) =>
  oracledb().createPool({
    user: options.user,
    password: options.password,
    connectString: options.connectString,
    poolMin: options.poolMin,
    poolMax: options.poolMax,
    poolIncrement: 1,
    poolPingInterval: 10,
    poolTimeout: 60,
    queueTimeout: options.queueTimeoutMs,
    // Statements are few and fixed: the session query and the caller query.
    stmtCacheSize: 4,
  });
