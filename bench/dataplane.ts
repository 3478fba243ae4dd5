// Benchmark: the data plane against the machine's floor, in one run. Starts a bare node:http server
// (the floor) beside the built product (`npm start`) and loads both with wrk (16 connections), printing
// each figure as a share of the floor measured in the same run: /api/health, /decide, single-event
// /track with 5 flows every event enters, /batch of 100 (beside a raw multi-row INSERT of the same rows
// into the same kind of store), then bad input and faults: /decide p99 during a 100,000-row import,
// slow clients (slowloris) and 10,000 idle keep-alive connections while the server keeps answering,
// with its memory before and after.
// Run: `npx tsx bench/dataplane.ts [pglite|pg|both] [seconds per figure]` (needs `npm run build`;
// BENCH_ONLY=batch: the /batch row and the raw INSERT alone).
import net from "node:net";
import { readFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { createPgDatabase } from "@/lib/testing/db";
import { call, fmt, pct, seedFlows, seedUsers, startFloor, startServer, uptimeLine, wrk, type Server, type WrkResult } from "./support";

const which = process.argv[2] ?? "both";
const SECONDS = Number(process.argv[3] ?? 8);
const PORT = Number(process.env.BENCH_PORT ?? 3131);
const FLOOR_PORT = PORT + 1;
const USERS = 1000;
const BATCH_ONLY = process.env.BENCH_ONLY === "batch";

type Row = { what: string; rps: number; unit: string; p99: number; floor: number; floorShare: string; goal: string };

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Raw multi-row INSERTs of `n` event rows in batches of 100, one transaction each: events/s. */
async function rawInsert(kind: "pglite" | "pg", url: string | undefined, n: number): Promise<number> {
  const rows = (b: number) => {
    const values: unknown[] = [];
    const text: string[] = [];
    for (let i = 0; i < 100; i++) {
      values.push(`p-${(b * 100 + i) % USERS}`, "Bench Tracked", JSON.stringify({ price: i }), `raw-${b}-${i}`);
      text.push(`($${i * 4 + 1}, 'track', $${i * 4 + 2}, $${i * 4 + 3}::jsonb, '{}'::jsonb, now(), $${i * 4 + 4})`);
    }
    return { sql: `INSERT INTO raw_events (profile_id, type, name, properties, context, "timestamp", message_id) VALUES ${text.join(", ")}`, values };
  };
  // The same columns and indexes as ingestion's events table (id, unique message id, profile + time).
  const ddl = `CREATE TABLE IF NOT EXISTS raw_events (id bigserial PRIMARY KEY, profile_id text NOT NULL, type text NOT NULL, name text NOT NULL, properties jsonb NOT NULL, context jsonb NOT NULL, "timestamp" timestamptz NOT NULL, received_at timestamptz NOT NULL DEFAULT now(), message_id text NOT NULL UNIQUE);
    CREATE INDEX IF NOT EXISTS raw_events_profile ON raw_events (profile_id, "timestamp");`;
  const batches = Math.ceil(n / 100);
  if (kind === "pglite") {
    const lite = new PGlite();
    await lite.exec(ddl);
    const t = performance.now();
    for (let b = 0; b < batches; b++) {
      const r = rows(b);
      await lite.transaction((tx) => tx.query(r.sql, r.values));
    }
    const s = (performance.now() - t) / 1000;
    await lite.close();
    return (batches * 100) / s;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(ddl);
  const t = performance.now();
  for (let b = 0; b < batches; b++) {
    const r = rows(b);
    await client.query("BEGIN");
    await client.query(r.sql, r.values);
    await client.query("COMMIT");
  }
  const s = (performance.now() - t) / 1000;
  await client.end();
  return (batches * 100) / s;
}

/** Sockets that send a request's headers one byte at a time, slowly (slowloris), until closed. */
function slowloris(port: number, n: number): { close: () => void } {
  const sockets: net.Socket[] = [];
  const line = "POST /api/v1/track HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n";
  for (let i = 0; i < n; i++) {
    const s = net.connect(port, "127.0.0.1");
    s.on("error", () => undefined);
    let k = 0;
    const timer = setInterval(() => {
      if (s.destroyed) return clearInterval(timer);
      s.write(line[k++ % line.length]);
    }, 500);
    sockets.push(Object.assign(s, { timer }));
  }
  return {
    close: () => {
      for (const s of sockets) {
        clearInterval((s as unknown as { timer: NodeJS.Timeout }).timer);
        s.destroy();
      }
    },
  };
}

/** n keep-alive connections, each having made one request and staying open, idle. */
async function idleKeepAlive(port: number, n: number): Promise<{ open: number; close: () => void }> {
  const sockets: net.Socket[] = [];
  let open = 0;
  const req = "GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n";
  for (let i = 0; i < n; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, n - i) }, () =>
        new Promise<void>((resolve) => {
          const s = net.connect(port, "127.0.0.1", () => s.write(req));
          sockets.push(s);
          s.once("data", () => {
            open++;
            resolve();
          });
          s.on("error", () => resolve());
          setTimeout(resolve, 15_000);
        }),
      ),
    );
  }
  return { open, close: () => sockets.forEach((s) => s.destroy()) };
}

