// Events partitioned by month on both stores: partitions ahead of time, stray timestamps kept in the
// default partition and moved when their month is created, retention that drops whole months, window
// queries answered from the index alone, and an upgrade of a store with data that keeps every row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openDb, type Db } from "./client";
import { createPgDatabase, STORES } from "@/lib/testing/db";
import { migrateSchema, readSchemaMigrations } from "./migrate";
import { pgSql, type Sql } from "./sql";
import { maintainEvents, MONTHS_AHEAD, retentionDays } from "@/lib/runtime/maintenance";

const DAY = 86_400_000;
const CITUS_READY = "20261130010000_citus_ready";

async function newProfile(sql: Sql, userId: string): Promise<string> {
  const [p] = await sql.query<{ id: string }>(`INSERT INTO profiles (user_id) VALUES ($1) RETURNING id`, [userId]);
  return p.id;
}

async function partitionOf(sql: Sql, messageId: string): Promise<string> {
  const [r] = await sql.query<{ part: string }>(`SELECT tableoid::regclass::text AS part FROM events WHERE message_id = $1`, [messageId]);
  return r?.part;
}

describe.each(STORES)("events partitions on $name", ({ kind, open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(() => db?.close());

  it("has monthly partitions from last month to months ahead, and an event lands in its month", async () => {
    const now = new Date();
    await maintainEvents(db.sql, now, null);
    const parts = (await db.sql.query<{ name: string }>(`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass`)).map((r) => r.name);
    const month = (d: Date) => `events_p${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
    const ahead = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + MONTHS_AHEAD, 1));
    expect(parts).toEqual(expect.arrayContaining([month(now), month(ahead), "events_default"]));
    const pid = await newProfile(db.sql, `now-${kind}`);
    await db.sql.query(`INSERT INTO events (profile_id, type, name, "timestamp", message_id) VALUES ($1, 'track', 'X', $2, 'in-month')`, [pid, now]);
    expect(await partitionOf(db.sql, "in-month")).toBe(month(now));
  });

  it("keeps a far-future event in the default partition and moves it when its month is created", async () => {
    const pid = await newProfile(db.sql, `future-${kind}`);
    const far = new Date(Date.UTC(2099, 4, 17, 12));
    await db.sql.query(`INSERT INTO events (profile_id, type, name, "timestamp", message_id) VALUES ($1, 'track', 'Later', $2, 'far-future')`, [pid, far]);
    expect(await partitionOf(db.sql, "far-future")).toBe("events_default");
    const r = await maintainEvents(db.sql, new Date(Date.UTC(2099, 3, 1)), null);
    expect(r.created).toBeGreaterThan(0);
    expect(await partitionOf(db.sql, "far-future")).toBe("events_p2099_05");
    const [{ n }] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE profile_id = $1`, [pid]);
    expect(n).toBe(1);
  });

  it("drops months older than the retention and forgets their messageId claims", async () => {
    const pid = await newProfile(db.sql, `old-${kind}`);
    const now = new Date(Date.UTC(2031, 6, 15));
    const old = new Date(now.getTime() - 400 * DAY);
    const recent = new Date(now.getTime() - 10 * DAY);
    await db.sql.query(`SELECT events_ensure_partitions($1, $2)`, [old, now]);
    await db.sql.query(`INSERT INTO events (profile_id, type, name, "timestamp", message_id) VALUES ($1, 'track', 'Old', $2, 'old-1'), ($1, 'track', 'New', $3, 'new-1')`, [pid, old, recent]);
    await db.sql.query(`INSERT INTO event_dedupe (profile_id, scope, message_id, received_at) VALUES ($1, 'user:x', 'old-1', $2), ($1, 'user:x', 'new-1', $3)`, [pid, old, recent]);
    const oldPart = await partitionOf(db.sql, "old-1");
    expect(oldPart).toMatch(/^events_p2030_/);
    const r = await maintainEvents(db.sql, now, 365);
    expect(r.dropped).toBeGreaterThan(0);
    expect(await partitionOf(db.sql, "old-1")).toBeUndefined();
    expect(await partitionOf(db.sql, "new-1")).toBe("events_p2031_07");
    expect(await db.sql.query(`SELECT 1 FROM pg_class WHERE relname = $1`, [oldPart])).toEqual([]);
    const claims = await db.sql.query<{ message_id: string }>(`SELECT message_id FROM event_dedupe WHERE profile_id = $1`, [pid]);
    expect(claims.map((c) => c.message_id)).toEqual(["new-1"]);
  });

  it("answers a profile's count of one event in a window from the index alone, in the window's partitions only", async () => {
    await db.sql.query(`SELECT events_ensure_partitions('2031-06-01T00:00:00Z', '2031-08-01T00:00:00Z')`);
    await db.sql.query(`INSERT INTO profiles (id) SELECT 'ix-' || i FROM generate_series(1, 100) i`);
    await db.sql.query(
      `INSERT INTO events (profile_id, type, name, "timestamp")
       SELECT 'ix-' || (i % 100 + 1), 'track', 'E' || (i % 5), '2031-06-20T00:00:00Z'::timestamptz + (i * interval '17 minutes') FROM generate_series(1, 3000) i`,
    );
    await db.sql.exec(`VACUUM ANALYZE events`);
    const rows = await db.sql.query<{ "QUERY PLAN": string }>(
      `EXPLAIN SELECT count(*) FROM events WHERE profile_id = 'ix-7' AND name = 'E2' AND "timestamp" >= '2031-07-01T00:00:00Z' AND "timestamp" < '2031-07-08T00:00:00Z'`,
    );
    const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
    expect(plan).toMatch(/Index Only Scan using events_p2031_07_profile_id_name_timestamp_idx/);
    expect(plan).not.toMatch(/events_p2031_06|events_p2031_08|events_default/);
  });
});

