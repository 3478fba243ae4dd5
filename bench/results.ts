// Benchmark: results queries on a flow with 1,000,000 runs and 10,000,000 steps on PostgreSQL,
// answered from the trigger-kept rollups versus a naive scan of the raw tables; plus what the
// triggers cost per written row. Run with `npx tsx bench/results.ts` (BENCH_RUNS to change the size).
// Creates a fresh database on the local server (PATHWISE_TEST_PG) and drops it at the end.
import { openDb, type Db } from "@/lib/db/client";
import { createPgDatabase } from "@/lib/testing/db";
import { getFlowResults } from "@/lib/results/results";
import { getFlowStats } from "@/lib/results/stats";
import { scanCounters } from "@/lib/results/counters";

const RUNS = Number(process.env.BENCH_RUNS ?? 1_000_000);
const CHUNK = 100_000;
const DAYS = 60;
const START = Date.UTC(2026, 0, 1);

const graph = {
  nodes: [
    { id: "t1", type: "trigger", data: { on: { type: "event", event: "Product Viewed" } } },
    { id: "s1", type: "split", data: { branches: [{ id: "a", weight: 50, label: "Control" }, { id: "b", weight: 50, label: "Discount" }] } },
    { id: "ma", type: "message", data: { channel: "in_app", placement: "home", content: "Hello" } },
    { id: "mb", type: "message", data: { channel: "in_app", placement: "home", content: "10% off" } },
    { id: "w1", type: "wait", data: { for: "P1D" } },
    { id: "c1", type: "condition", data: { if: { trait: "plan", op: "eq", value: "pro" } } },
    { id: "m2", type: "message", data: { channel: "email", subject: "Hi", body: "Hi" } },
    { id: "u1", type: "update", data: { set: { nudged: true } } },
    { id: "w2", type: "wait", data: { for: "P2D" } },
    { id: "m3", type: "message", data: { channel: "webhook", url: "https://example.com/hook" } },
    { id: "x1", type: "exit", data: {} },
  ],
  edges: [
    { id: "e1", source: "t1", target: "s1" },
    { id: "e2", source: "s1", target: "ma", sourceHandle: "a" },
    { id: "e3", source: "s1", target: "mb", sourceHandle: "b" },
    { id: "e4", source: "ma", target: "w1" },
    { id: "e5", source: "mb", target: "w1" },
    { id: "e6", source: "w1", target: "c1" },
    { id: "e7", source: "c1", target: "m2", sourceHandle: "yes" },
    { id: "e8", source: "c1", target: "u1", sourceHandle: "no" },
    { id: "e9", source: "m2", target: "w2" },
    { id: "e10", source: "u1", target: "w2" },
    { id: "e11", source: "w2", target: "m3" },
    { id: "e12", source: "m3", target: "x1" },
  ],
};

async function createFlow(db: Db, name: string) {
  const [flow] = await db.sql.query<{ id: string }>(`INSERT INTO flows (name, draft, status, version) VALUES ($1, $2, 'active', 1) RETURNING id`, [
    name,
    JSON.stringify({ schemaVersion: 1, graph, settings: { goal: { event: "Order Completed" }, holdout: 10 } }),
  ]);
  const [v] = await db.sql.query<{ id: string }>(`INSERT INTO flow_versions (flow_id, version, graph, settings) VALUES ($1, 1, $2, $3) RETURNING id`, [
    flow.id,
    JSON.stringify(graph),
    JSON.stringify({ goal: { event: "Order Completed" }, holdout: 10 }),
  ]);
  await db.sql.query(`UPDATE flows SET active_version_id = $2 WHERE id = $1`, [flow.id, v.id]);
  return { flowId: flow.id, versionId: v.id };
}

// Deterministic pseudo-random per run number i: h(i, salt) in [0, 1000).
const h = (salt: number) => `(((i::bigint * ${2654435761 + salt * 40503}) # (i::bigint >> 3)) % 1000 + 1000) % 1000`;

