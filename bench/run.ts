// `npm run bench`: runs every benchmark in bench/ one after another and prints their tables, with the
// machine, its load and the date. Benchmarks that need a server (decide, canvas) get one started here
// from the built app (`npm run build` first) on BENCH_PORT (default 4010) with a fresh, temporary
// DATA_DIR, stopped at the end. The PostgreSQL rows need the local server (PATHWISE_TEST_PG).
//
//   npm run bench                         everything
//   npm run bench -- --fast               skip the slow ones (results: 1,000,000 runs; canvas: a browser; why: 1,000,000 events)
//   npm run bench -- --skip=canvas,pg     skip some;  --only=conditions,ingest  run only some
//
// Names: conditions, cases, ingest, ingest-pg, streams, streams-pg, dataplane, scaleout, decide, recommendations, recs-decide, shards, summary, results, canvas, why.
// The streams rows need RabbitMQ (127.0.0.1:5672) and NATS JetStream (127.0.0.1:4222).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";

type Bench = { name: string; script: string; args?: string[]; env?: Record<string, string>; needs?: "server" | "pg"; slow?: boolean; what: string };

const BENCHES: Bench[] = [
  { name: "conditions", script: "bench/conditions.ts", what: "compiled conditions vs json-rules-engine" },
  { name: "cases", script: "bench/cases.ts", what: "100 test cases of a 50-node flow in the sandbox" },
  { name: "ingest", script: "bench/ingest.ts", what: "ingestion vs raw INSERT on PGlite, 0 and 5 active flows" },
  { name: "ingest-pg", script: "bench/ingest.ts", env: { BENCH_PG: "1" }, needs: "pg", what: "ingestion vs raw INSERT on PostgreSQL, 0 and 5 active flows" },
  { name: "streams", script: "bench/streams.ts", what: "RabbitMQ and NATS JetStream consumption vs HTTP /batch on PGlite" },
  { name: "streams-pg", script: "bench/streams.ts", env: { BENCH_PG: "1" }, needs: "pg", what: "RabbitMQ and NATS JetStream consumption vs HTTP /batch on PostgreSQL" },
  { name: "dataplane", script: "bench/dataplane.ts", what: "health, /decide, /track, /batch against a bare node:http floor in the same run, PGlite and PostgreSQL; slow clients, idle connections, /decide during an import" },
  { name: "scaleout", script: "bench/scaleout.ts", needs: "pg", what: "two npm start instances and one worker on one PostgreSQL behind a round-robin proxy against one instance: /decide and /track" },
  { name: "decide", script: "bench/decide.ts", needs: "server", what: "/decide vs /api/health on one running server" },
  { name: "recommendations", script: "bench/recommendations.ts", what: "offline hit-rate@5 and MRR of for_you and also_viewed vs popular on a generated shop history (PGlite)" },
  { name: "recs-decide", script: "bench/recommendations-decide.ts", needs: "server", what: "/track + /decide whose content reads recommendations.for_you vs content without, one running server" },
  { name: "shards", script: "bench/shards.ts", needs: "pg", what: "share of single-shard statements, per-person tables hash-partitioned into 4 shard schemas" },
  { name: "summary", script: "bench/summary-writes.ts", needs: "pg", slow: true, what: "event summary write cost at 10k and 1M stored events vs a raw INSERT" },
  { name: "results", script: "bench/results.ts", needs: "pg", slow: true, what: "results from rollups vs raw scans on PostgreSQL" },
  { name: "canvas", script: "bench/canvas.ts", needs: "server", slow: true, what: "300-node canvas in chromium" },
  { name: "why", script: "bench/why.ts", needs: "pg", slow: true, what: "trigger funnel and why-not on 1,000,000 events on PostgreSQL" },
];

function flag(name: string): string | null {
  const a = process.argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  if (!a) return null;
  return a.includes("=") ? a.slice(a.indexOf("=") + 1) : "";
}
const list = (v: string | null) => new Set((v ?? "").split(",").map((s) => s.trim()).filter(Boolean));

const skip = list(flag("skip"));
const only = list(flag("only"));
if (flag("fast") !== null) for (const b of BENCHES) if (b.slow) skip.add(b.name);
if (skip.has("pg")) for (const b of BENCHES) if (b.needs === "pg") skip.add(b.name);
const selected = BENCHES.filter((b) => (only.size ? only.has(b.name) : true) && !skip.has(b.name));

