// The trigger-kept rollups equal a from-scratch count after mixed inserts, updates and deletes, on both
// stores; on PostgreSQL also under concurrent writers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { STORES } from "@/lib/testing/db";
import { cohortCounts, readCounters, scanCounters, type Counts } from "./counters";
import { getFlowStats } from "./stats";
import { mixedWrites, seedFlow } from "./rollup-scenario";

const plain = (c: Counts) => Object.fromEntries([...c].filter(([, v]) => v !== 0).sort(([a], [b]) => a.localeCompare(b)));

async function checkRollupsEqualScan(db: Db, seed: number, ops: number) {
  const start = new Date("2026-03-01T00:00:00Z");
  const { flowId, versionId } = await seedFlow(db, `Flow ${seed}`);
  const other = await seedFlow(db, `Other ${seed}`);
  await mixedWrites(db, flowId, versionId, { seed, ops, start, days: 6 });
  await mixedWrites(db, other.flowId, other.versionId, { seed: seed + 1, ops: Math.floor(ops / 4), start, days: 6 });

  const rolled = await readCounters(db.sql, flowId, {});
  const scanned = await scanCounters(db.sql, flowId, null, null);
  expect(plain(rolled)).toEqual(plain(scanned));
  expect(rolled.size).toBeGreaterThan(10);

  // Ranges with partial hours at both ends, whole hours, whole days, and a range inside one hour.
  const ranges: [Date, Date][] = [
    [new Date("2026-03-02T05:30:00Z"), new Date("2026-03-05T17:15:00Z")],
    [new Date("2026-03-03T01:00:00Z"), new Date("2026-03-03T23:00:00Z")],
    [new Date("2026-03-02T00:00:00Z"), new Date("2026-03-04T00:00:00Z")],
    [new Date("2026-03-03T03:10:00Z"), new Date("2026-03-03T03:50:00Z")],
  ];
  for (const [from, to] of ranges) {
    expect(plain(await cohortCounts(db.sql, flowId, { from, to }))).toEqual(plain(await scanCounters(db.sql, flowId, from, to)));
  }

  // The contract numbers against plain counts of the raw rows.
  const stats = await getFlowStats(db.sql, flowId, {});
  const [raw] = await db.sql.query<{ entered: number; active: number; completed: number; converted: number; h: number; hc: number }>(
    `SELECT count(*) AS entered, count(*) FILTER (WHERE status IN ('active', 'waiting')) AS active,
            count(*) FILTER (WHERE status IN ('completed', 'exited')) AS completed, count(converted_at) AS converted,
            count(*) FILTER (WHERE holdout) AS h, count(converted_at) FILTER (WHERE holdout) AS hc
       FROM runs WHERE flow_id = $1`,
    [flowId],
  );
  expect(stats).toMatchObject({ entered: raw.entered, active: raw.active, completed: raw.completed, converted: raw.converted, holdout: { entered: raw.h, converted: raw.hc } });
  const m1 = await db.sql.query<{ n: number }>(`SELECT count(DISTINCT run_id) AS n FROM steps WHERE flow_id = $1 AND node_id = 'm1' AND entered`, [flowId]);
  expect(stats.nodes.m1.entered).toBe(m1[0].n);
  const shown = await db.sql.query<{ n: number }>(`SELECT count(*) AS n FROM outcomes WHERE flow_id = $1 AND node_id = 'm1' AND type = 'shown'`, [flowId]);
  expect(stats.nodes.m1.outcomes.shown ?? 0).toBe(shown[0].n);
  const vb = await db.sql.query<{ n: number }>(`SELECT count(*) AS n FROM runs WHERE flow_id = $1 AND NOT holdout AND state -> 'variants' ->> 's1' = 'b'`, [flowId]);
  expect(stats.variants.s1.b.entered).toBe(vb[0].n);

  // Deleting a flow drops its counters and leaves the other flow's intact.
  const before = plain(await readCounters(db.sql, other.flowId, {}));
  await db.sql.query(`DELETE FROM flows WHERE id = $1`, [flowId]);
  expect((await readCounters(db.sql, flowId, {})).size).toBe(0);
  expect(plain(await readCounters(db.sql, other.flowId, {}))).toEqual(before);
  expect(plain(await readCounters(db.sql, other.flowId, {}))).toEqual(plain(await scanCounters(db.sql, other.flowId, null, null)));

  // The rebuild function gives the same counters as the triggers did.
  await db.sql.query(`SELECT results_rebuild($1)`, [other.flowId]);
  expect(plain(await readCounters(db.sql, other.flowId, {}))).toEqual(before);
}

describe.each(STORES)("results rollups on $name", ({ name, open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => db?.close());

  it("equal a count from scratch after mixed inserts, updates and deletes", async () => {
    if (name === "PGlite") await checkRollupsEqualScan(db, 7, 400);
    else await checkRollupsEqualScan(db, 11, 600);
  });

  it("stay exact under concurrent writers", async () => {
    await Promise.all([checkRollupsEqualScan(db, 21, 150), checkRollupsEqualScan(db, 31, 150)]);
  });
});
