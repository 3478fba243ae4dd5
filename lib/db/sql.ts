// One small SQL interface over both stores (PGlite in process, or a pg.Pool), for the hot paths
// that Prisma would slow down: ingestion, the executor's state writes, the job queue.
import type { PGlite, Transaction } from "@electric-sql/pglite";
import pg from "pg";

export type Row = Record<string, unknown>;

export interface Sql {
  /** Runs one parameterised statement ($1, $2, ...) and returns its rows. */
  query<T = Row>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements with no parameters. */
  exec(text: string): Promise<void>;
}

// int8 (counts, bigserial ids) as JS numbers on both stores; ids stay far below 2^53.
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 20) return (v: string) => Number(v);
    if (oid === 1700) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

export function pgSql(client: pg.Pool | pg.PoolClient): Sql {
  return {
    async query<T = Row>(text: string, params: unknown[] = []) {
      const res = await client.query({ text, values: params, types: pgTypes });
      return res.rows as T[];
    },
    async exec(text: string) {
      await client.query(text);
    },
  };
}

const pgliteParsers = { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) };

export function pgliteSql(db: PGlite | Transaction): Sql {
  return {
    async query<T = Row>(text: string, params: unknown[] = []) {
      const res = await db.query<T>(text, params, { parsers: pgliteParsers });
      return res.rows;
    },
    async exec(text: string) {
      await db.exec(text);
    },
  };
}

/** Runs fn in one transaction on one connection; rolls back if it throws. */
export async function pgTransaction<T>(pool: pg.Pool, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(pgSql(client));
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
