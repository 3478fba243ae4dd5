// Profile: what one POST /api/v1/batch of 100 track events spends its database time on, statement by
// statement, in process (no HTTP): the same prepareIngest/commitIngest the route's group commit calls.
// Two cases, as bench/dataplane.ts loads them: events no flow listens to (PGlite by default), and events
// that 5 published flows each enter a run for (BENCH_PG=1: PostgreSQL). Each batch names 100 random users
// of 1,000, as bench/wrk/batch.lua does. Then the same batches from 16 concurrent senders through the
// group committer (the data plane's path under wrk), beside a raw multi-row INSERT of the same rows.
// Run: `npx tsx bench/batch-profile.ts [batches]` (BENCH_PG=1: on PostgreSQL; BENCH_EVENT: the event name)
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDb, type Db } from "@/lib/db/client";
import { createPgDatabase } from "@/lib/testing/db";
import { parseBatch } from "@/lib/ingest/messages";
import { commitIngest, ingest, prepareIngest, type PreparedIngest } from "@/lib/ingest/pipeline";
import { GroupCommitter } from "@/lib/ingest/group-commit";
import { createFlow, publishFlow } from "@/lib/flow-store/store";
import { clearFlowCache } from "@/lib/runtime/flow-cache";
import { statementTimer } from "./statement-timer";
import { fmt, uptimeLine } from "./support";

const N = Number(process.argv[2] ?? 100);
const ON_PG = process.env.BENCH_PG === "1";
const EVENT = process.env.BENCH_EVENT ?? (ON_PG ? "Bench Tracked" : "Nobody Listens");
const USERS = 1000;
const SIZE = 100;

const timer = statementTimer();
const stats = timer.stats;
const instrument = timer.instrument;

/** This process's CPU time in ms (user + system): steadier than wall time on a shared machine. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let cpuFrom = 0;

function report(title: string, requests: number, wallMs: number) {
  const cpu = cpuMs() - cpuFrom;
  console.log(`\n### ${title}: ${requests} batches of ${SIZE}, ${fmt((requests * SIZE * 1000) / wallMs)} events/s in process, ${fmt(cpu / requests, 2)} ms of this process's CPU a batch\n`);
  console.log("| statement | per batch | ms per batch |");
  console.log("|---|---:|---:|");
  for (const [k, s] of [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms)) console.log(`| \`${k}\` | ${fmt(s.n / requests, 2)} | ${fmt(s.ms / requests, 3)} |`);
  console.log(`| (everything, wall) | | ${fmt(wallMs / requests, 3)} |`);
  stats.clear();
}

let counter = 0;
/** One /batch body as bench/wrk/batch.lua sends it: 100 track events of random users, unique messageIds. */
function batchOf(event: string) {
  const batch = [];
  for (let i = 0; i < SIZE; i++) {
    counter++;
    batch.push({ type: "track", userId: `u-${Math.floor(Math.random() * USERS)}`, event, properties: { price: counter % 100 }, messageId: `bp-${counter}` });
  }
  const parsed = parseBatch({ batch }, new Date());
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.messages;
}

/** Raw multi-row INSERTs of the same kind of rows into an events-like table, batches of 100, one transaction each. */
async function rawInsert(db: Db, batches: number): Promise<number> {
  await db.sql.exec(`CREATE TABLE IF NOT EXISTS raw_events (id bigserial PRIMARY KEY, profile_id text NOT NULL, type text NOT NULL, name text NOT NULL, properties jsonb NOT NULL, context jsonb NOT NULL, "timestamp" timestamptz NOT NULL, received_at timestamptz NOT NULL DEFAULT now(), message_id text NOT NULL UNIQUE);
    CREATE INDEX IF NOT EXISTS raw_events_profile ON raw_events (profile_id, "timestamp");`);
  const t = performance.now();
  for (let b = 0; b < batches; b++) {
    const values: unknown[] = [];
    const text: string[] = [];
    for (let i = 0; i < SIZE; i++) {
      values.push(`p-${(b * SIZE + i) % USERS}`, EVENT, JSON.stringify({ price: i }), `raw-${b}-${i}`);
      text.push(`($${i * 4 + 1}, 'track', $${i * 4 + 2}, $${i * 4 + 3}::jsonb, '{}'::jsonb, now(), $${i * 4 + 4})`);
    }
    await db.tx((sql) => sql.query(`INSERT INTO raw_events (profile_id, type, name, properties, context, "timestamp", message_id) VALUES ${text.join(", ")}`, values));
  }
  return (batches * SIZE * 1000) / (performance.now() - t);
}

