// Profile: where the CPU time of one /track and one /decide goes, layer by layer. Starts the built
// server under `node --cpu-prof` on a fresh store, seeds flows and users, loads one endpoint with wrk,
// and sums the V8 samples taken during the load window by layer (Next's router, the proxy.ts
// middleware, the route wrapper, auth, zod, ingestion, the executor, metrics, the database, Node's HTTP
// and web Request/Response). Bundled frames are mapped back to their source through the build's maps.
// Run: `npx tsx bench/profile.ts [track|decide|batch|both] [seconds]`  (BENCH_PG=1: on PostgreSQL; batch:
// a /batch of 100 events no flow listens to on PGlite, 100 that 5 flows each enter on PostgreSQL)
import { readFileSync, readdirSync, mkdtempSync, rmSync, existsSync } from "node:fs";
import { SourceMap } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createPgDatabase } from "@/lib/testing/db";
import { fmt, seedFlows, seedUsers, startServer, uptimeLine, wrk } from "./support";

const which = process.argv[2] ?? "both";
const SECONDS = Number(process.argv[3] ?? 10);
const PORT = Number(process.env.BENCH_PORT ?? 3131);
const ON_PG = process.env.BENCH_PG === "1";

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

/** Layers, first match wins; tested against the frame's source path (after the source map). */
const LAYERS: Array<[string, RegExp]> = [
  ["proxy.ts middleware", /(^|\/)proxy\.ts$|middleware|next\/dist\/server\/web\//],
  ["route wrapper (lib/http)", /lib\/http\/|lib\/ingest\/endpoint\.ts|lib\/dataplane\//],
  ["auth (keys, sessions)", /lib\/auth\//],
  ["zod", /node_modules\/zod\//],
  ["ingestion (parse, identities, SQL)", /lib\/ingest\//],
  ["executor (engine, runtime, conditions, liquid)", /lib\/(engine|runtime|conditions|liquid|policies|flow)\/|node_modules\/liquidjs\//],
  ["metrics (prom-client)", /prom-client/],
  ["database: PGlite (WASM PostgreSQL)", /@electric-sql\/pglite|^wasm:\/\//],
  ["database: pg driver", /node_modules\/(pg|pg-protocol|pg-pool|pg-types|pgpass|postgres-[a-z]+)\//],
  ["database: Prisma", /@prisma\/|lib\/generated\/prisma|lib\/db\//],
  ["Next's router and server", /next\/dist\/|node_modules\/next\/|\.next\/server\/|react-dom|react-server|^next\/|^(\.\/)?src\/(server|shared|lib|client|build|export)\//],
  ["web Request/Response (undici)", /undici|internal\/deps\/undici|internal\/webstreams|internal\/streams\/web/],
  ["Node HTTP, streams, timers", /^node:|internal\//],
  ["garbage collector", /^\(garbage collector\)$/],
  ["native (promise ticks, string encoding, fs)", /^native:/],
  ["native / program", /^\((program|root)\)$/],
];

const maps = new Map<string, SourceMap | null>();
function sourceOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith("(") ? frame.functionName : `native:${frame.functionName}`;
  if (!url.startsWith("file://")) return url;
  let map = maps.get(url);
  if (map === undefined) {
    map = null;
    try {
      const file = fileURLToPath(url);
      if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  if (!map) return fileURLToPath(url);
  const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string };
  if (!entry?.originalSource) return fileURLToPath(url);
  // Turbopack's maps name sources relative and percent-encoded (../../node_modules/%40electric-sql/...).
  let src = entry.originalSource;
  try {
    src = decodeURIComponent(src);
  } catch {
    /* keep it */
  }
  return src.replace(/^webpack:\/+/, "").replace(/^turbopack:\/+/, "").replace(/^(\.\.\/)+/, "").replace(/^\[project\]\//, "");
}

function layerOf(source: string): string {
  for (const [name, re] of LAYERS) if (re.test(source)) return name;
  return `other`;
}

/** Self time per layer (ms) of the samples between `from` and `to` (monotonic µs, as V8 stamps them). */
export function byLayer(profile: CpuProfile, from: number, to: number): { layers: Map<string, number>; total: number; idle: number; top: Map<string, number> } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const layerCache = new Map<number, string>();
  const layers = new Map<string, number>();
  const top = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < from || t > to) continue;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const node = nodes.get(profile.samples[i])!;
    if (node.callFrame.functionName === "(idle)") {
      idle += dt;
      continue;
    }
    let layer = layerCache.get(node.id);
    const src = sourceOf(node.callFrame);
    if (!layer) layerCache.set(node.id, (layer = layerOf(src)));
    layers.set(layer, (layers.get(layer) ?? 0) + dt);
    if (layer === "other" || process.env.BENCH_PROFILE_TOP) {
      const k = process.env.BENCH_PROFILE_TOP ? `${src}:${node.callFrame.functionName}` : src.replace(/^.*node_modules\//, "").split("/").slice(0, 3).join("/");
      top.set(k, (top.get(k) ?? 0) + dt);
    }
    total += dt;
  }
  return { layers, total, idle, top };
}

async function profileOne(kind: "track" | "decide" | "batch") {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pathwise-prof-"));
  let databaseUrl: string | undefined;
  let drop: (() => Promise<void>) | null = null;
  if (ON_PG) {
    const created = await createPgDatabase("pathwise_prof");
    databaseUrl = created.url;
    drop = created.drop;
  }
  // No write budget: a /batch of 100 at 10,000 events/s is over the default 5,000 messages/s per key.
  const server = await startServer({ port: PORT, databaseUrl, nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`], env: { PATHWISE_RATE_LIMIT_WRITE: "off" } });
  try {
    await seedFlows(server.url, server.key, 5);
    await seedUsers(server.url, server.key, 1000);
    // Warm up (JIT, caches), then the measured window.
    const script = `${kind}.lua`;
    const env = { WRK_KEY: server.key, WRK_EVENT: kind === "batch" && !ON_PG ? "Nobody Listens" : "Bench Tracked" };
    await wrk(`${server.url}/`, { seconds: 3, script, env });
    const from = Number(process.hrtime.bigint() / 1000n);
    const r = await wrk(`${server.url}/`, { seconds: SECONDS, script, env });
    const to = Number(process.hrtime.bigint() / 1000n);
    await server.stop("SIGINT");
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error("no CPU profile was written");
    const profile = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as CpuProfile;
    const { layers, total, idle, top } = byLayer(profile, from, to);
    const perReq = (v: number) => (r.requests ? (v * 1000) / r.requests : NaN); // µs per request
    const title = { track: "POST /api/v1/track (one event, 5 flows it enters)", decide: "POST /api/v1/decide (two placements)", batch: `POST /api/v1/batch of 100 (${ON_PG ? "5 flows every event enters" : "no flow listens"})` }[kind];
    console.log(`\n### ${title} on ${ON_PG ? "PostgreSQL" : "PGlite"}`);
    console.log(`wrk 16 connections, ${SECONDS} s: ${fmt(r.rps)} req/s, p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms; CPU busy ${fmt((100 * total) / (total + idle))}% of the server's main thread\n`);
    console.log(`| layer | share of busy CPU | µs CPU per request |`);
    console.log(`|---|---:|---:|`);
    for (const [name, v] of [...layers.entries()].sort((a, b) => b[1] - a[1])) {
      console.log(`| ${name} | ${fmt((100 * v) / total, 1)}% | ${fmt(perReq(v))} |`);
    }
    console.log(`| **total** | 100% | ${fmt(perReq(total))} |`);
    const others = [...top.entries()].sort((a, b) => b[1] - a[1]).slice(0, process.env.BENCH_PROFILE_TOP ? 25 : 5);
    if (others.length) console.log(`\n${process.env.BENCH_PROFILE_TOP ? "top frames" : '"other" is mostly'}: ${others.map(([k, v]) => `${k} ${fmt((100 * v) / total, 1)}%`).join(", ")}`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    await drop?.();
  }
}

async function main() {
  console.log(`\n${uptimeLine()}`);
  if (which === "track" || which === "both") await profileOne("track");
  if (which === "decide" || which === "both") await profileOne("decide");
  if (which === "batch") await profileOne("batch");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
