// The database of this process: PGlite on disk under DATA_DIR when DATABASE_URL is unset, else a
// PostgreSQL pool. One per process on globalThis, opened lazily (never at module load, so `next build`
// opens nothing), with schema migrations applied before the first query is answered.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { migrateSchema } from "./migrate";
import { pgListener, pgliteListener, type ListenHandlers, type Listener } from "./listen";
import { pgliteSql, pgliteTransaction, pgSql, pgTransaction, type QueryOptions, type Sql } from "./sql";

export interface Db {
  kind: "pglite" | "pg";
  prisma: PrismaClient;
  /** Statements outside a transaction (on PostgreSQL: any pooled connection). */
  sql: Sql;
  /**
   * Runs fn in one transaction (a unit of work); everything it writes commits together or not at all.
   * fn's Sql carries the transaction's afterCommit() hooks and items (the runtime's outbox).
   */
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /**
   * PGlite only (one connection, every statement in turn): statements and transactions started on
   * this store and not finished yet. Background work (imports) gives way while it is above zero.
   */
  pending?(): number;
  /** Listens to a NOTIFY channel (lib/db/listen.ts); closed with the database. */
  listen(channel: string, handlers: ListenHandlers): Listener;
  close(): Promise<void>;
}

export type OpenOptions = { databaseUrl?: string; dataDir?: string; pglite?: PGlite; migrate?: boolean; poolSize?: number };

export async function openDb(opts: OpenOptions = {}): Promise<Db> {
  const db = opts.databaseUrl ? await openPg(opts.databaseUrl, opts.poolSize) : await openPglite(opts);
  if (opts.migrate !== false) await applySchemaMigrations(db);
  return db;
}

async function openPglite(opts: OpenOptions): Promise<Db> {
  let lite = opts.pglite;
  if (!lite) {
    if (opts.dataDir) {
      const dir = path.resolve(/*turbopackIgnore: true*/ opts.dataDir, "pgdata");
      mkdirSync(/*turbopackIgnore: true*/ path.dirname(dir), { recursive: true });
      lite = new PGlite(dir);
    } else {
      lite = new PGlite();
    }
  }
  await lite.waitReady;
  const instance = lite;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(instance) });
  let pending = 0;
  const counted = <T>(p: Promise<T>): Promise<T> => {
    pending++;
    return p.finally(() => pending--);
  };
  const direct = pgliteSql(instance);
  const listeners = listenerSet();
  return {
    kind: "pglite",
    prisma,
    sql: {
      afterCommit: direct.afterCommit,
      item: direct.item,
      query: <T,>(text: string, params?: unknown[], o?: QueryOptions) => counted(direct.query<T>(text, params, o)),
      exec: (text: string) => counted(direct.exec(text)),
    },
    tx: (fn) => counted(pgliteTransaction(instance, fn)),
    pending: () => pending,
    listen: (channel, handlers) => listeners.add(pgliteListener(instance, channel, handlers)),
    async close() {
      await listeners.close();
      await prisma.$disconnect().catch(() => undefined);
      if (!instance.closed) await instance.close();
    },
  };
}

async function openPg(url: string, poolSize?: number): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize ?? Number(process.env.DATABASE_POOL_SIZE ?? 10) });
  pool.on("error", (err) => console.error("[db] idle client error:", err.message));
  const listeners = listenerSet();
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "pg",
    prisma,
    sql: pgSql(pool),
    tx: (fn) => pgTransaction(pool, fn),
    listen: (channel, handlers) => listeners.add(pgListener(url, channel, handlers)),
    async close() {
      await listeners.close();
      await prisma.$disconnect().catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}

/** The listeners a database opened, closed with it. */
function listenerSet() {
  const open = new Set<Listener>();
  return {
    add(l: Listener): Listener {
      open.add(l);
      return { ...l, close: async () => (open.delete(l), l.close()) };
    },
    async close() {
      await Promise.all([...open].map((l) => l.close()));
      open.clear();
    },
  };
}

async function applySchemaMigrations(db: Db) {
  if (db.kind === "pglite") {
    // PGlite has one connection: the session and its transactions are the same.
    await migrateSchema(db.sql, db.tx);
    return;
  }
  // On PostgreSQL the advisory lock belongs to one connection, so lock and migrate on the same one.
  await db.tx(async (sql) => {
    await sql.exec("COMMIT");
    try {
      await migrateSchema(sql, async (fn) => {
        await sql.exec("BEGIN");
        try {
          const r = await fn(sql);
          await sql.exec("COMMIT");
          return r;
        } catch (err) {
          await sql.exec("ROLLBACK");
          throw err;
        }
      });
    } finally {
      await sql.exec("BEGIN");
    }
  });
}

export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.DATA_DIR || ".pathwise");
}

type Holder = { __pathwiseDb?: Promise<Db> };
const holder = globalThis as unknown as Holder;

/** The process's database, opened on first use. */
export function getDb(): Promise<Db> {
  if (!holder.__pathwiseDb) {
    const url = process.env.DATABASE_URL;
    holder.__pathwiseDb = openDb(url ? { databaseUrl: url } : { dataDir: dataDir() }).catch((err) => {
      holder.__pathwiseDb = undefined;
      throw err;
    });
  }
  return holder.__pathwiseDb;
}

/** Makes `db` the process's database (tests that call route handlers directly). */
export function useDbForTests(db: Db): void {
  holder.__pathwiseDb = Promise.resolve(db);
}

/** Closes the process's database (graceful shutdown, tests). */
export async function closeDb(): Promise<void> {
  const p = holder.__pathwiseDb;
  holder.__pathwiseDb = undefined;
  if (p) await (await p).close();
}
