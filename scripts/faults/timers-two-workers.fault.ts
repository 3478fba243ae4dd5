// Fault test: two worker processes (`npm run worker`'s entry, with a test-only probe queue) on one
// fresh PostgreSQL database fire 10,000 due timers; one is killed with SIGKILL midway. Every timer
// must fire (no miss), its effect must be recorded once (no duplicate), the jobs the killed worker
// held must be handed to the survivor when their lease ends, and only those may have run twice.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDb, type Db } from "@/lib/db/client";
import { createPgDatabase } from "@/lib/testing/db";
import { enqueueMany, type NewJob } from "@/lib/runtime/jobs";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const TIMERS = Number(process.env.FAULT_TIMERS ?? 10_000);
const LEASE_MS = 3_000;
const CONCURRENCY = 25;

let db: Db;
let drop: () => Promise<void>;
let url = "";
const children: ChildProcess[] = [];

function startWorker(name: string): ChildProcess {
  const child = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/faults/timers-two-workers.worker.ts"], {
    cwd: ROOT,
    detached: true, // its own process group: the kill reaches tsx's node child too
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: "6",
      PATHWISE_FAULT_PROBE_WORKER: name,
      PATHWISE_FAULT_PROBE_LEASE_MS: String(LEASE_MS),
      PATHWISE_FAULT_PROBE_HOLD_MS: "3",
      PATHWISE_WORKER_CONCURRENCY: String(CONCURRENCY),
      PATHWISE_WORKER_POLL_MS: "50",
    },
  });
  child.stderr?.on("data", (d: Buffer) => process.stderr.write(`[worker ${name}] ${d}`));
  children.push(child);
  return child;
}

function kill(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

const count = async (sql: string, params: unknown[] = []) => Number((await db.sql.query<{ n: number }>(sql, params))[0].n);

beforeAll(async () => {
  ({ url, drop } = await createPgDatabase("pathwise_fault_timers"));
  db = await openDb({ databaseUrl: url, poolSize: 4 });
  // The probe's tables live only in this throwaway database.
  await db.sql.exec(`
    CREATE TABLE fault_probe (job_key TEXT PRIMARY KEY, worker TEXT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp());
    CREATE TABLE fault_probe_runs (id BIGSERIAL PRIMARY KEY, job_key TEXT NOT NULL, worker TEXT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp());
  `);
});

afterAll(async () => {
  for (const c of children) kill(c);
  await db?.close();
  await drop?.();
});

it(`fires ${TIMERS} due timers across two workers, one SIGKILLed midway, with no duplicate and no miss`, async () => {
  // Timers fall due over the first two seconds, as a burst of waits ending together would.
  const start = Date.now();
  const jobs: NewJob[] = Array.from({ length: TIMERS }, (_, i) => ({ queue: "fault-probe", key: `probe:${i}`, payload: { i }, runAt: new Date(start + (i % 200) * 10) }));
  for (let i = 0; i < jobs.length; i += 1000) await enqueueMany(db.sql, jobs.slice(i, i + 1000));
  expect(await count(`SELECT count(*)::int AS n FROM jobs WHERE queue = 'fault-probe'`)).toBe(TIMERS);

  const a = startWorker("A");
  startWorker("B");
  // Kill A once both are well into the work and A holds leases.
  await until(async () => (await count(`SELECT count(*)::int AS n FROM fault_probe_runs WHERE worker = 'A'`)) >= TIMERS * 0.15 && (await count(`SELECT count(*)::int AS n FROM fault_probe_runs WHERE worker = 'B'`)) > 0, 120_000, "both workers to fire timers");
  const heldAtKill = await count(`SELECT count(*)::int AS n FROM jobs WHERE queue = 'fault-probe' AND locked_until > now()`);
  kill(a);
  const killedAt = Date.now();
  const firedAtKill = await count(`SELECT count(*)::int AS n FROM fault_probe`);

  await until(async () => (await count(`SELECT count(*)::int AS n FROM jobs WHERE queue = 'fault-probe'`)) === 0, 180_000, "every timer to be done");
  const elapsed = Date.now() - start;

  // No miss: every timer's effect is there, each once (the key is the table's primary key).
  expect(await count(`SELECT count(*)::int AS n FROM fault_probe`)).toBe(TIMERS);
  expect(await count(`SELECT count(DISTINCT job_key)::int AS n FROM fault_probe_runs`)).toBe(TIMERS);
  // Both workers did real work; the survivor finished what A left.
  const byWorker = Object.fromEntries((await db.sql.query<{ worker: string; n: number }>(`SELECT worker, count(*)::int AS n FROM fault_probe GROUP BY worker`)).map((r) => [r.worker, r.n]));
  expect(byWorker.A).toBeGreaterThan(0);
  expect(byWorker.B).toBeGreaterThan(0);
  // No duplicate: a timer ran twice only if A was running it when it died (then B, after the lease),
  // and never more than A could hold at once; B never ran a timer twice.
  const repeats = await db.sql.query<{ job_key: string; workers: string[]; n: number }>(
    `SELECT job_key, array_agg(worker ORDER BY id) AS workers, count(*)::int AS n FROM fault_probe_runs GROUP BY job_key HAVING count(*) > 1`,
  );
  expect(repeats.length).toBeLessThanOrEqual(CONCURRENCY);
  for (const r of repeats) expect(r.workers).toEqual(["A", "B"]);
  // Handed over by lease expiry: B re-ran each of them only once A's lease on it had run out.
  const gaps = await db.sql.query<{ gap_ms: number }>(
    `SELECT (extract(epoch FROM min(at) FILTER (WHERE worker = 'B') - min(at) FILTER (WHERE worker = 'A')) * 1000)::int AS gap_ms
       FROM fault_probe_runs WHERE job_key = ANY($1::text[]) GROUP BY job_key`,
    [repeats.map((r) => r.job_key)],
  );
  for (const g of gaps) expect(g.gap_ms).toBeGreaterThanOrEqual(LEASE_MS - 500);
  console.log(
    `[fault] ${TIMERS} timers in ${(elapsed / 1000).toFixed(1)} s; A fired ${byWorker.A}, B fired ${byWorker.B}; killed A after ${firedAtKill} fired with ${heldAtKill} leased; ${repeats.length} re-run after the lease (${gaps.map((g) => g.gap_ms).join(", ")} ms after A's start), each effect once; done ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`,
  );
}, 400_000);
