// Benchmark: the results page's satisfaction and time-in-flow queries on PostgreSQL, for one flow with
// BENCH_RUNS runs (default 200,000, of which half finished) beside another flow of the same size, and
// one survey answer per fifth run. Run with `npx tsx bench/satisfaction.ts`. Creates a fresh database
// on the local server (PATHWISE_TEST_PG) and drops it.
import { openDb } from "@/lib/db/client";
import { createPgDatabase } from "@/lib/testing/db";
import { createFlow, publishFlow } from "@/lib/flow-store/store";
import { getSatisfaction, getTimeInFlow } from "@/lib/results/satisfaction";
import { medianTimer } from "./pg-bench-support";

const RUNS = Number(process.env.BENCH_RUNS ?? 200_000);
const DAY = 86_400_000;

const median = medianTimer(58);

async function main() {
  const { url, drop } = await createPgDatabase("pathwise_bench_sat");
  const db = await openDb({ databaseUrl: url, poolSize: 4 });
  try {
    console.log(`Satisfaction and time in flow: ${RUNS.toLocaleString("en-US")} runs per flow, two flows, ${(RUNS / 5).toLocaleString("en-US")} survey answers per flow (PostgreSQL)`);
    const graph = {
      nodes: [
        { id: "t1", type: "trigger", data: { on: { type: "event", event: "Go" } } },
        { id: "q1", type: "message", data: { channel: "in_app", placement: "survey", content: '<div data-pw-kind="survey" data-pw-scale="nps"></div>' } },
      ],
      edges: [{ id: "e1", source: "t1", target: "q1" }],
    };
    const flows: { id: string; versionId: string }[] = [];
    for (const name of ["Measured", "Neighbour"]) {
      const f = await createFlow(db, { name, graph });
      const p = await publishFlow(db, f.id);
      flows.push({ id: f.id, versionId: p.versionId });
    }
    const t0 = performance.now();
    const start = new Date(Date.now() - 30 * DAY);
    for (const f of flows) {
      // Profiles, runs (half finished: converted, completed or exited after up to 3 days), touchpoints
      // and answers, written by the server in set-based statements.
      await db.sql.query(
        `INSERT INTO profiles (id, user_id, traits) SELECT $2 || '-' || g, $2 || '-u' || g, '{}'::jsonb FROM generate_series(1, $1) g`,
        [RUNS, f.id],
      );
      await db.sql.query(
        `INSERT INTO runs (id, flow_id, flow_version_id, version, profile_id, status, entered_at, ended_at, converted_at)
         SELECT 'r' || g || $2, $2, $3, 1, $2 || '-' || g,
                CASE WHEN g % 2 = 0 THEN 'active' WHEN g % 3 = 0 THEN 'exited' ELSE 'completed' END,
                $4::timestamptz + (g % 30) * interval '1 day',
                CASE WHEN g % 2 = 1 THEN $4::timestamptz + (g % 30) * interval '1 day' + (g % 259200) * interval '1 second' END,
                CASE WHEN g % 7 = 0 THEN $4::timestamptz + (g % 30) * interval '1 day' + (g % 86400) * interval '1 second' END
           FROM generate_series(1, $1) g`,
        [RUNS, f.id, f.versionId, start],
      );
      await db.sql.query(
        `INSERT INTO touchpoints (id, key, run_id, flow_id, node_id, profile_id, channel, placement, content, status, payload)
         SELECT 't' || g || $2, 'k' || g || $2, 'r' || g || $2, $2, 'q1', $2 || '-' || g, 'in_app', 'survey', '<div data-pw-kind="survey"></div>', 'ready',
                jsonb_build_object('variants', jsonb_build_object('s1', CASE WHEN g % 2 = 0 THEN 'a' ELSE 'b' END))
           FROM generate_series(5, $1, 5) g`,
        [RUNS, f.id],
      );
      await db.sql.query(
        `INSERT INTO outcomes (profile_id, touchpoint_id, flow_id, node_id, type, at, details)
         SELECT $2 || '-' || g, 't' || g || $2, $2, 'q1', 'answered', $3::timestamptz + (g % 30) * interval '1 day', jsonb_build_object('score', g % 11, 'scale', 'nps')
           FROM generate_series(5, $1, 5) g`,
        [RUNS, f.id, start],
      );
    }
    await db.sql.query(`ANALYZE`);
    console.log(`  seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const flowId = flows[0].id;
    const last7 = { from: new Date(Date.now() - 7 * DAY) };
    await median("time in flow, all runs of the flow", 7, () => getTimeInFlow(db.sql, flowId, {}));
    await median("time in flow, runs that entered in the last 7 days", 7, () => getTimeInFlow(db.sql, flowId, last7));
    await median("satisfaction (flow, step, variant), all answers", 7, () => getSatisfaction(db.sql, flowId, {}));
    await median("satisfaction, answers of the last 7 days", 7, () => getSatisfaction(db.sql, flowId, last7));
    const t = await getTimeInFlow(db.sql, flowId, {});
    console.log(`  result: ${t.all.runs} finished runs, median ${t.all.medianSeconds?.toFixed(0)} s, p90 ${t.all.p90Seconds?.toFixed(0)} s`);
  } finally {
    await db.close();
    await drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
