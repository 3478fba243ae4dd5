// `npm run demo`: the onboarding case study in one command. Builds if needed, starts Pathwise on the
// embedded store, imports a CRM CSV of roles, publishes the demo flows (a split and holdouts), pushes
// a month of simulated customers through the real ingestion, /decide and /outcomes, then prints the
// console URL and login and keeps serving until Ctrl-C.
//
// Environment: PORT (3000), DATA_DIR (.pathwise), PATHWISE_ADMIN_EMAIL / PATHWISE_ADMIN_PASSWORD,
// DEMO_USERS (2000), DEMO_DAYS (30), DEMO_CONCURRENCY (4), DEMO_RESEED=1 to add traffic again,
// NEXT_DIST_DIR (the build folder, .next).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { demoCatalog, demoFlows, type DemoFlow } from "@/lib/demo/flows";
import { bar, crmCsv, makeUsers, pool, simulateCohort, type Api, type SimTally } from "@/lib/demo/traffic";

const root = process.cwd();
const port = Number(process.env.PORT || 3000);
const dataDir = process.env.DATA_DIR || ".pathwise";
const distDir = process.env.NEXT_DIST_DIR || ".next";
const admin = { email: process.env.PATHWISE_ADMIN_EMAIL || "admin@example.com", password: process.env.PATHWISE_ADMIN_PASSWORD || "pathwise-demo" };
const userCount = Number(process.env.DEMO_USERS || 2000);
const days = Number(process.env.DEMO_DAYS || 30);
const concurrency = Number(process.env.DEMO_CONCURRENCY || 4);
// A secret key for this run only: the server accepts it as PATHWISE_API_KEY while the script seeds.
const apiKey = process.env.PATHWISE_API_KEY || `pw_sk_demo_${randomBytes(18).toString("hex")}`;
const base = `http://127.0.0.1:${port}`;
const tty = process.stdout.isTTY;

const log = (s: string) => console.log(`[demo] ${s}`);

function build(): void {
  if (existsSync(path.join(root, distDir, "BUILD_ID"))) return;
  log(`no build in ${distDir}: running next build (a minute or two)…`);
  const r = spawnSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) throw new Error("next build failed");
}

function start(): ChildProcess {
  mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(dataDir, "server.log");
  const out = createWriteStream(logFile, { flags: "a" });
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, PATHWISE_API_KEY: apiKey, PATHWISE_ADMIN_EMAIL: admin.email, PATHWISE_ADMIN_PASSWORD: admin.password, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  child.on("exit", (code) => {
    if (!stopping) {
      console.error(`\n[demo] the server stopped (exit ${code}); see ${logFile}`);
      process.exit(1);
    }
  });
  log(`server starting on port ${port} (store: ${dataDir}, log: ${logFile})`);
  return child;
}

