// Test-only worker for the two-worker timer fault test: the real `npm run worker` entry point
// (scripts/worker.ts) plus a "fault-probe" queue whose handler records every execution, kept out of
// the product's handlers so no production process ever registers it.
import { registerJobHandler } from "@/lib/runtime/jobs";

const name = process.env.PATHWISE_FAULT_PROBE_WORKER ?? String(process.pid);
const holdMs = Number(process.env.PATHWISE_FAULT_PROBE_HOLD_MS ?? 0);

registerJobHandler(
  "fault-probe",
  async (job, { db }) => {
    // Every execution is logged; the effect row is inserted once per timer (idempotent by its key),
    // which is what a real handler does with its touchpoint or step key.
    await db.sql.query(`INSERT INTO fault_probe_runs (job_key, worker) VALUES ($1, $2)`, [job.key, name]);
    if (holdMs) await new Promise((r) => setTimeout(r, holdMs));
    await db.sql.query(`INSERT INTO fault_probe (job_key, worker) VALUES ($1, $2) ON CONFLICT (job_key) DO NOTHING`, [job.key, name]);
  },
  { leaseMs: Number(process.env.PATHWISE_FAULT_PROBE_LEASE_MS ?? 3000) },
);

void import("../worker");
