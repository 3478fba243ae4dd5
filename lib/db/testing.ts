// Test databases: an in-memory PGlite, or a fresh PostgreSQL database on the local server
// (PATHWISE_TEST_PG, default postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards.
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openDb, type Db } from "./client";

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
export async function pgTestDb(): Promise<Db> {
  const { url, drop } = await createPgDatabase();
  const db = await openDb({ databaseUrl: url, poolSize: 5 });
  const close = db.close;
  return {
    ...db,
    close: async () => {
      await close();
      await drop();
    },
  };
}
