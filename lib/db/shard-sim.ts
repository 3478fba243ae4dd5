// Sharding by person, simulated on one PostgreSQL: every distributed table of lib/db/distribution.ts is
// rebuilt as a hash-partitioned table (by its distribution column) whose partitions live in schemas
// shard_0 .. shard_{n-1}, the way Citus places shards by hash of the key. The real application code then
// runs against it unchanged, and a probe reads PostgreSQL's per-transaction table statistics
// (pg_stat_xact_user_tables) after every statement to see which shard schemas it read or wrote: the
// shards a statement would touch on a sharded store. Used by the hot-query test and bench/shards.ts.
import type { Db } from "./client";
import type { Row, Sql } from "./sql";
import { TABLES } from "./distribution";

export const SHARD_SCHEMA = "shard_";

/** Rebuilds the distributed tables of a freshly migrated, empty database as `shards` hash partitions. */
export async function partitionByShard(sql: Sql, shards = 4): Promise<void> {
  const dist = Object.entries(TABLES).flatMap(([name, p]) => (p.kind === "distributed" ? [{ name, column: p.column }] : []));
  const names = dist.map((d) => d.name);
  // Everything that names these tables is read before they are renamed (the definitions keep the names).
  const fks = await sql.query<{ src: string; name: string; def: string }>(
    `SELECT c.conrelid::regclass::text AS src, c.conname AS name, pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c WHERE c.contype = 'f' AND c.conparentid = 0
        AND (c.conrelid::regclass::text = ANY($1::text[]) OR c.confrelid::regclass::text = ANY($1::text[]))`,
    [names],
  );
  const triggers = await sql.query<{ def: string }>(
    `SELECT pg_get_triggerdef(t.oid) AS def FROM pg_trigger t WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND t.tgrelid::regclass::text = ANY($1::text[])`,
    [names],
  );
  const sequences = await sql.query<{ seq: string }>(
    `SELECT s.oid::regclass::text AS seq FROM pg_class s JOIN pg_depend d ON d.objid = s.oid
      WHERE s.relkind = 'S' AND d.deptype = 'a' AND d.refobjid::regclass::text = ANY($1::text[])`,
    [names],
  );
  for (const fk of fks) await sql.exec(`ALTER TABLE ${fk.src} DROP CONSTRAINT "${fk.name}"`);
  for (const s of sequences) await sql.exec(`ALTER SEQUENCE ${s.seq} OWNED BY NONE`);
  for (let i = 0; i < shards; i++) await sql.exec(`CREATE SCHEMA IF NOT EXISTS ${SHARD_SCHEMA}${i}`);
  for (const { name, column } of dist) {
    await sql.exec(`ALTER TABLE "${name}" RENAME TO "${name}__flat"`);
    await sql.exec(
      `CREATE TABLE "${name}" (LIKE "${name}__flat" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES INCLUDING GENERATED) PARTITION BY HASH ("${column}")`,
    );
    for (let i = 0; i < shards; i++) {
      await sql.exec(`CREATE TABLE ${SHARD_SCHEMA}${i}."${name}" PARTITION OF "${name}" FOR VALUES WITH (MODULUS ${shards}, REMAINDER ${i})`);
    }
    await sql.exec(`DROP TABLE "${name}__flat" CASCADE`);
  }
  for (const fk of fks) await sql.exec(`ALTER TABLE ${fk.src} ADD CONSTRAINT "${fk.name}" ${fk.def}`);
  for (const t of triggers) await sql.exec(t.def);
}

export type StatementRecord = { text: string; shards: number[]; ms: number; label: string };

const SNAPSHOT = `SELECT schemaname AS s, sum(seq_scan + coalesce(idx_scan, 0) + n_tup_ins + n_tup_upd + n_tup_del)::float8 AS n
  FROM pg_stat_xact_user_tables WHERE schemaname LIKE 'shard\\_%' GROUP BY 1`;

/**
 * Records, for every statement the application runs through the wrapped Db, the shard schemas it read
 * or wrote. Statements outside a transaction are run in one of their own, so the per-transaction
 * statistics can be read on the same connection.
 */
export class ShardProbe {
  readonly records: StatementRecord[] = [];
  enabled = true;
  /** Set by a driver before each call: the path the following statements belong to. */
  label = "";

  private measured(inner: Sql): Sql {
    // The per-transaction counters may still hold earlier transactions' counts that the backend has not
    // flushed yet (PostgreSQL 15 flushes at most once a second): read the baseline before the first statement.
    let last: Map<string, number> | null = null;
    const snapshot = async () => new Map((await inner.query<{ s: string; n: number }>(SNAPSHOT)).map((r) => [r.s, r.n]));
    const records = this.records;
    const on = () => this.enabled;
    const label = () => this.label;
    return {
      async query<T = Row>(text: string, params?: unknown[]) {
        if (on() && last === null) last = await snapshot();
        const t0 = performance.now();
        const rows = await inner.query<T>(text, params);
        const ms = performance.now() - t0;
        if (!on()) return rows;
        const now = await snapshot();
        const shards: number[] = [];
        for (const [s, n] of now) if (n !== (last?.get(s) ?? 0)) shards.push(Number(s.slice(SHARD_SCHEMA.length)));
        last = now;
        records.push({ text, shards: shards.sort(), ms, label: label() });
        return rows;
      },
      async exec(text: string) {
        await inner.exec(text);
        if (on()) last = await snapshot();
      },
    };
  }

  /** The same database, with every statement measured. */
  wrap(db: Db): Db {
    const tx = <T>(fn: (sql: Sql) => Promise<T>) => db.tx((s) => fn(this.measured(s)));
    return {
      ...db,
      sql: {
        query: <T = Row>(text: string, params?: unknown[]) => tx((s) => s.query<T>(text, params)),
        exec: (text: string) => tx((s) => s.exec(text)),
      },
      tx,
    };
  }
}

/** Collapses literal differences so statements group by shape. */
export function statementShape(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