async function store(kind: "pglite" | "pg") {
  let databaseUrl: string | undefined;
  let drop: (() => Promise<void>) | null = null;
  if (kind === "pg") {
    const created = await createPgDatabase("pathwise_benchdp");
    databaseUrl = created.url;
    drop = created.drop;
  }
  const floor = await startFloor(FLOOR_PORT);
  let server: Server | null = null;
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    // The product's defaults, rate limits included (the per-key write budget, 50,000 messages/s, is
    // above every goal here; a refused request would be reported below and not counted).
    server = await startServer({ port: PORT, databaseUrl });
    const env = { WRK_KEY: server.key, WRK_USERS: String(USERS) };
    await seedFlows(server.url, server.key, 5);
    await seedUsers(server.url, server.key, USERS);
    // Warm both (JIT, caches), then alternate floor and product so both see the same machine load.
    await wrk(`${floor.url}/`, { seconds: 2 });
    await wrk(`${server.url}/`, { seconds: 2, script: "decide.lua", env });
    const measure = async (what: string, goal: string, unit: string, per: number, run: () => Promise<WrkResult>) => {
      const f = await wrk(`${floor.url}/`, { seconds: SECONDS });
      const r = await run();
      if (r.non2xx || r.errors) notes.push(`${what}: ${r.non2xx} non-2xx answers, ${r.errors} socket errors (not counted in the rate)`);
      // Only answered requests count: a refused one stored nothing.
      const ok = r.requests ? (r.rps * (r.requests - r.non2xx)) / r.requests : 0;
      rows.push({ what, rps: ok * per, unit, p99: r.p99, floor: f.rps, floorShare: pct(ok, f.rps), goal });
      console.error(`${kind} ${what}: ${fmt(ok * per)} ${unit} (floor ${fmt(f.rps)} req/s), p99 ${fmt(r.p99, 1)} ms`);
    };
    if (!BATCH_ONLY) await measure("GET /api/health", "≥ 20% of the floor", "req/s", 1, () => wrk(`${server!.url}/api/health`, { seconds: SECONDS }));
    if (!BATCH_ONLY) await measure("POST /api/v1/decide (2 placements)", "≥ 25% of the floor, p99 ≤ 20 ms", "req/s", 1, () => wrk(`${server!.url}/`, { seconds: SECONDS, script: "decide.lua", env }));
    if (!BATCH_ONLY) await measure(
      "POST /api/v1/track, 1 event, 5 flows it enters",
      kind === "pg" ? "≥ 15% of the floor (≈ 3,000/s), p99 ≤ 50 ms" : "≥ 2,000 events/s, p99 ≤ 50 ms",
      "events/s",
      1,
      () => wrk(`${server!.url}/`, { seconds: SECONDS, script: "track.lua", env }),
    );
    const batchEvent = kind === "pg" ? "Bench Tracked" : "Nobody Listens";
    await measure(
      kind === "pg" ? "POST /api/v1/batch of 100, 5 flows every event enters" : "POST /api/v1/batch of 100, no flow listens",
      kind === "pg" ? "≥ 5,000 events/s" : "≥ 10,000 events/s and ≥ 0.5× raw INSERT",
      "events/s",
      100,
      () => wrk(`${server!.url}/`, { seconds: SECONDS, script: "batch.lua", env: { ...env, WRK_EVENT: batchEvent } }),
    );
    const batchRow = rows[rows.length - 1];
    const raw = await rawInsert(kind, databaseUrl, 20_000);
    notes.push(`raw multi-row INSERT of the same rows, batches of 100, one client, same run: ${fmt(raw)} events/s; /batch is ${fmt(batchRow.rps / raw, 2)}× that`);
    if (!BATCH_ONLY) {
      // A site's traffic is both at once: 10 clients sending single events, 4 asking for decisions.
      const [t, d] = await Promise.all([
        wrk(`${server.url}/`, { seconds: SECONDS, connections: 10, script: "track.lua", env }),
        wrk(`${server.url}/`, { seconds: SECONDS, connections: 4, script: "decide.lua", env }),
      ]);
      notes.push(
        `mixed load, ${SECONDS} s (10 connections of single-event /track, 5 flows each event enters, beside 4 of /decide): ${fmt(t.rps)} events/s (p99 ${fmt(t.p99, 1)} ms) and ${fmt(d.rps)} decisions/s (p99 ${fmt(d.p99, 1)} ms)${t.non2xx + d.non2xx ? `, ${t.non2xx + d.non2xx} non-2xx answers` : ""}`,
      );
    }

    // Faults: /decide during an import, slow clients, many idle connections.
    if (kind === "pglite" && !BATCH_ONLY) {
      const csv = ["userId,plan,score", ...Array.from({ length: 100_000 }, (_, i) => `imp-${i},pro,${i % 100}`)].join("\n");
      const res = await fetch(`${server.url}/api/v1/import`, { method: "POST", headers: { authorization: `Bearer ${server.key}`, "content-type": "text/csv" }, body: csv });
      if (res.status !== 202) throw new Error(`import: ${res.status} ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      const during = await wrk(`${server.url}/`, { seconds: SECONDS, script: "decide.lua", env });
      const state = await call(server.url, server.key, "GET", `/api/v1/import/${id}`);
      const decideRow = rows[1];
      notes.push(
        `/decide during a 100,000-row CSV import: ${fmt(during.rps)} req/s, p99 ${fmt(during.p99, 1)} ms (without: ${fmt(decideRow.rps)} req/s, p99 ${fmt(decideRow.p99, 1)} ms); the import had done ${fmt(state.done)} of ${fmt(state.total)} rows by the end of the window`,
      );
    }
    if (!BATCH_ONLY) {
      const rss0 = rssMb(server.pid);
      const loris = slowloris(PORT, 500);
      const withLoris = await wrk(`${server.url}/api/health`, { seconds: Math.min(SECONDS, 5) });
      loris.close();
      notes.push(`500 slowloris connections open: /api/health still ${fmt(withLoris.rps)} req/s, p99 ${fmt(withLoris.p99, 1)} ms, ${withLoris.errors} socket errors`);
      const idle = await idleKeepAlive(PORT, 10_000);
      const rss1 = rssMb(server.pid);
      const withIdle = await wrk(`${server.url}/`, { seconds: Math.min(SECONDS, 5), script: "decide.lua", env });
      idle.close();
      notes.push(
        `10,000 idle keep-alive connections (${fmt(idle.open)} opened and answered): /decide still ${fmt(withIdle.rps)} req/s, p99 ${fmt(withIdle.p99, 1)} ms; server RSS ${fmt(rss0)} MB before, ${fmt(rss1)} MB with them open`,
      );
    }
  } finally {
    await server?.stop();
    await floor.stop();
    await drop?.();
  }
  console.log(`\n### ${kind === "pg" ? "PostgreSQL (local server)" : "PGlite (embedded, on disk)"}: one \`npm start\`, wrk 16 connections, ${SECONDS} s a figure\n`);
  console.log("| what | rate | p99 | floor measured just before (req/s) | requests as a share of the floor | goal |");
  console.log("|---|---:|---:|---:|---:|---|");
  for (const r of rows) console.log(`| ${r.what} | ${fmt(r.rps)} ${r.unit} | ${fmt(r.p99, 1)} ms | ${fmt(r.floor)} | ${r.floorShare} | ${r.goal} |`);
  console.log("");
  for (const n of notes) console.log(`- ${n}`);
}

async function main() {
  // The machine's load at the start and at the end: figures move with it on a shared machine.
  console.log(`\n${uptimeLine()}`);
  if (which === "pglite" || which === "both") await store("pglite");
  if (which === "pg" || which === "both") await store("pg");
  console.log(`\n${uptimeLine()}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
