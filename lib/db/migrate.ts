// Schema migrations: applies the hand-written SQL under prisma/migrations at start, each in a
// transaction, under an advisory lock, recorded in Prisma's own _prisma_migrations table with Prisma's
// checksum (the SHA-256 of migration.sql), so `prisma migrate status|deploy` agree with it where
// Prisma's engines exist.
// (Not the run migration that moves a flow's waiting users to a new version, lib/engine/run-migration.ts,
// nor the run-state upgrades of a stored run, lib/engine/run-state.ts.)
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import type { Sql } from "./sql";

export const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");
const LOCK_ID = 7_402_118_331; // any constant shared by every Pathwise process

export type SchemaMigration = { name: string; sql: string; checksum: string };

export function readSchemaMigrations(dir = MIGRATIONS_DIR): SchemaMigration[] {
  if (!existsSync(/*turbopackIgnore: true*/ dir)) throw new Error(`No migrations folder at ${dir}`);
  return readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(/*turbopackIgnore: true*/ path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(/*turbopackIgnore: true*/ path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies pending schema migrations. `session` is one connection (the advisory lock belongs to it);
 * `transaction` runs a function in a transaction on that same connection.
 */
export async function migrateSchema(
  session: Sql,
  transaction: <T>(fn: (sql: Sql) => Promise<T>) => Promise<T>,
  migrations: SchemaMigration[] = readSchemaMigrations(),
): Promise<{ applied: string[] }> {
  await session.query("SELECT pg_advisory_lock($1)", [LOCK_ID]);
  try {
    await session.exec(CREATE_TABLE);
    const done = await session.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const appliedNames = new Map(done.map((r) => [r.migration_name, r.checksum]));
    const applied: string[] = [];
    for (const m of migrations) {
      const seen = appliedNames.get(m.name);
      if (seen !== undefined) {
        if (seen !== m.checksum) console.warn(`[migrate] ${m.name} was edited after it was applied (checksum differs)`);
        continue;
      }
      await transaction(async (sql) => {
        await sql.exec(m.sql);
        await sql.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
      });
      applied.push(m.name);
    }
    return { applied };
  } finally {
    await session.query("SELECT pg_advisory_unlock($1)", [LOCK_ID]);
  }
}
