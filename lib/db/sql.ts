// One small SQL interface over both stores (PGlite in process, or a pg.Pool), for the hot paths
// that Prisma would slow down: ingestion, the executor's state writes, the job queue. Inside db.tx()
// it is also the transaction's unit of work: afterCommit() hooks and per-transaction items (the outbox).
import type { PGlite, Transaction } from "@electric-sql/pglite";
import pg from "pg";

export type Row = Record<string, unknown>;
export type QueryOptions = { name?: string };

export interface Sql {
  /**
   * Runs one parameterised statement ($1, $2, ...) and returns its rows. With a `name` (a hot query
   * such as /decide's), PostgreSQL parses and plans it once per connection and reuses that prepared
   * statement; PGlite has no named statements in its API and runs it as is.
   */
  query<T = Row>(text: string, params?: unknown[], opts?: QueryOptions): Promise<T[]>;
  /** Runs a script of several statements with no parameters. */
  exec(text: string): Promise<void>;
  /**
   * Runs fn once the enclosing transaction has committed (never if it rolls back); the same function
   * registered twice in one transaction runs once. Outside a transaction the statements have committed
   * already, so fn runs at once.
   */
  afterCommit(fn: () => void): void;
  /** The transaction's one instance of something (its outbox), made on first use; outside a transaction a new one each time. */
  item<T>(key: object, make: () => T): T;
}

/** What db.tx() collects while its callback runs, handed to the callback through its Sql. */
export class UnitOfWork {
  private hooks = new Set<() => void>();
  private items = new Map<object, unknown>();

  afterCommit(fn: () => void) {
    this.hooks.add(fn);
  }

  item<T>(key: object, make: () => T): T {
    if (!this.items.has(key)) this.items.set(key, make());
    return this.items.get(key) as T;
  }

  /** Called by db.tx() after COMMIT: a failing hook is logged and never undoes the commit. */
  committed() {
    for (const fn of this.hooks) {
      try {
        fn();
      } catch (err) {
        console.error("[db] afterCommit hook failed:", err);
      }
    }
    this.hooks.clear();
  }
}

const NO_UNIT = {
  afterCommit(fn: () => void) {
    fn();
  },
  item<T>(_key: object, make: () => T): T {
    return make();
  },
};

// int8 (counts, bigserial ids) as JS numbers on both stores; ids stay far below 2^53.
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 20) return (v: string) => Number(v);
    if (oid === 1700) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

export function pgSql(client: pg.Pool | pg.PoolClient, unit?: UnitOfWork): Sql {
  const u = unit ?? NO_UNIT;
  return {
    afterCommit: (fn) => u.afterCommit(fn),
    item: (key, make) => u.item(key, make),
    async query<T = Row>(text: string, params: unknown[] = [], opts?: QueryOptions) {
      const res = await client.query({ name: opts?.name, text, values: params, types: pgTypes });
      return res.rows as T[];
    },
    async exec(text: string) {
      await client.query(text);
    },
  };
}

const pgliteParsers = { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) };

export function pgliteSql(db: PGlite | Transaction, unit?: UnitOfWork): Sql {
  const u = unit ?? NO_UNIT;
  return {
    afterCommit: (fn) => u.afterCommit(fn),
    item: (key, make) => u.item(key, make),
    async query<T = Row>(text: string, params: unknown[] = []) {
      const res = await db.query<T>(text, params, { parsers: pgliteParsers });
      return res.rows;
    },
    async exec(text: string) {
      await db.exec(text);
    },
  };
}

/** Runs fn in one transaction on one connection; rolls back if it throws; then runs the afterCommit hooks. */
export async function pgTransaction<T>(pool: pg.Pool, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const unit = new UnitOfWork();
  let released = false;
  try {
    await client.query("BEGIN");
    const result = await fn(pgSql(client, unit));
    await client.query("COMMIT");
    client.release();
    released = true;
    unit.committed();
    return result;
  } catch (err) {
    if (!released) await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    if (!released) client.release();
  }
}

/** Runs fn in one PGlite transaction; then runs the afterCommit hooks. */
export async function pgliteTransaction<T>(lite: PGlite, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const unit = new UnitOfWork();
  const result = await lite.transaction((t) => fn(pgliteSql(t, unit)));
  unit.committed();
  return result;
}
