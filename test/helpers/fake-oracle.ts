import {
  OUT_FORMAT_OBJECT,
  type DbConnection,
  type DbExecuteOptions,
  type DbPool,
  type DbPoolFactory,
  type DbPoolOptions,
  type DbResult,
} from '../../src/main/directory/oracle-pool.js';

// ---------------------------------------------------------------------------------------------
// A fake of the parts of node-oracledb's documented API the directory uses: pools that hand
// out at most poolMax connections (a request waits up to queueTimeout, then NJS-040),
// connections whose execute() checks its binds against the SQL (ORA-01008 otherwise) and
// returns OBJECT rows only when asked for OUT_FORMAT_OBJECT, and whose close({ drop }) returns
// them to the pool (NJS-003 when used after close).
// ---------------------------------------------------------------------------------------------

export type Row = Record<string, unknown>;

export function oracleError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/** Bind names in `sql` outside string literals, upper-cased, as Oracle sees them. */
function bindNames(sql: string): string[] {
  const names = [...sql.replace(/'[^']*'/g, "''").matchAll(/:\s*([A-Za-z][A-Za-z0-9_$#]*)/g)];
  return [...new Set(names.map((m) => (m[1] ?? '').toUpperCase()))].sort();
}

export interface Execution {
  sql: string;
  binds: Record<string, string>;
  options: DbExecuteOptions;
  callTimeout: number;
  connection: FakeConnection;
}

export type Handler = (binds: Record<string, string>, sql: string) => Row[] | Promise<Row[]>;

export const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

export class FakeDb {
  readonly executions: Execution[] = [];
  readonly pools: FakePool[] = [];
  readonly poolOptions: DbPoolOptions[] = [];
  readonly closed: FakeConnection[] = [];
  /** Answers an execute(); throw an oracleError() to fail it, return never() to hang it. */
  handler: Handler = () => [];
  /** Runs inside getConnection(): throw to refuse the connection, hang to never connect. */
  connect: () => Promise<void> = async () => undefined;
  /** Runs inside the pool factory (createPool). */
  createPool: () => Promise<void> = async () => undefined;
  #closeWaiters: Array<(c: FakeConnection) => void> = [];

  readonly factory: DbPoolFactory = async (options) => {
    this.poolOptions.push(options);
    await this.createPool();
    const pool = new FakePool(this, options);
    this.pools.push(pool);
    return pool;
  };

  connectionClosed(connection: FakeConnection): void {
    this.closed.push(connection);
    for (const waiter of this.#closeWaiters.splice(0)) waiter(connection);
  }

  nextClose(): Promise<FakeConnection> {
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  executionsOf(session: string): number {
    return this.executions.filter((e) => e.binds.session === session).length;
  }
}

export class FakePool implements DbPool {
  inUse = 0;
  closedWith: number | undefined;
  #closed = false;
  readonly #open = new Set<FakeConnection>();
  readonly #queue: Array<() => void> = [];

  constructor(
    private readonly db: FakeDb,
    readonly options: DbPoolOptions,
  ) {}

  async getConnection(): Promise<DbConnection> {
    if (this.#closed) throw oracleError('NJS-065', 'connection pool was closed');
    if (this.inUse >= this.options.poolMax) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.#queue.splice(this.#queue.indexOf(go), 1);
          reject(
            oracleError(
              'NJS-040',
              `connection request timeout. Request exceeded "queueTimeout" of ${this.options.queueTimeoutMs}`,
            ),
          );
        }, this.options.queueTimeoutMs);
        const go = (): void => {
          clearTimeout(timer);
          resolve();
        };
        this.#queue.push(go);
      });
    }
    this.inUse++;
    try {
      await this.db.connect();
    } catch (error) {
      this.inUse--;
      throw error;
    }
    const connection = new FakeConnection(this.db, this);
    this.#open.add(connection);
    return connection;
  }

  release(connection: FakeConnection): void {
    if (!this.#open.delete(connection)) return;
    this.inUse--;
    this.#queue.shift()?.();
  }

  async close(drainTime?: number): Promise<void> {
    if (this.#closed) throw oracleError('NJS-065', 'connection pool was closed');
    this.#closed = true;
    this.closedWith = drainTime;
    for (const connection of this.#open) connection.forceClose();
  }
}

export class FakeConnection implements DbConnection {
  callTimeout = 0;
  closed = false;
  dropped = false;

  constructor(
    private readonly db: FakeDb,
    private readonly pool: FakePool,
  ) {}

  async execute(
    sql: string,
    binds: Record<string, string>,
    options: DbExecuteOptions,
  ): Promise<DbResult> {
    if (this.closed) throw oracleError('NJS-003', 'invalid or closed connection');
    const wanted = bindNames(sql);
    const given = Object.keys(binds)
      .map((k) => k.toUpperCase())
      .sort();
    if (JSON.stringify(wanted) !== JSON.stringify(given)) {
      throw oracleError('ORA-01008', 'not all variables bound');
    }
    this.db.executions.push({
      sql,
      binds,
      options,
      callTimeout: this.callTimeout,
      connection: this,
    });
    let rows = await this.db.handler(binds, sql);
    if (options.maxRows > 0) rows = rows.slice(0, options.maxRows);
    return {
      rows: options.outFormat === OUT_FORMAT_OBJECT ? rows : rows.map((r) => Object.values(r)),
    };
  }

  async close(options?: { drop?: boolean }): Promise<void> {
    if (this.closed) throw oracleError('NJS-003', 'invalid or closed connection');
    this.closed = true;
    this.dropped = options?.drop === true;
    this.pool.release(this);
    this.db.connectionClosed(this);
  }

  forceClose(): void {
    this.closed = true;
    this.pool.release(this);
  }
}
