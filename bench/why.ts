// Benchmark: why-not on 1,000,000 events on PostgreSQL: the trigger funnel of a flow for 7 and 30 days
// (a bounded sample of the latest trigger events, replayed with the engine's explainEntry) and the why
// answer for one user. Run with `npx tsx bench/why.ts` (BENCH_EVENTS to change the size, BENCH_SAMPLE
// for the funnel's sample). Creates a fresh database on the local server (PATHWISE_TEST_PG), drops it.
import { openDb } from "@/lib/db/client";
import { createPgDatabase } from "@/lib/testing/db";
import { createFlow, publishFlow } from "@/lib/flow-store/store";
import { triggerFunnel } from "@/lib/why/trigger-funnel";
import { whyNot } from "@/lib/why/why-not";
import { medianTimer } from "./pg-bench-support";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 2000);
const USERS = Math.max(1, Math.round(EVENTS / 10));
const CHUNK = 200_000;
const DAYS = 30;
const DAY = 86_400_000;
const END = Date.now();
const START = END - DAYS * DAY;

const median = medianTimer(60);

async function main() {
  const { url, drop } = await createPgDatabase("pathwise_bench_why");
  const db = await openDb({ databaseUrl: url, poolSize: 4 });
  try {
    console.log(`Why-not benchmark: ${EVENTS.toLocaleString("en-US")} events of ${USERS.toLocaleString("en-US")} users over ${DAYS} days (PostgreSQL), funnel sample ${SAMPLE.toLocaleString("en-US")}`);
    const graph = {
      nodes: [
        { id: "t1", type: "trigger", data: { on: { type: "event", event: "Viewed Product", where: [{ property: "name", op: "eq", value: "Product A" }] } } },
        { id: "m1", type: "message", data: { channel: "in_app", placement: "home", content: "10% off" } },
      ],
      edges: [{ id: "e1", source: "t1", target: "m1" }],
    };
    const flow = await createFlow(db, { name: "Product A discount", graph, settings: { reentry: "never", rollout: 80 } });
    const published = await publishFlow(db, flow.id);
    // Published before the history: backdate the version so every event counts as live.
    await db.sql.query(`UPDATE flow_versions SET created_at = $2 WHERE id = $1`, [published.versionId, new Date(START - DAY)]);

    const loadStart = performance.now();
    await db.sql.query(`INSERT INTO profiles (id, user_id) SELECT 'p' || i, 'u' || i FROM generate_series(0, $1::int - 1) i`, [USERS]);
    await db.sql.query(`INSERT INTO identities (profile_id, kind, value) SELECT 'p' || i, 'user', 'u' || i FROM generate_series(0, $1::int - 1) i`, [USERS]);
    await db.sql.query(`INSERT INTO identity_directory (kind, value, profile_id) SELECT 'user', 'u' || i, 'p' || i FROM generate_series(0, $1::int - 1) i`, [USERS]);
    for (let from = 0; from < EVENTS; from += CHUNK) {
      const to = Math.min(EVENTS, from + CHUNK);
      // A third of the events are the trigger event; half of those name Product A.
      await db.sql.query(
        `INSERT INTO events (profile_id, type, name, properties, "timestamp", received_at)
         SELECT 'p' || (i % $3::int), 'track',
                CASE WHEN i % 3 = 0 THEN 'Viewed Product' WHEN i % 3 = 1 THEN 'Searched' ELSE 'Page Viewed' END,
                jsonb_build_object('name', CASE WHEN (i / 3) % 2 = 0 THEN 'Product A' ELSE 'Product B' END),
                to_timestamp(($4::bigint + (i::bigint * $5::bigint) / $6::bigint) / 1000.0),
                to_timestamp(($4::bigint + (i::bigint * $5::bigint) / $6::bigint) / 1000.0)
           FROM generate_series($1::int, $2::int - 1) i`,
        [from, to, USERS, START, DAYS * DAY, EVENTS],
      );
    }
    // Users who saw Product A entered once (as the executor would have, rollout aside).
    await db.sql.query(
      `INSERT INTO runs (id, flow_id, flow_version_id, version, profile_id, entry, status, node_id, holdout, state, entered_at, ended_at)
       SELECT $1 || ':' || e.profile_id || ':1', $1, $2, 1, e.profile_id, 1, 'completed', 'm1', false,
              jsonb_build_object('stateVersion', 1, 'nodeId', 'm1', 'status', 'completed', 'triggerNodeId', 't1', 'variants', '{}'::jsonb, 'visits', '{}'::jsonb),
              min(e."timestamp"), min(e."timestamp")
         FROM events e WHERE e.name = 'Viewed Product' AND e.properties->>'name' = 'Product A' AND (hashtext(e.profile_id) % 5) <> 0
        GROUP BY e.profile_id`,
      [flow.id, published.versionId],
    );
    // A table at rest has been vacuumed: counts can read the index alone, as in a running system.
    await db.sql.query(`VACUUM ANALYZE`);
    console.log(`  loaded in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

    // One warm-up call: compiled versions are cached and the first plans made, as in a running server.
    await triggerFunnel(db, flow.id, { from: new Date(START), to: new Date(END), limit: SAMPLE });
    console.log("Latency:");
    const f7 = await median("trigger funnel, last 7 days", 5, () => triggerFunnel(db, flow.id, { from: new Date(END - 7 * DAY), to: new Date(END), limit: SAMPLE }));
    const f30 = await median("trigger funnel, 30 days", 5, () => triggerFunnel(db, flow.id, { from: new Date(START), to: new Date(END), limit: SAMPLE }));
    const w = await median("why for one user (last 200 of their events)", 9, () => whyNot(db, "u42", { flowId: flow.id, events: 200 }));
    const sample = await triggerFunnel(db, flow.id, { from: new Date(START), to: new Date(END), limit: SAMPLE });
    console.log(`  one funnel (30 days): reading ${sample.timing.readMs} ms, replaying ${sample.timing.replayMs} ms`);
    console.log(`  funnel (30 days): ${sample.stages.map((s) => `${s.label}: ${s.users}`).join(" → ")}; sample ${sample.sample.events} of ${sample.sample.totalEvents} trigger events`);
    console.log(`Budget (500 ms): funnel ${f7 < 500 && f30 < 500 ? "within" : "OVER"}, why ${w < 500 ? "within" : "OVER"}`);
  } finally {
    await db.close();
    if (process.env.BENCH_KEEP) console.log(`Kept the database: ${url}`);
    else await drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
