// Profile: which SQL statements one single-event ingestion and one /decide spend their database time
// on, in process (no HTTP): the same pipeline and decide functions the routes call, with every
// statement timed. Run: `npx tsx bench/sql-profile.ts [requests]` (BENCH_PG=1: on PostgreSQL)
import { PGlite } from "@electric-sql/pglite";
import { openDb, type Db } from "@/lib/db/client";
import { createPgDatabase } from "@/lib/testing/db";
import { parseBatch, parseMessage } from "@/lib/ingest/messages";
import { commitIngest, ingest, prepareIngest, type PreparedIngest } from "@/lib/ingest/pipeline";
import { decide } from "@/lib/runtime/decide";
import { createFlow, publishFlow } from "@/lib/flow-store/store";
import { clearFlowCache } from "@/lib/runtime/flow-cache";
import { insertSteps, type StepRow } from "@/lib/results/steps";
import { statementTimer } from "./statement-timer";
import { fmt } from "./support";

const N = Number(process.argv[2] ?? 300);
const ON_PG = process.env.BENCH_PG === "1";

const timer = statementTimer();
const stats = timer.stats;
const instrument = timer.instrument;

function report(title: string, requests: number, wallMs: number) {
  console.log(`\n### ${title} on ${ON_PG ? "PostgreSQL" : "PGlite"}: ${requests} requests, ${fmt((requests * 1000) / wallMs)}/s in process\n`);
  console.log("| statement | per request | ms per request |");
  console.log("|---|---:|---:|");
  for (const [k, s] of [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms)) console.log(`| \`${k}\` | ${fmt(s.n / requests, 2)} | ${fmt(s.ms / requests, 3)} |`);
  console.log(`| (everything, wall) | | ${fmt(wallMs / requests, 3)} |`);
  stats.clear();
}

// The statement trigger that added steps' node counters before migration 20261201060000, for the A/B below.
const FORMER_STEPS_TRIGGER = `
CREATE OR REPLACE FUNCTION bench_former_steps_insert() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_counters AS rc (flow_id, day, hour, metric, dim1, dim2, shard, n)
  SELECT r.flow_id, results_day(r.entered_at), results_hour(r.entered_at), 'node', f.node_id, '', results_shard(), count(*)
    FROM (SELECT DISTINCT profile_id, run_id, node_id FROM new_rows WHERE entered) f
    JOIN LATERAL (SELECT * FROM runs WHERE profile_id = f.profile_id AND id = f.run_id) r ON true
    WHERE (SELECT count(*) FROM steps s WHERE s.profile_id = f.profile_id AND s.run_id = f.run_id AND s.node_id = f.node_id AND s.entered
             AND NOT EXISTS (SELECT 1 FROM new_rows x WHERE x.profile_id = s.profile_id AND x.id = s.id)) = 0
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (flow_id, day, hour, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN NULL;
END $$;`;

/**
 * Steps with their node counters, the same rows both ways, alternating: insertSteps (one statement)
 * against a plain INSERT under the former statement trigger. The rows are those of a group commit of
 * 16 requests (the latest 80 runs' steps), deleted before each insert; only the insert is timed.
 */
