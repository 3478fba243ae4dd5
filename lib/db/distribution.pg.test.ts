// The migrated schema stays ready for sharding by person: read from the live PostgreSQL catalog, every
// table is classified, every unique index and foreign key of a distributed table carries its
// distribution column, and no reference or local table points at a distributed one. The same check
// is shown to catch each kind of break on a scratch copy of the schema.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgTestDb } from "@/lib/testing/db";
import type { Db } from "./client";
import { checkCatalog } from "./catalog-check";
import { citusStatements, TABLES } from "./distribution";

describe("schema placement on PostgreSQL", () => {
  let db: Db;
  beforeAll(async () => {
    db = await pgTestDb();
  });
  afterAll(() => db?.close());

  it("classifies every table and breaks no placement rule", async () => {
    const problems = await checkCatalog(db.sql);
    expect(problems.map((p) => p.message)).toEqual([]);
  });

  it("has no classification left over for a table that does not exist", async () => {
    const rows = await db.sql.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
    );
    const live = new Set(rows.map((r) => r.name));
    expect(Object.keys(TABLES).filter((t) => !live.has(t))).toEqual([]);
  });

  it("generates one Citus call per non-local table, each after the tables its foreign keys reference", async () => {
    const calls = citusStatements();
    const position = new Map<string, number>();
    calls.forEach((c, i) => {
      const m = /create_(?:reference|distributed)_table\('([a-z_]+)'/.exec(c);
      expect(m, c).not.toBeNull();
      expect(position.has(m![1])).toBe(false);
      position.set(m![1], i);
    });
    const placed = Object.entries(TABLES).filter(([, p]) => p.kind !== "local").map(([n]) => n);
    expect([...position.keys()].sort()).toEqual(placed.sort());
    for (const [name, p] of Object.entries(TABLES)) {
      if (p.kind === "distributed") expect(calls[position.get(name)!]).toContain(`'${name}', '${p.column}'`);
    }
    const fks = await db.sql.query<{ src: string; dst: string }>(
      `SELECT t.relname AS src, r.relname AS dst FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
        WHERE c.contype = 'f' AND NOT t.relispartition AND c.conparentid = 0`,
    );
    for (const fk of fks) {
      if (!position.has(fk.src) || fk.src === fk.dst) continue;
      expect(position.get(fk.dst), `${fk.src} -> ${fk.dst}`).toBeLessThan(position.get(fk.src)!);
    }
  });

  it("reports an unclassified table, a unique index or FK without the key, and references into sharded tables", async () => {
    // Each break is made inside a transaction that is rolled back, so the database stays as migrated.
    const problems = await db
      .tx(async (sql) => {
        await sql.exec(`CREATE TABLE brand_new (id TEXT PRIMARY KEY)`);
        await sql.exec(`CREATE UNIQUE INDEX runs_only_id_key ON runs (id)`);
        await sql.exec(`CREATE UNIQUE INDEX events_msg_key ON events (message_id, "timestamp")`);
        // A FK among sharded tables on the run id alone (needs a unique index on runs(id), made above).
        await sql.exec(`ALTER TABLE outcomes ADD COLUMN run_id TEXT REFERENCES runs (id)`);
        // A reference table pointing at a sharded one.
        await sql.exec(`ALTER TABLE flows ADD COLUMN owner_profile TEXT REFERENCES profiles (id)`);
        // A local table pointing at a sharded one.
        await sql.exec(`ALTER TABLE audit_log ADD COLUMN profile_id TEXT REFERENCES profiles (id)`);
        const found = await checkCatalog(sql);
        throw Object.assign(new Error("rollback"), { found });
      })
      .catch((err: { found?: Awaited<ReturnType<typeof checkCatalog>> }) => {
        if (!err.found) throw err;
        return err.found;
      });
    const rules = problems.map((p) => `${p.table}:${p.rule}`).sort();
    expect(rules).toEqual(
      [
        "audit_log:fk-local-to-distributed",
        "brand_new:unclassified",
        "events:unique-without-distribution-column",
        "flows:fk-reference-to-distributed",
        "outcomes:fk-without-distribution-column",
        "runs:unique-without-distribution-column",
      ].sort(),
    );
    expect(problems.find((p) => p.rule === "unclassified")!.message).toMatch(/brand_new.*lib\/db\/distribution\.ts/);
    // Nothing of it stayed.
    expect(await checkCatalog(db.sql)).toEqual([]);
  });
});