/** Inserts runs [from, to) with ~10 steps each, touchpoints and outcomes at the message nodes. */
async function insertChunk(sql: Db["sql"], f: { flowId: string; versionId: string }, prefix: string, from: number, to: number) {
  await sql.query(`INSERT INTO profiles (id, user_id) SELECT $1 || i, $1 || i FROM generate_series($2::int, $3::int - 1) i`, [prefix, from, to]);
  await sql.query(
    `INSERT INTO runs (id, flow_id, flow_version_id, version, profile_id, status, node_id, holdout, state, entered_at, ended_at, converted_at)
     SELECT $1 || i, $2, $3, 1, $1 || i,
            CASE WHEN ${h(1)} < 700 THEN 'completed' WHEN ${h(1)} < 900 THEN 'waiting' ELSE 'exited' END,
            'x1', ${h(2)} < 100,
            jsonb_build_object('variants', jsonb_build_object('s1', CASE WHEN ${h(3)} < 500 THEN 'a' ELSE 'b' END)),
            to_timestamp(${START / 1000} + (i::bigint * 86400 * ${DAYS}) / ${RUNS}::bigint + ${h(4)}),
            CASE WHEN ${h(1)} < 700 OR ${h(1)} >= 900 THEN to_timestamp(${START / 1000} + (i::bigint * 86400 * ${DAYS}) / ${RUNS}::bigint + 259200) END,
            CASE WHEN ${h(5)} < (CASE WHEN ${h(3)} < 500 THEN 100 ELSE 125 END)
                 THEN to_timestamp(${START / 1000} + (i::bigint * 86400 * ${DAYS}) / ${RUNS}::bigint + ${h(6)} * 400) END
       FROM generate_series($4::int, $5::int - 1) i`,
    [prefix, f.flowId, f.versionId, from, to],
  );
  await sql.query(
    `INSERT INTO steps (profile_id, run_id, flow_id, node_id, at, result, key, entered)
     SELECT $1 || i, $1 || i, $2, n.node, to_timestamp(${START / 1000} + (i::bigint * 86400 * ${DAYS}) / ${RUNS}::bigint + n.ord * 3600), 'next', $1 || i || ':' || n.ord, n.ord <> 5
       FROM generate_series($3::int, $4::int - 1) i,
            LATERAL unnest(ARRAY['t1', 's1', CASE WHEN ${h(3)} < 500 THEN 'ma' ELSE 'mb' END, 'w1', 'w1', 'c1',
                                 CASE WHEN ${h(7)} < 400 THEN 'm2' ELSE 'u1' END, 'w2', 'm3', 'x1']) WITH ORDINALITY AS n(node, ord)`,
    [prefix, f.flowId, from, to],
  );
  // One in-app touchpoint per run (ma or mb) and a webhook at m3, with their outcomes.
  await sql.query(
    `INSERT INTO touchpoints (id, key, run_id, flow_id, node_id, profile_id, channel, status)
     SELECT $1 || i || t.node, $1 || i || t.node, $1 || i, $2, t.node, $1 || i, t.channel, 'sent'
       FROM generate_series($3::int, $4::int - 1) i,
            LATERAL (VALUES (CASE WHEN ${h(3)} < 500 THEN 'ma' ELSE 'mb' END, 'in_app'), ('m3', 'webhook')) t(node, channel)`,
    [prefix, f.flowId, from, to],
  );
  await sql.query(
    `INSERT INTO outcomes (profile_id, touchpoint_id, flow_id, node_id, type, at)
     SELECT $1 || i, $1 || i || o.node, $2, o.node, o.type, to_timestamp(${START / 1000} + (i::bigint * 86400 * ${DAYS}) / ${RUNS}::bigint + 7200)
       FROM generate_series($3::int, $4::int - 1) i,
            LATERAL (VALUES (CASE WHEN ${h(3)} < 500 THEN 'ma' ELSE 'mb' END, 'shown', true),
                            (CASE WHEN ${h(3)} < 500 THEN 'ma' ELSE 'mb' END, 'clicked', ${h(8)} < 150),
                            ('m3', CASE WHEN ${h(9)} < 30 THEN 'failed' ELSE 'sent' END, true)) o(node, type, keep)
      WHERE o.keep`,
    [prefix, f.flowId, from, to],
  );
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

async function median(label: string, times: number, fn: () => Promise<unknown>) {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) ms.push((await time(fn))[0]);
  ms.sort((a, b) => a - b);
  const m = ms[Math.floor(ms.length / 2)];
  console.log(`  ${label.padEnd(58)} median ${m.toFixed(1).padStart(8)} ms  (min ${ms[0].toFixed(1)}, max ${ms[ms.length - 1].toFixed(1)}, n=${times})`);
  return m;
}

