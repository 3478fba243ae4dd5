// Benchmark: scale-out on one PostgreSQL. Two `npm start` instances (PATHWISE_WORKER=off) and one
// `npm run worker` on a fresh database, behind a tiny round-robin proxy (in this process); /decide and
// single-event /track (5 flows every event enters) loaded with wrk through the proxy, first with the
// proxy sending everything to one instance, then to both, alternating, so each ratio compares windows
// moments apart under the same machine load. The CPU seconds each process used in each window are
// printed too: on a 2-core machine the instances, the worker, PostgreSQL, the proxy and wrk share two
// cores, which bounds what a second instance can add.
// Run: `npx tsx bench/scaleout.ts [seconds per window] [rounds]` (needs `npm run build` and PostgreSQL).
import { randomBytes } from "node:crypto";
import { createPgDatabase } from "@/lib/testing/db";
import { cpuSeconds, fmt, machineCpu, postgresCpu, postgresCpuBetween, seedFlows, seedUsers, startRoundRobin, startServer, startWorker, uptimeLine, wrk, type Server, type WrkResult } from "./support";

const SECONDS = Number(process.argv[2] ?? 8);
const ROUNDS = Number(process.argv[3] ?? 2);
const PORT = Number(process.env.BENCH_PORT ?? 3131);
const USERS = 1000;

type Window = { r: WrkResult; cpu: Record<string, number> };

async function main() {
  console.log(`\n${uptimeLine()}`);
  const { url: databaseUrl, drop } = await createPgDatabase("pathwise_scaleout");
  const key = `pw_sk_bench_${randomBytes(12).toString("hex")}`;
  const procs: Server[] = [];
  let proxy: Awaited<ReturnType<typeof startRoundRobin>> | null = null;
  const results = new Map<string, { one: Window[]; two: Window[] }>();
  try {
    // One instance first: it applies the migrations; the second finds them applied.
    const a = await startServer({ port: PORT, databaseUrl, key, env: { PATHWISE_WORKER: "off" } });
    procs.push(a);
    const b = await startServer({ port: PORT + 1, databaseUrl, key, env: { PATHWISE_WORKER: "off" } });
    procs.push(b);
    const worker = await startWorker(databaseUrl);
    procs.push(worker);
    proxy = await startRoundRobin(PORT + 2, [a.url, b.url]);
    await seedFlows(a.url, key, 5);
    await seedUsers(b.url, key, USERS);
    const env = { WRK_KEY: key, WRK_USERS: String(USERS) };
    const pids: Record<string, number> = { "instance 1": a.pid, "instance 2": b.pid, worker: worker.pid, "proxy + bench": process.pid };
    const windowed = async (script: string, targets: string[]): Promise<Window> => {
      proxy!.setTargets(targets);
      const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
      const pg0 = postgresCpu();
      const m0 = machineCpu();
      const r = await wrk(`${proxy!.url}/`, { seconds: SECONDS, script, env });
      const m1 = machineCpu();
      const cpu = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid) - before[k]]));
      cpu.PostgreSQL = postgresCpuBetween(pg0, postgresCpu());
      // Share of the machine's cores busy in the window, whoever used them (other work included).
      cpu.machineBusy = (m1.busy - m0.busy) / Math.max(1, m1.total - m0.total);
      return { r, cpu };
    };
    // Warm both instances (JIT, caches, prepared statements).
    for (const script of ["decide.lua", "track.lua"]) await wrk(`${proxy.url}/`, { seconds: 3, script, env });
    for (let round = 0; round < ROUNDS; round++) {
      for (const [what, script] of [
        ["POST /api/v1/decide (2 placements)", "decide.lua"],
        ["POST /api/v1/track, 1 event, 5 flows it enters", "track.lua"],
      ] as const) {
        const entry = results.get(what) ?? { one: [], two: [] };
        results.set(what, entry);
        // Alternate which side goes first, so neither always runs on the warmer store.
        const order = round % 2 === 0 ? (["one", "two"] as const) : (["two", "one"] as const);
        for (const side of order) {
          const w = await windowed(script, side === "one" ? [a.url] : [a.url, b.url]);
          entry[side].push(w);
          if (w.r.non2xx || w.r.errors) console.error(`${what} (${side}): ${w.r.non2xx} non-2xx, ${w.r.errors} socket errors`);
          console.error(`${what}, ${side === "one" ? "one instance" : "two instances"}: ${fmt(w.r.rps)} req/s, p99 ${fmt(w.r.p99, 1)} ms`);
        }
      }
    }
  } finally {
    await proxy?.stop();
    for (const p of procs.reverse()) await p.stop();
    await drop();
  }
  const median = (xs: number[]) => {
    const v = [...xs].sort((x, y) => x - y);
    const m = Math.floor(v.length / 2);
    return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
  };
  console.log(`\n### Two instances against one on PostgreSQL: wrk 16 connections through a round-robin proxy, ${SECONDS} s a window, ${ROUNDS} rounds\n`);
  console.log("| what | one instance req/s (median) | p99 | two instances req/s (median) | p99 | two / one (median of rounds) | per round |");
  console.log("|---|---:|---:|---:|---:|---:|---|");
  for (const [what, { one, two }] of results) {
    const ratios = one.map((w, i) => two[i].r.rps / w.r.rps);
    console.log(
      `| ${what} | ${fmt(median(one.map((w) => w.r.rps)))} | ${fmt(median(one.map((w) => w.r.p99)), 1)} ms | ${fmt(median(two.map((w) => w.r.rps)))} | ${fmt(median(two.map((w) => w.r.p99)), 1)} ms | ${fmt(median(ratios), 2)}× | ${ratios.map((x) => `${fmt(x, 2)}×`).join(", ")} |`,
    );
  }
  console.log("\nCPU seconds used per window (last round), by process — two cores give at most 2 CPU-seconds per wall second:\n");
  const names = ["instance 1", "instance 2", "worker", "PostgreSQL", "proxy + bench"];
  console.log(`| what | side | ${names.join(" | ")} | these, per wall second | machine busy (all processes) |`);
  console.log(`|---|---|${names.map(() => "---:").join("|")}|---:|---:|`);
  for (const [what, { one, two }] of results) {
    for (const [side, w] of [["one", one.at(-1)!], ["two", two.at(-1)!]] as const) {
      const total = names.reduce((s, n) => s + (w.cpu[n] ?? 0), 0);
      console.log(`| ${what} | ${side === "one" ? "one instance" : "two instances"} | ${names.map((n) => fmt(w.cpu[n] ?? NaN, 1)).join(" | ")} | ${fmt(total / SECONDS, 2)} | ${fmt(100 * w.cpu.machineBusy, 0)}% |`);
    }
  }
  console.log(`\n${uptimeLine()}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