const root = process.cwd();
const tsx = path.join(root, "node_modules", ".bin", "tsx");

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      process.stdout.write(d);
    });
    child.stderr.on("data", (d: Buffer) => process.stderr.write(d));
    child.on("close", (code) => resolve({ code: code ?? 1, out, seconds: (performance.now() - started) / 1000 }));
  });
}

async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: process.env.PATHWISE_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/postgres", connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

type Server = { url: string; key: string; email: string; password: string; stop: () => Promise<void> };

/** Starts the built app in its own process group on a fresh store; resolves once /api/health answers. */
async function startServer(): Promise<Server> {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  if (!existsSync(path.join(root, distDir, "BUILD_ID"))) throw new Error(`no production build in ${distDir}: run \`npm run build\` first`);
  const port = Number(process.env.BENCH_PORT ?? 4010);
  // Something already answering there would be measured instead of this build.
  const busy = await fetch(`http://127.0.0.1:${port}/api/health`).then(
    () => true,
    () => false,
  );
  if (busy) throw new Error(`port ${port} is already in use: set BENCH_PORT to a free port`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "pathwise-bench-"));
  const key = `pw_sk_bench_${randomBytes(12).toString("hex")}`;
  const email = "bench@example.com";
  const password = randomBytes(12).toString("hex");
  const child: ChildProcess = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, DATABASE_URL: "", PATHWISE_API_KEY: key, PATHWISE_ADMIN_EMAIL: email, PATHWISE_ADMIN_PASSWORD: password },
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
      await new Promise((r) => setTimeout(r, 1500));
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return { url, key, email, password, stop };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`the server on port ${port} did not become healthy`);
}

async function main() {
  const load0 = os.loadavg();
  const started = new Date();
  const results: Array<{ bench: Bench; status: string; out: string; seconds: number }> = [];
  let server: Server | null = null;
  let serverError: string | null = null;
  let pgOk: boolean | null = null;
  try {
    for (const b of selected) {
      console.error(`\n▶ ${b.name}: ${b.what}`);
      const env: NodeJS.ProcessEnv = { ...process.env, ...b.env };
      if (b.needs === "pg") {
        pgOk ??= await pgReachable();
        if (!pgOk) {
          results.push({ bench: b, status: "skipped: PostgreSQL not reachable", out: "", seconds: 0 });
          continue;
        }
      }
      if (b.needs === "server") {
        if (!server && !serverError) {
          try {
            console.error("starting a server from the build…");
            server = await startServer();
          } catch (err) {
            serverError = err instanceof Error ? err.message : String(err);
          }
        }
        if (!server) {
          results.push({ bench: b, status: `skipped: ${serverError}`, out: "", seconds: 0 });
          continue;
        }
        Object.assign(env, { PATHWISE_URL: server.url, PATHWISE_API_KEY: server.key, BENCH_URL: server.url, BENCH_API_KEY: server.key, BENCH_EMAIL: server.email, BENCH_PASSWORD: server.password });
      }
      const r = await run(tsx, [b.script, ...(b.args ?? [])], env);
      results.push({ bench: b, status: r.code === 0 ? "ok" : `failed (exit ${r.code})`, out: r.out, seconds: r.seconds });
    }
  } finally {
    if (server) await server.stop();
  }

  const load1 = os.loadavg();
  const cpus = os.cpus();
  console.log("\n\n# Pathwise benchmarks\n");
  console.log(`${started.toISOString().slice(0, 16).replace("T", " ")} UTC · ${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown CPU"}) · ${Math.round(os.totalmem() / 2 ** 30)} GB · node ${process.version} · load average ${load0[0].toFixed(1)} at start, ${load1[0].toFixed(1)} at end\n`);
  for (const r of results) {
    console.log(`## ${r.bench.name}: ${r.bench.what} — ${r.status}${r.seconds ? ` (${Math.round(r.seconds)} s)` : ""}`);
    if (r.out.trim()) console.log(r.out.trim());
    console.log("");
  }
  if (results.some((r) => r.status.startsWith("failed"))) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
