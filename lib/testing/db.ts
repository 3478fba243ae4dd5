// The test database fixture: an in-memory PGlite, or a fresh PostgreSQL database on the local server
// (PATHWISE_TEST_PG, default postgres://postgres@127.0.0.1:5432/postgres), dropped on close; STORES
// for running one suite on both (describe.each); and installing a database as the process's own, so
// that route handlers (getDb()) use it.
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openDb, type Db } from "@/lib/db/client";
import { createKey } from "@/lib/auth/keys";

export const TEST_PG_ADMIN_URL = process.env.PATHWISE_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/postgres";

export async function pgliteTestDb(): Promise<Db> {
  return openDb({ pglite: new PGlite() });
}

/** Creates an empty PostgreSQL database; returns its URL and a function that drops it. */
export async function createPgDatabase(prefix = "pathwise_test"): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A migrated database on a fresh PostgreSQL database; close() also drops it. */
export async function pgTestDb(poolSize = 5): Promise<Db> {
  const { url, drop } = await createPgDatabase();
  const db = await openDb({ databaseUrl: url, poolSize });
  const close = db.close;
  return {
    ...db,
    close: async () => {
      await close();
      await drop();
    },
  };
}

/** Both stores, for `describe.each(STORES)("… on $name", ({ open }) => …)` (`kind` for setupDb). */
export const STORES: Array<{ name: "PGlite" | "PostgreSQL"; kind: "pglite" | "pg"; open: () => Promise<Db> }> = [
  { name: "PGlite", kind: "pglite", open: pgliteTestDb },
  { name: "PostgreSQL", kind: "pg", open: () => pgTestDb() },
];

const holder = globalThis as unknown as { __pathwiseDb?: Promise<Db> };

/** Makes getDb() answer with an already open database. */
export function useTestDb(db: Db) {
  holder.__pathwiseDb = Promise.resolve(db);
}

/** Opens a fresh in-memory, migrated database and makes getDb() answer with it. */
export async function installTestDb(): Promise<Db> {
  const db = await pgliteTestDb();
  holder.__pathwiseDb = Promise.resolve(db);
  return db;
}

/** Forgets the process's database and closes it. */
export async function removeTestDb(db: Db) {
  holder.__pathwiseDb = undefined;
  await db.close();
}

export type TestDb = { db: Db; secret: string; write: string; close(): Promise<void> };

/** A database installed as the process's own, with a secret and a write key: PGlite, or PostgreSQL when `kind` is "pg". */
export async function setupDb(kind: "pglite" | "pg" = "pglite"): Promise<TestDb> {
  const db = kind === "pg" ? await pgTestDb(12) : await pgliteTestDb();
  holder.__pathwiseDb = Promise.resolve(db);
  const secret = (await createKey(db, { kind: "secret", name: "test secret" })).key;
  const write = (await createKey(db, { kind: "write", name: "test write" })).key;
  return {
    db,
    secret,
    write,
    async close() {
      await removeTestDb(db);
    },
  };
}
