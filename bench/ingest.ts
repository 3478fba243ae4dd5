// Benchmark: ingestion in batches of 100, side by side with a raw multi-row INSERT of the same rows into
// the same store in the same run, with 0 active flows, with 5 active flows that listen to none of the
// events, and with 5 active flows that every event moves. Several rounds; best and median reported.
// Run: `npx tsx bench/ingest.ts [events per run]` (PGlite in memory), or with BENCH_PG=1 on a fresh
// database of the local PostgreSQL (PATHWISE_TEST_PG). BENCH_ROUNDS (default 3) rounds per row.
import { PGlite } from "@electric-sql/pglite";
import { openDb, type Db } from "@/lib/db/client";
import { createPgDatabase } from "@/lib/testing/db";
import { parseBatch } from "@/lib/ingest/messages";
import { ingest } from "@/lib/ingest/pipeline";
import { createFlow, publishFlow, setFlowStatus } from "@/lib/flows/store";
import { clearFlowCache } from "@/lib/runtime/flow-cache";

const EVENTS = Number(process.argv[2] ?? process.env.BENCH_EVENTS ?? 10_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const ON_PG = process.env.BENCH_PG === "1";
const BATCH = 100;
const USERS = 1_000;
const NAMES = ["Page Viewed", "Product Viewed", "Added to Cart", "Order Completed", "Searched"];

let tagSeq = 0;
function batches() {
  const tag = `r${tagSeq++}`;
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

/** Events per second of wall time, and (PGlite: the database runs in this process) per CPU second. */
type Rate = { wall: number; cpu: number };

async function measure(fn: () => Promise<void>): Promise<Rate> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  return { wall: EVENTS / wall, cpu: EVENTS / ((cpu.user + cpu.system) / 1e6) };
}

function runPipeline(db: Db, runFlows = true) {
  const data = batches();
  return measure(async () => {
    for (const batch of data) {
      const parsed = parseBatch({ batch }, new Date());
      if (!parsed.ok) throw new Error(parsed.message);
      const out = await ingest(db, parsed.messages, { batch: true, runFlows });
      if (!out.ok) throw new Error(out.message);
    }
  });
}

async function runRaw(db: Db) {
  const data = batches();
  const ids = new Map((await db.sql.query<{ id: string; user_id: string }>(`SELECT id, user_id FROM profiles WHERE user_id IS NOT NULL`)).map((r) => [r.user_id, r.id]));
  return measure(async () => {
    for (const batch of data) {
      const values: unknown[] = [];
      const rows = batch.map((m, i) => {
        values.push(ids.get(m.userId as string), "track", m.event, JSON.stringify(m.properties), JSON.stringify(m.context), m.timestamp, m.messageId);
        const k = i * 7;
        return `($${k + 1}, $${k + 2}, $${k + 3}, $${k + 4}::jsonb, $${k + 5}::jsonb, $${k + 6}::timestamptz, $${k + 7})`;
      });
      await db.tx((sql) => sql.query(`INSERT INTO events (profile_id, type, name, properties, context, "timestamp", message_id) VALUES ${rows.join(", ")}`, values));
    }
  });
}

/** Five flows; `listening`: each triggers on one of the bench's event names, else on names never sent. */
async function addFlows(db: Db, listening: boolean): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const flow = await createFlow(db, {
      name: `Bench ${listening ? "" : "idle "}${i}`,
      graph: {
        nodes: [
          { id: "t", type: "trigger", data: { on: { type: "event", event: listening ? NAMES[i] : `Never Sent ${i}` } } },
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
    const id = (flow as { id: string }).id;
    await publishFlow(db, id);
    ids.push(id);
  }
  return ids;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

type Row = { name: string; rates: Rate[]; raw: Rate[] };

async function main() {
  let db: Db;
  let drop: (() => Promise<void>) | null = null;
  if (ON_PG) {
    const created = await createPgDatabase("pathwise_bench");
    drop = created.drop;
    db = await openDb({ databaseUrl: created.url, poolSize: 4 });
  } else {
    db = await openDb({ pglite: new PGlite() });
  }
  clearFlowCache();
  const store = ON_PG ? "PostgreSQL (local server, one client)" : "PGlite (embedded, in memory)";
  const rows: Row[] = [];
  // Each row's runs alternate with a raw INSERT of as many rows, so both see the same store size and load.
  const phase = async (name: string, run: () => Promise<Rate>) => {
    const row: Row = { name, rates: [], raw: [] };
    for (let i = 0; i < ROUNDS; i++) {
      row.raw.push(await runRaw(db));
      row.rates.push(await run());
      console.error(`${name}, round ${i + 1}: ${fmt(row.rates[i].wall)} events/s (raw ${fmt(row.raw[i].wall)})`);
    }
    rows.push(row);
  };
  try {
    // Warm up: create the profiles and let the JIT see the code paths.
    await runPipeline(db);
    await phase("ingestion, executor not called", () => runPipeline(db, false));
    await phase("ingestion, 0 active flows", () => runPipeline(db));
    const idle = await addFlows(db, false);
    await phase("ingestion, 5 active flows listening to other events", () => runPipeline(db));
    for (const id of idle) await setFlowStatus(db, id, "paused");
    await addFlows(db, true);
    await runPipeline(db); // warm the executor's paths
    await phase("ingestion, 5 active flows (every event enters one)", () => runPipeline(db));

    const [{ events }] = await db.sql.query<{ events: number }>(`SELECT count(*)::int AS events FROM events`);
    const [{ runs }] = await db.sql.query<{ runs: number }>(`SELECT count(*)::int AS runs FROM runs`);
    console.log(`\nIngestion on ${store}: ${fmt(EVENTS)} events per run in batches of ${BATCH}, ${fmt(USERS)} users; ${ROUNDS} rounds per row, each beside a raw INSERT run; ${fmt(events)} events and ${fmt(runs)} runs stored at the end\n`);
    const cpuCols = ON_PG ? "" : " events per CPU-s (median) | raw per CPU-s |";
    console.log(`| run | events/s best | events/s median | raw INSERT events/s (median) | vs raw (median of ratios) |${cpuCols}`);
    console.log(`|---|---:|---:|---:|---:|${ON_PG ? "" : "---:|---:|"}`);
    for (const r of rows) {
      const ratios = r.rates.map((x, i) => x.wall / r.raw[i].wall);
      const cpu = ON_PG ? "" : ` ${fmt(median(r.rates.map((x) => x.cpu)))} | ${fmt(median(r.raw.map((x) => x.cpu)))} |`;
      console.log(`| ${r.name} | ${fmt(Math.max(...r.rates.map((x) => x.wall)))} | ${fmt(median(r.rates.map((x) => x.wall)))} | ${fmt(median(r.raw.map((x) => x.wall)))} | ${median(ratios).toFixed(2)}× |${cpu}`);
    }
    const zero = rows.find((r) => r.name === "ingestion, 0 active flows")!;
    const best = Math.max(...zero.rates.map((x) => x.wall));
    const ratio = median(zero.rates.map((x, i) => x.wall / zero.raw[i].wall));
    console.log(`\ngoal (0 flows): ≥ 10,000 events/s → ${best >= 10_000 ? "met" : "not met"} (best ${fmt(best)}); ≥ 0.5× raw → ${ratio >= 0.5 ? "met" : "not met"} (${ratio.toFixed(2)}×)`);
  } finally {
    await db.close();
    if (drop) await drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