async function stepsAB(db: Db) {
  const rows = await db.sql.query<StepRow>(
    `SELECT profile_id, run_id, flow_id, node_id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, result, reason, key, entered, node_type
       FROM steps WHERE run_id IN (SELECT id FROM runs ORDER BY entered_at DESC LIMIT 80)`,
  );
  await db.sql.exec(FORMER_STEPS_TRIGGER);
  const plain = `INSERT INTO steps (profile_id, run_id, flow_id, node_id, at, result, reason, key, entered, node_type)
    SELECT x.profile_id, x.run_id, x.flow_id, x.node_id, x.at, x.result, x.reason, x.key, x.entered, x.node_type
      FROM jsonb_to_recordset($1::jsonb) AS x(profile_id text, run_id text, flow_id text, node_id text, at timestamptz, result text, reason jsonb, key text, entered boolean, node_type text)
    ON CONFLICT (profile_id, key) DO NOTHING`;
  const keys = rows.map((r) => r.key);
  const times = { now: [] as number[], former: [] as number[] };
  for (let round = 0; round < 20; round++) {
    for (const way of round % 2 ? (["former", "now"] as const) : (["now", "former"] as const)) {
      await db.tx(async (sql) => {
        await sql.query(`DELETE FROM steps WHERE key = ANY($1::text[])`, [keys]);
        if (way === "former") await sql.exec(`CREATE TRIGGER bench_former_steps_insert AFTER INSERT ON steps REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bench_former_steps_insert()`);
        const t = performance.now();
        if (way === "now") await insertSteps(sql, rows);
        else await sql.query(plain, [JSON.stringify(rows)]);
        times[way].push(performance.now() - t);
        if (way === "former") await sql.exec(`DROP TRIGGER bench_former_steps_insert ON steps`);
      });
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\n### ${rows.length} steps of 80 runs with their node counters on ${ON_PG ? "PostgreSQL" : "PGlite"}, the same rows both ways, 20 alternating rounds\n`);
  console.log("| how | median ms | best ms |");
  console.log("|---|---:|---:|");
  console.log(`| INSERT under the former statement trigger | ${fmt(median(times.former), 2)} | ${fmt(Math.min(...times.former), 2)} |`);
  console.log(`| insertSteps: one statement (now) | ${fmt(median(times.now), 2)} | ${fmt(Math.min(...times.now), 2)} |`);
  console.log(`| now / former | ${fmt(median(times.now) / median(times.former), 2)}× | |`);
}

async function main() {
  let raw: Db;
  let drop: (() => Promise<void>) | null = null;
  if (ON_PG) {
    const created = await createPgDatabase("pathwise_sqlprof");
    drop = created.drop;
    raw = await openDb({ databaseUrl: created.url, poolSize: 4 });
  } else raw = await openDb({ pglite: new PGlite() });
  clearFlowCache();
  const db = instrument(raw);
  try {
    for (let i = 0; i < 5; i++) {
      const flow = await createFlow(raw, {
        name: `Bench ${i}`,
        graph: {
          nodes: [
            { id: "t1", type: "trigger", data: { on: { type: "event", event: "Bench Tracked" } } },
            { id: "m1", type: "message", data: { channel: "in_app", placement: i === 0 ? "bench-home" : `bench-${i}`, content: "Hi {{ user.name | default: 'there' }}" } },
          ],
          edges: [{ id: "e1", source: "t1", target: "m1" }],
        },
        settings: { reentry: "always" },
      });
      await publishFlow(raw, (flow as { id: string }).id);
    }
    for (let b = 0; b < 1000; b += 100) {
      const batch = [];
      for (let i = b; i < b + 100; i++) batch.push({ type: "identify", userId: `u-${i}`, traits: { name: `User ${i}` } }, { type: "track", userId: `u-${i}`, event: "Bench Tracked" });
      const parsed = parseBatch({ batch }, new Date());
      if (!parsed.ok) throw new Error(parsed.message);
      await ingest(raw, parsed.messages, { batch: true });
    }
    // What the rollup triggers on runs and events cost: the same requests with them switched off (figures only; counters go stale).
    if (process.env.BENCH_NO_ROLLUPS)
      await raw.sql.exec(`ALTER TABLE runs DISABLE TRIGGER results_runs_insert; ALTER TABLE runs DISABLE TRIGGER results_runs_update; ALTER TABLE events DISABLE TRIGGER results_events_insert`);
    timer.recording = true;
    let t = performance.now();
    for (let i = 0; i < N; i++) {
      const parsed = parseMessage("track", { userId: `u-${(i * 7919) % 1000}`, event: "Bench Tracked", properties: { price: i } }, new Date());
      if (!parsed.ok) throw new Error(parsed.message);
      const out = await ingest(db, parsed.messages);
      if (!out.ok) throw new Error(out.message);
    }
    report("one /track event (5 flows it enters), pipeline only", N, performance.now() - t);
    // The same requests as the data plane's group commit writes them under load: 16 at a time in one transaction.
    const GROUP = 16;
    t = performance.now();
    for (let g = 0; g < N; g += GROUP) {
      const group: PreparedIngest[] = [];
      for (let i = g; i < Math.min(N, g + GROUP); i++) {
        const parsed = parseMessage("track", { userId: `u-${(i * 7919 + 13) % 1000}`, event: "Bench Tracked", properties: { price: i } }, new Date());
        if (!parsed.ok) throw new Error(parsed.message);
        const prepared = await prepareIngest(db, parsed.messages);
        if (!prepared.ok) throw new Error(prepared.message);
        group.push(prepared);
      }
      await commitIngest(db, group);
    }
    report(`one /track event (5 flows it enters), ${GROUP} requests per group-commit transaction`, N, performance.now() - t);
    timer.recording = false;
    await stepsAB(raw);
    timer.recording = true;
    t = performance.now();
    for (let i = 0; i < N; i++) await decide(db.sql, { userId: `u-${(i * 7919) % 1000}`, placements: ["bench-home", "bench-none"] });
    report("one /decide (two placements), decide() only", N, performance.now() - t);
  } finally {
    await raw.close();
    await drop?.();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