async function main() {
  // BENCH_URL: measure again on a database an earlier run kept (BENCH_KEEP=1), without generating it.
  const reuse = process.env.BENCH_URL;
  const { url, drop } = reuse ? { url: reuse, drop: async () => undefined } : await createPgDatabase("pathwise_bench");
  const db = await openDb({ databaseUrl: url, poolSize: 4 });
  try {
    if (reuse) {
      const [big] = await db.sql.query<{ id: string }>(`SELECT id FROM flows WHERE name = 'Big flow'`);
      await db.sql.exec("ANALYZE");
      await measure(db, big.id);
      return;
    }
    console.log(`Results benchmark: ${RUNS.toLocaleString("en-US")} runs, ~${(RUNS * 10).toLocaleString("en-US")} steps, ${(RUNS * 3.15).toLocaleString("en-US")} outcomes (PostgreSQL)`);

    // 1. What the triggers cost: the same 20,000 runs written with and without them.
    const small = 20_000;
    const withT = await createFlow(db, "trigger cost (on)");
    const [onMs] = await time(() => db.tx((sql) => insertChunk(sql, withT, "on-", 0, small)));
    const withoutT = await createFlow(db, "trigger cost (off)");
    const [offMs] = await time(() =>
      db.tx(async (sql) => {
        await sql.exec("SET LOCAL session_replication_role = replica");
        await insertChunk(sql, withoutT, "off-", 0, small);
      }),
    );
    const rows = small * (1 + 1 + 10 + 2 + 3.15);
    console.log(`Trigger cost on bulk inserts (${small.toLocaleString("en-US")} runs, ~${Math.round(rows).toLocaleString("en-US")} rows): ${onMs.toFixed(0)} ms with triggers, ${offMs.toFixed(0)} ms without (+${(((onMs - offMs) / rows) * 1000).toFixed(2)} µs per row)`);

    // 2. The big flow: bulk-loaded with triggers off (as a restore would), then rolled up once.
    const big = await createFlow(db, "Big flow");
    const t0 = performance.now();
    for (let from = 0; from < RUNS; from += CHUNK) {
      const to = Math.min(RUNS, from + CHUNK);
      await db.tx(async (sql) => {
        await sql.exec("SET LOCAL session_replication_role = replica");
        await insertChunk(sql, big, "big-", from, to);
      });
      process.stdout.write(`\r  loaded ${to.toLocaleString("en-US")} runs in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    console.log();
    const [rebuildMs] = await time(() => db.sql.query(`SELECT results_rebuild($1)`, [big.flowId]));
    await db.sql.exec("ANALYZE");
    const [counts] = await db.sql.query<{ runs: number; steps: number; outcomes: number; counters: number }>(
      `SELECT (SELECT count(*) FROM runs WHERE flow_id = $1) AS runs, (SELECT count(*) FROM steps WHERE flow_id = $1) AS steps,
              (SELECT count(*) FROM outcomes WHERE flow_id = $1) AS outcomes, (SELECT count(*) FROM result_counters WHERE flow_id = $1) AS counters`,
      [big.flowId],
    );
    console.log(`  rows: ${counts.runs.toLocaleString("en-US")} runs, ${counts.steps.toLocaleString("en-US")} steps, ${counts.outcomes.toLocaleString("en-US")} outcomes → ${counts.counters.toLocaleString("en-US")} counter rows (rebuild ${(rebuildMs / 1000).toFixed(1)} s)`);

    await measure(db, big.flowId);
  } finally {
    await db.close();
    if (process.env.BENCH_KEEP) console.log(`Kept the database: ${url}`);
    else await drop();
  }
}

async function measure(db: Db, flowId: string) {
  const big = { flowId };
  {
    // 3. Latency: rollups vs naive scan.
    const [size] = await db.sql.query<{ runs: number; counters: number }>(
      `SELECT (SELECT count(*) FROM runs WHERE flow_id = $1) AS runs, (SELECT count(*) FROM result_counters WHERE flow_id = $1) AS counters`,
      [flowId],
    );
    console.log(`Measuring on ${size.runs.toLocaleString("en-US")} runs (${size.counters.toLocaleString("en-US")} counter rows)`);
    const from = new Date(START + 10 * 86_400_000 + 5 * 3_600_000);
    const to = new Date(START + 40 * 86_400_000 + 17 * 3_600_000);
    console.log("Query latency:");
    const r1 = await median("stats, whole history (rollups)", 9, () => getFlowStats(db.sql, big.flowId, {}));
    const r2 = await median("results page, whole history (rollups)", 9, () => getFlowResults(db.sql, big.flowId, {}));
    const r3 = await median("results page, 30 days with partial edge days (rollups+scan)", 5, () => getFlowResults(db.sql, big.flowId, { from, to }));
    if (process.env.BENCH_NAIVE !== "0") {
      const n1 = await median("stats, whole history (naive scan)", 1, () => scanCounters(db.sql, big.flowId, null, null));
      const n2 = await median("stats, same 30 days (naive scan)", 3, () => scanCounters(db.sql, big.flowId, from, to));
      console.log(`Speed-up: ${(n1 / r1).toFixed(0)}x (whole history), ${(n2 / r3).toFixed(0)}x (30-day range incl. the whole results page)`);
    }
    console.log(`Budget: results page ${r2 < 500 && r3 < 500 ? "within" : "OVER"} 500 ms`);
    const check = await getFlowStats(db.sql, big.flowId, {});
    console.log(`Sanity: entered ${check.entered.toLocaleString("en-US")}, converted ${check.converted.toLocaleString("en-US")}, node m3 ${check.nodes.m3.entered.toLocaleString("en-US")}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
