// Benchmark: ingestion in batches of 100 on the embedded store (PGlite), side by side with a raw
// multi-row INSERT of the same rows into the same store in the same run; then with 5 active flows.
// Run with `npx tsx bench/ingest.ts [events]`.
import { PGlite } from "@electric-sql/pglite";
import { openDb, type Db } from "@/lib/db/client";
import { parseBatch } from "@/lib/ingest/messages";
import { ingest } from "@/lib/ingest/pipeline";
import { createFlow, publishFlow } from "@/lib/flows/store";

const EVENTS = Number(process.argv[2] ?? 20_000);
const BATCH = 100;
const USERS = 1_000;
const NAMES = ["Page Viewed", "Product Viewed", "Added to Cart", "Order Completed", "Searched"];

function batches(tag: string) {
  const out: Array<Array<Record<string, unknown>>> = [];
  const base = Date.now() - 3_600_000;
  for (let b = 0; b < EVENTS / BATCH; b++) {
    const batch: Array<Record<string, unknown>> = [];
    for (let i = 0; i < BATCH; i++) {
      const n = b * BATCH + i;
      batch.push({
        type: "track",
        userId: `user-${(n * 7919) % USERS}`,
        event: NAMES[n % NAMES.length],
        properties: { sku: `SKU-${n % 50}`, price: (n % 100) + 0.5, category: n % 2 ? "shoes" : "hats" },
        context: { library: { name: "bench" }, ip: "10.0.0.1" },
        timestamp: new Date(base + n * 10).toISOString(),
        messageId: `${tag}-${n}`,
      });
    }
    out.push(batch);
  }
  return out;
}

async function runPipeline(db: Db, tag: string, runFlows = true) {
  const data = batches(tag);
  const started = performance.now();
  for (const batch of data) {
    const parsed = parseBatch({ batch }, new Date());
    if (!parsed.ok) throw new Error(parsed.message);
    const out = await ingest(db, parsed.messages, { batch: true, runFlows });
    if (!out.ok) throw new Error(out.message);
  }
  return EVENTS / ((performance.now() - started) / 1000);
}

async function runRaw(db: Db, tag: string) {
  const data = batches(tag);
  const ids = new Map((await db.sql.query<{ id: string; user_id: string }>(`SELECT id, user_id FROM profiles WHERE user_id IS NOT NULL`)).map((r) => [r.user_id, r.id]));
  const started = performance.now();
  for (const batch of data) {
    const values: unknown[] = [];
    const rows = batch.map((m, i) => {
      values.push(ids.get(m.userId as string), "track", m.event, JSON.stringify(m.properties), JSON.stringify(m.context), m.timestamp, m.messageId);
      const k = i * 7;
      return `($${k + 1}, $${k + 2}, $${k + 3}, $${k + 4}::jsonb, $${k + 5}::jsonb, $${k + 6}::timestamptz, $${k + 7})`;
    });
    await db.tx((sql) => sql.query(`INSERT INTO events (profile_id, type, name, properties, context, "timestamp", message_id) VALUES ${rows.join(", ")}`, values));
  }
  return EVENTS / ((performance.now() - started) / 1000);
}

async function addFlows(db: Db) {
  for (let i = 0; i < 5; i++) {
    const flow = await createFlow(db, {
      name: `Bench ${i}`,
      graph: {
        nodes: [
          { id: "t", type: "trigger", data: { on: { type: "event", event: NAMES[i] } } },
          { id: "c", type: "condition", data: { if: { event: "Product Viewed", within: "P7D", count: { gte: 3 } } } },
          { id: "m", type: "message", data: { channel: "in_app", placement: `slot-${i}`, content: "Hi {{ user.id }}" } },
          { id: "x", type: "exit", data: {} },
        ],
        edges: [
          { id: "e1", source: "t", target: "c" },
          { id: "e2", source: "c", target: "m", sourceHandle: "yes" },
          { id: "e3", source: "c", target: "x", sourceHandle: "no" },
        ],
      },
      settings: { reentry: "always" },
    });
    await publishFlow(db, (flow as { id: string }).id);
  }
}

async function main() {
  const db = await openDb({ pglite: new PGlite() });
  // Warm up: create the profiles and JIT the code paths.
  await runPipeline(db, "warm");
  const rows: Array<[string, number]> = [];
  const raw = await runRaw(db, "raw");
  const pipeline = await runPipeline(db, "pipe");
  const noExecutor = await runPipeline(db, "noexec", false);
  rows.push(["raw multi-row INSERT (events only)", raw], ["ingestion pipeline, executor not called", noExecutor], ["ingestion pipeline, no flows", pipeline]);
  let withFlows: number | null = null;
  try {
    await addFlows(db);
    withFlows = await runPipeline(db, "flows");
    rows.push(["ingestion pipeline, 5 active flows", withFlows]);
  } catch (err) {
    console.error("flows run skipped:", err instanceof Error ? err.message : err);
  }
  const [{ events }] = await db.sql.query<{ events: number }>(`SELECT count(*)::int AS events FROM events`);
  console.log(`\nIngestion on PGlite (in memory), ${EVENTS} events per run, batches of ${BATCH}, ${USERS} users, ${events} events stored in total\n`);
  console.log("| run | events/s | vs raw |");
  console.log("|---|---:|---:|");
  for (const [name, rate] of rows) console.log(`| ${name} | ${Math.round(rate).toLocaleString("en-US")} | ${(rate / raw).toFixed(2)}× |`);
  console.log(`\ngoal: ≥ 10,000 events/s and ≥ 0.5× raw → ${pipeline >= 10_000 && pipeline >= raw / 2 ? "met" : "NOT met"} (no flows)`);
  await db.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