describe("retention setting", () => {
  it("reads PATHWISE_EVENTS_RETENTION_DAYS; unset, empty, zero or junk keep everything", () => {
    expect(retentionDays({})).toBeNull();
    expect(retentionDays({ PATHWISE_EVENTS_RETENTION_DAYS: "" })).toBeNull();
    expect(retentionDays({ PATHWISE_EVENTS_RETENTION_DAYS: "0" })).toBeNull();
    expect(retentionDays({ PATHWISE_EVENTS_RETENTION_DAYS: "soon" })).toBeNull();
    expect(retentionDays({ PATHWISE_EVENTS_RETENTION_DAYS: "395" })).toBe(395);
  });
});

/** Old-schema rows written before the migration, then read back after it. */
async function upgradeKeepsEveryRow(sql: Sql, runMigrations: (names: (n: string) => boolean) => Promise<void>) {
  await runMigrations((n) => n < CITUS_READY);
  const [flow] = await sql.query<{ id: string }>(`INSERT INTO flows (name, draft, status) VALUES ('F', '{}', 'active') RETURNING id`);
  const [ver] = await sql.query<{ id: string }>(`INSERT INTO flow_versions (flow_id, version, graph, settings) VALUES ($1, 1, '{}', '{}') RETURNING id`, [flow.id]);
  const summary = { v: 1, lastEventAt: 1_700_000_000_000, events: { Viewed: { total: 3, first: 1, last: 1_700_000_000_000, recent: [{ t: 1_700_000_000_000 }] }, Paid: { total: 1, first: 5, last: 5, recent: [] } } };
  const [p] = await sql.query<{ id: string }>(`INSERT INTO profiles (user_id, summary) VALUES ('old-user', $1::jsonb) RETURNING id`, [JSON.stringify(summary)]);
  await sql.query(`INSERT INTO identities (profile_id, kind, value) VALUES ($1, 'user', 'old-user'), ($1, 'anonymous', 'old-anon')`, [p.id]);
  for (let i = 0; i < 5; i++) {
    await sql.query(`INSERT INTO events (profile_id, type, name, "timestamp", message_id) VALUES ($1, 'track', 'Viewed', $2, $3)`, [p.id, new Date(Date.UTC(2023, i * 2, 3)), `old-m${i}`]);
  }
  const [run] = await sql.query<{ id: string }>(`INSERT INTO runs (flow_id, flow_version_id, version, profile_id, node_id, state) VALUES ($1, $2, 1, $3, 'w', '{}') RETURNING id`, [flow.id, ver.id, p.id]);
  await sql.query(`INSERT INTO steps (run_id, flow_id, node_id, result, key) VALUES ($1, $2, 't', 'next', 'old-step')`, [run.id, flow.id]);
  const [tp] = await sql.query<{ id: string }>(`INSERT INTO touchpoints (key, run_id, flow_id, node_id, profile_id, channel) VALUES ('old-tp', $1, $2, 'm', $3, 'webhook') RETURNING id`, [run.id, flow.id, p.id]);
  await sql.query(`INSERT INTO outcomes (touchpoint_id, flow_id, node_id, type) VALUES ($1, $2, 'm', 'sent')`, [tp.id, flow.id]);
  await sql.query(`INSERT INTO jobs (queue, key, payload) VALUES ('timer', 'timer:old', $1::jsonb), ('deliver', 'deliver:old-tp', '{"key":"old-tp"}'), ('import', 'import:x', '{}')`, [JSON.stringify({ runId: run.id })]);
  const [{ volume }] = await sql.query<{ volume: number }>(`SELECT sum(n)::int AS volume FROM event_volume`);

  await runMigrations(() => true);

  const one = async (q: string) => (await sql.query<{ n: number }>(q))[0].n;
  expect(await one(`SELECT count(*)::int AS n FROM events WHERE profile_id = '${p.id}'`)).toBe(5);
  expect(await one(`SELECT count(DISTINCT tableoid)::int AS n FROM events`)).toBe(5); // one month each
  expect(await one(`SELECT count(*)::int AS n FROM event_dedupe WHERE message_id LIKE 'old-m%'`)).toBe(10); // 5 ids x 2 identities
  expect(await one(`SELECT count(*)::int AS n FROM identity_directory WHERE profile_id = '${p.id}'`)).toBe(2);
  expect(await one(`SELECT count(*)::int AS n FROM identities WHERE profile_id = '${p.id}'`)).toBe(2);
  const sums = await sql.query<{ name: string; total: number }>(`SELECT name, (stats->>'total')::int AS total FROM event_summaries WHERE profile_id = $1 ORDER BY name`, [p.id]);
  expect(sums).toEqual([
    { name: "Paid", total: 1 },
    { name: "Viewed", total: 3 },
  ]);
  expect(await one(`SELECT count(*)::int AS n FROM steps WHERE profile_id = '${p.id}' AND key = 'old-step'`)).toBe(1);
  expect(await one(`SELECT count(*)::int AS n FROM outcomes WHERE profile_id = '${p.id}'`)).toBe(1);
  const jobs = await sql.query<{ queue: string; profile_id: string }>(`SELECT queue, profile_id FROM jobs ORDER BY queue`);
  expect(jobs).toEqual([
    { queue: "deliver", profile_id: p.id },
    { queue: "import", profile_id: "" },
    { queue: "timer", profile_id: p.id },
  ]);
  // The copy into the partitioned table did not count the events' volume twice.
  expect((await sql.query<{ volume: number }>(`SELECT sum(n)::int AS volume FROM event_volume`))[0].volume).toBe(volume);
  // New events still count, through the trigger on the partitioned table.
  await sql.query(`INSERT INTO events (profile_id, type, name, "timestamp") VALUES ($1, 'track', 'After', now())`, [p.id]);
  expect((await sql.query<{ volume: number }>(`SELECT sum(n)::int AS volume FROM event_volume`))[0].volume).toBe(volume + 1);
}

describe("upgrading a store with data", () => {
  it("keeps every row on PGlite", async () => {
    const db = await openDb({ pglite: new PGlite(), migrate: false });
    try {
      await upgradeKeepsEveryRow(db.sql, async (pick) => {
        await migrateSchema(db.sql, db.tx, readSchemaMigrations().filter((m) => pick(m.name)));
      });
    } finally {
      await db.close();
    }
  });

  it("keeps every row on PostgreSQL", async () => {
    const { url, drop } = await createPgDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const sql = pgSql(client as unknown as pg.PoolClient);
      const tx = async <T>(fn: (s: Sql) => Promise<T>) => {
        await client.query("BEGIN");
        try {
          const r = await fn(sql);
          await client.query("COMMIT");
          return r;
        } catch (err) {
          await client.query("ROLLBACK");
          throw err;
        }
      };
      await upgradeKeepsEveryRow(sql, async (pick) => {
        await migrateSchema(sql, tx, readSchemaMigrations().filter((m) => pick(m.name)));
      });
    } finally {
      await client.end();
      await drop();
    }
  });
});