async function main() {
  console.log(`\n${uptimeLine()}`);
  let raw: Db;
  let drop: (() => Promise<void>) | null = null;
  let dataDir: string | null = null;
  if (ON_PG) {
    const created = await createPgDatabase("pathwise_batchprof");
    drop = created.drop;
    raw = await openDb({ databaseUrl: created.url, poolSize: 10 });
  } else {
    // On disk, as `npm start` keeps it.
    dataDir = mkdtempSync(path.join(os.tmpdir(), "pathwise-batchprof-"));
    raw = await openDb({ dataDir });
  }
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
    for (let b = 0; b < USERS; b += 100) {
      const batch = [];
      for (let i = b; i < b + 100; i++) batch.push({ type: "identify", userId: `u-${i}`, traits: { name: `User ${i}` } }, { type: "track", userId: `u-${i}`, event: "Bench Tracked" });
      const parsed = parseBatch({ batch }, new Date());
      if (!parsed.ok) throw new Error(parsed.message);
      await ingest(raw, parsed.messages, { batch: true });
    }
    // Warm up (JIT, plans, the flow cache).
    for (let i = 0; i < 5; i++) await ingest(raw, batchOf(EVENT), { batch: true });

    timer.recording = true;
    cpuFrom = cpuMs();
    let t = performance.now();
    for (let i = 0; i < N; i++) {
      const out = await ingest(db, batchOf(EVENT), { batch: true });
      if (!out.ok) throw new Error(out.message);
    }
    report(`/batch of ${SIZE} "${EVENT}" on ${ON_PG ? "PostgreSQL" : "PGlite"}, one transaction each`, N, performance.now() - t);

    // As the group commit writes them when several batches arrive together: 4 per transaction.
    const GROUP = 4;
    cpuFrom = cpuMs();
    t = performance.now();
    for (let g = 0; g < N; g += GROUP) {
      const group: PreparedIngest[] = [];
      for (let i = g; i < Math.min(N, g + GROUP); i++) {
        const prepared = await prepareIngest(db, batchOf(EVENT), { batch: true });
        if (!prepared.ok) throw new Error(prepared.message);
        group.push(prepared);
      }
      await commitIngest(db, group);
    }
    report(`/batch of ${SIZE} "${EVENT}" on ${ON_PG ? "PostgreSQL" : "PGlite"}, ${GROUP} batches per transaction`, N, performance.now() - t);
    timer.recording = false;

    // 16 senders at once through a group committer with the data plane's settings (as under wrk -c16).
    const committer = new GroupCommitter(db, {
      maxMessages: Number(process.env.PATHWISE_GROUP_COMMIT_MAX ?? 2000),
      concurrency: raw.kind === "pglite" ? 1 : Number(process.env.PATHWISE_GROUP_COMMIT_CONCURRENCY ?? 4),
    });
    const bodies = Array.from({ length: N }, () => batchOf(EVENT));
    let next = 0;
    const latencies: number[] = [];
    timer.recording = true;
    cpuFrom = cpuMs();
    t = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          const s = performance.now();
          const out = await committer.submit(body, { batch: true });
          if (!out.ok) throw new Error(out.message);
          latencies.push(performance.now() - s);
        }
      }),
    );
    const wall = performance.now() - t;
    const cpu = cpuMs() - cpuFrom;
    timer.recording = false;
    report(`/batch of ${SIZE} "${EVENT}" on ${ON_PG ? "PostgreSQL" : "PGlite"}, 16 concurrent senders through the group committer`, N, wall);
    latencies.sort((a, b) => a - b);
    const rate = (N * SIZE * 1000) / wall;
    cpuFrom = cpuMs();
    const rawRate = await rawInsert(raw, N);
    const rawCpu = cpuMs() - cpuFrom;
    console.log(`\n### 16 concurrent senders through the group committer: ${N} batches of ${SIZE}\n`);
    console.log("| what | events/s | CPU ms a batch (this process) | p50 ms | p99 ms |");
    console.log("|---|---:|---:|---:|---:|");
    console.log(`| /batch of ${SIZE} "${EVENT}" (group commit) | ${fmt(rate)} | ${fmt(cpu / N, 2)} | ${fmt(latencies[Math.floor(latencies.length / 2)], 1)} | ${fmt(latencies[Math.floor(latencies.length * 0.99)], 1)} |`);
    console.log(`| raw multi-row INSERT, batches of ${SIZE}, one sender | ${fmt(rawRate)} | ${fmt(rawCpu / N, 2)} | | |`);
    console.log(`| /batch ÷ raw | ${fmt(rate / rawRate, 2)}× | ${fmt(rawCpu / cpu, 2)}× | | |`);
  } finally {
    await raw.close();
    await drop?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`\n${uptimeLine()}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