async function waitHealthy(timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const r = await fetch(`${base}/api/health`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the server did not answer /api/health within ${timeoutMs / 1000}s`);
}

async function api<T>(method: string, p: string, body?: unknown, opts: { auth?: string; contentType?: string; raw?: string } = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(base + p, {
      method,
      headers: { authorization: opts.auth ?? `Bearer ${apiKey}`, "content-type": opts.contentType ?? "application/json" },
      body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    // The server rate-limits per key; back off instead of failing the demo.
    if ((res.status === 429 || res.status === 503) && attempt < 8) {
      await new Promise((r) => setTimeout(r, Number(res.headers.get("retry-after") || 1) * 1000));
      continue;
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p} answered ${res.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : {}) as T;
  }
}

async function existingDemo(): Promise<Array<{ id: string; name: string }>> {
  const { flows } = await api<{ flows: Array<{ id: string; name: string }> }>("GET", "/api/v1/flows");
  const names = new Set(demoFlows().map((f) => f.name));
  return flows.filter((f) => names.has(f.name));
}

async function publish(flow: DemoFlow): Promise<string> {
  const created = await api<{ id: string; problems: unknown[] }>("POST", "/api/v1/flows", { name: flow.name, graph: flow.graph, settings: flow.settings });
  await api("POST", `/api/v1/flows/${created.id}/publish`);
  return created.id;
}

async function importCrm(csv: string): Promise<void> {
  const { id } = await api<{ id: string }>("POST", "/api/v1/import?name=demo-crm.csv", undefined, { raw: csv, contentType: "text/csv" });
  for (;;) {
    const s = await api<{ status: string; total: number; done: number; failed: number }>("GET", `/api/v1/import/${id}`);
    if (tty) process.stdout.write(`\r[demo] CRM import ${bar(s.done + s.failed, s.total || 1)}   `);
    if (s.status !== "pending" && s.status !== "running" && s.status !== "queued") {
      if (tty) process.stdout.write("\n");
      log(`CRM import ${s.status}: ${s.done} rows, ${s.failed} failed`);
      return;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function traffic(writeKey: string): Promise<SimTally> {
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`;
  const sim: Api = {
    async batch(messages) {
      await api("POST", "/api/v1/batch", { batch: messages }, { auth });
    },
    async decide(userId, placements) {
      return (await api<{ decisions: Awaited<ReturnType<Api["decide"]>> }>("POST", "/api/v1/decide", { userId, placements }, { auth })).decisions;
    },
    async outcome(decisionId, type) {
      await api("POST", "/api/v1/outcomes", { decisionId, type }, { auth });
    },
  };
  const users = makeUsers(userCount);
  const tally: SimTally = { users: 0, messages: 0, decisions: 0, shown: 0, clicked: 0, conversions: 0 };
  const started = Date.now();
  const now = Date.now();
  let last = 0;
  // Cohorts of 25 customers share their batches: a few thousand customers in a few minutes.
  const cohorts: Array<{ users: typeof users; first: number }> = [];
  for (let i = 0; i < users.length; i += 25) cohorts.push({ users: users.slice(i, i + 25), first: i });
  const report = () => {
    const done = tally.users;
    if (!tty && done !== users.length && done - last < users.length / 10) return;
    last = done;
    const rate = done / ((Date.now() - started) / 1000 || 1);
    const line = `[demo] traffic ${bar(done, users.length, 30, `users · ${tally.messages} events · ${rate.toFixed(1)} users/s`)}`;
    if (tty) process.stdout.write(`\r${line}   `);
    else console.log(line);
  };
  // Which clock does the executor enter runs by? Send the first cohort, then look at one of its runs.
  const opts = { now, days, seed: 42, entryClock: "event" as "event" | "receipt" };
  const [head, ...rest] = cohorts;
  await simulateCohort(sim, head.users, head.first, opts, tally, 4);
  report();
  opts.entryClock = await entryClock(head.users[0].userId);
  if (opts.entryClock === "receipt") log("runs enter at the time of receipt here: later events are stamped after sign-up batches");
  await pool(rest, Math.max(1, Math.ceil(concurrency / 4)), (c) => simulateCohort(sim, c.users, c.first, opts, tally, 4), report);
  if (tty) process.stdout.write("\n");
  return tally;
}

/** "receipt" when a run's entry time is when the server got the event, not the event's own timestamp. */
async function entryClock(userId: string): Promise<"event" | "receipt"> {
  try {
    const u = await api<{ runs?: Array<{ enteredAt?: string }> }>("GET", `/api/v1/users/${encodeURIComponent(userId)}`);
    const entered = u.runs?.[0]?.enteredAt;
    return entered && Date.now() - Date.parse(entered) < 3_600_000 ? "receipt" : "event";
  } catch {
    return "event";
  }
}

type Stats = { entered: number; converted: number; conversionRate: number; holdout?: { entered: number; converted: number; conversionRate: number } };

async function summary(ids: Record<string, string>): Promise<void> {
  for (const flow of demoFlows()) {
    const id = ids[flow.name];
    if (!id) continue;
    try {
      const s = await api<Stats>("GET", `/api/v1/flows/${id}/stats`);
      const pct = (x: number | undefined) => `${((x ?? 0) * 100).toFixed(1)}%`;
      const h = s.holdout && s.holdout.entered ? `, holdout ${pct(s.holdout.conversionRate)} of ${s.holdout.entered}` : "";
      log(`  ${flow.name}: ${s.entered} entered, ${s.converted} converted (${pct(s.conversionRate)})${h}  ${base}/flows/${id}/results`);
    } catch (e) {
      log(`  ${flow.name}: stats unavailable (${(e as Error).message.slice(0, 80)})`);
    }
  }
}

let stopping = false;
let server: ChildProcess | null = null;

async function main() {
  build();
  server = start();
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    log("stopping…");
    server?.on("exit", () => process.exit(0));
    server?.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  await waitHealthy();
  log("server is up");
  const existing = await existingDemo();
  const ids: Record<string, string> = Object.fromEntries(existing.map((f) => [f.name, f.id]));
  if (existing.length && process.env.DEMO_RESEED !== "1") {
    log("the demo data is already in this store (DEMO_RESEED=1 adds another month of traffic)");
  } else {
    const key = await api<{ key: string }>("POST", "/api/v1/keys", { kind: "write", name: "Demo storefront" });
    await api("PUT", "/demo/config", { writeKey: key.key });
    log("created the storefront's write key");
    await importCrm(crmCsv(makeUsers(userCount)));
    await api("POST", "/api/v1/catalog/items", { items: demoCatalog() });
    log(`loaded the catalog: ${demoCatalog().length} products`);
    if (!existing.length) {
      for (const flow of demoFlows()) ids[flow.name] = await publish(flow);
      log(`published ${Object.keys(ids).length} flows: ${Object.keys(ids).join(", ")}`);
    }
    const t0 = Date.now();
    const tally = await traffic(key.key);
    log(`simulated ${tally.users} customers over ${days} days in ${((Date.now() - t0) / 1000).toFixed(0)}s: ${tally.messages} events, ${tally.shown} messages shown, ${tally.clicked} clicked, ${tally.conversions} buyers`);
  }
  await summary(ids);
  console.log(`
  Pathwise is running at  http://localhost:${port}
    console   http://localhost:${port}/flows   (sign in: ${admin.email} / ${admin.password})
    storefront http://localhost:${port}/demo
  Press Ctrl-C to stop. The data stays in ${dataDir}.
`);
}

main().catch((e: Error) => {
  console.error(`[demo] ${e.message}`);
  stopping = true;
  if (server && server.exitCode === null) {
    server.on("exit", () => process.exit(1));
    server.kill("SIGTERM");
  } else process.exit(1);
});
