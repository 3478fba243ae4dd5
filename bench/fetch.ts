// Benchmark: the fetch node's cache. A local node:http receiver stands in for the user's API (it answers
// after BENCH_API_MS, default 25 ms, like a real service) and counts every call it gets. Figures:
//   1. fetchWithCache alone: N distinct requests cold (each a call), then the same N warm (no call).
//   2. The fetch job, as the worker runs it: N users enter a flow trigger → fetch (cacheFor PT1H) → in-app;
//      each user's fetch job is claimed and run (call or cache, resume the run, write the message); all
//      share one rendered request, so
//      the first user's job calls the API and every later one is answered by the cache.
// Run with `npx tsx bench/fetch.ts` (PGlite in memory) or BENCH_PG=1 (a fresh database on the local
// PostgreSQL, dropped afterwards). BENCH_N sets N (default 200).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { openDb, type Db } from "@/lib/db/client";
import { createPgDatabase, pgliteTestDb } from "@/lib/testing/db";
import { fetchWithCache } from "@/lib/runtime/fetch";
import { ingest, publish, seedProfile } from "@/lib/testing/runtime";
import { claimJobs, runJob } from "@/lib/runtime/jobs";
import { registerHandlers } from "@/lib/runtime/handlers";

const N = Number(process.env.BENCH_N ?? 200);
const API_MS = Number(process.env.BENCH_API_MS ?? 25);

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: q(0.5), p99: q(0.99), n: s.length };
}

async function main() {
  let calls = 0;
  const receiver = http.createServer((req, res) => {
    calls++;
    setTimeout(() => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ title: "Your first dashboard", path: req.url }));
    }, API_MS);
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  process.env.PATHWISE_WEBHOOK_ALLOWLIST = "127.0.0.1";
  registerHandlers();

  let db: Db;
  let drop: (() => Promise<void>) | null = null;
  if (process.env.BENCH_PG) {
    const made = await createPgDatabase("pathwise_bench_fetch");
    drop = made.drop;
    db = await openDb({ databaseUrl: made.url, poolSize: 4 });
  } else db = await pgliteTestDb();
  const store = process.env.BENCH_PG ? "PostgreSQL" : "PGlite";
  try {
    console.log(`Fetch node benchmark on ${store}: N=${N}, the API answers after ${API_MS} ms`);
    console.log("| path | calls to the API | p50 ms | p99 ms |");
    console.log("|---|---:|---:|---:|");
    const row = (label: string, c: number, ms: number[]) => {
      const s = stats(ms);
      console.log(`| ${label} | ${c} | ${s.p50.toFixed(2)} | ${s.p99.toFixed(2)} |`);
    };

    // 1. The cache lookup alone.
    const req = (i: number) => ({ url: `${base}/tutorials?user=${i}`, method: "GET" as const, headers: {} });
    let before = calls;
    const cold: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      const a = await fetchWithCache(db.sql, req(i), 5000, 3_600_000);
      cold.push(performance.now() - t);
      if (!a.ok || a.cached) throw new Error("a cold request should be a successful call");
    }
    row(`fetchWithCache, cold (${N} distinct requests)`, calls - before, cold);
    before = calls;
    const warm: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      const a = await fetchWithCache(db.sql, req(i), 5000, 3_600_000);
      warm.push(performance.now() - t);
      if (!a.ok || !a.cached) throw new Error("a warm request should come from the cache");
    }
    row(`fetchWithCache, warm (the same ${N})`, calls - before, warm);

    // 2. Through the worker: ingest → fetch job → run resumed → in-app message.
    await publish(db, "Bench fetch", {
      nodes: [
        { id: "t1", type: "trigger", data: { on: { type: "event", event: "Bench Fetch" } } },
        { id: "f1", type: "fetch", data: { url: `${base}/tutorials?role={{ user.role }}`, as: "tut", cacheFor: "PT1H" } },
        { id: "m1", type: "message", data: { channel: "in_app", placement: "p", content: "{{ data.tut.title }}" } },
      ],
      edges: [
        { id: "e1", source: "t1", target: "f1" },
        { id: "e2", source: "f1", target: "m1" },
      ],
    });
    const resume: number[] = [];
    let firstCalls = 0;
    before = calls;
    for (let i = 0; i < N; i++) {
      const pid = await seedProfile(db, `bench-fetch-${i}`, { role: "admin" });
      await ingest(db, pid, [{ name: "Bench Fetch" }]);
      // The fetch job's own time: claim it, call (or read the cache), resume the run, write its effects.
      const t = performance.now();
      const jobs = await claimJobs(db, "bench", 10, ["fetch"], 60_000);
      if (jobs.length !== 1) throw new Error(`user ${i}: expected one fetch job, got ${jobs.length}`);
      if ((await runJob(db, jobs[0], "bench")) !== "done") throw new Error(`user ${i}: the fetch job did not finish`);
      resume.push(performance.now() - t);
      if (i === 0) firstCalls = calls - before;
      const [tp] = await db.sql.query<{ content: string }>(`SELECT content FROM touchpoints WHERE profile_id = $1`, [pid]);
      if (tp?.content !== "Your first dashboard") throw new Error(`user ${i}: the message did not arrive`);
    }
    row("fetch job, first user (cold: one call)", firstCalls, resume.slice(0, 1));
    row(`fetch job, next ${N - 1} users (warm cache)`, calls - before - firstCalls, resume.slice(1));
  } finally {
    await db.close();
    await drop?.();
    await new Promise((r) => receiver.close(r));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
