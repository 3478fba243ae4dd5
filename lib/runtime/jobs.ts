// The durable job queue in PostgreSQL (table `jobs`): timers, deliveries, imports. Any number of
// worker processes claim due jobs with FOR UPDATE SKIP LOCKED under a lease, so no job is run by two
// workers at once and a job whose worker died is picked up again when its lease ends. Handlers must be
// idempotent (they are retried after a crash); deliveries use the touchpoint's key for that.
import type { Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import { RENDER_BUDGET_MS, withRenderBudget } from "@/lib/liquid/budget";
import { wakeWorker } from "./wake";

export type Job<P = Record<string, unknown>> = {
  id: number;
  /** The person the job is about ('' for workspace jobs): its shard key. */
  profile_id: string;
  queue: string;
  key: string | null;
  payload: P;
  run_at: Date;
  attempts: number;
  max_attempts: number;
  created_at: Date;
};

export type JobResult = void | { retryAt?: Date };
export type JobHandler = (job: Job, ctx: { db: Db; workerId: string }) => Promise<JobResult>;
/** Called once when a job has failed max_attempts times (e.g. to record a touchpoint as failed). */
export type ExhaustedHandler = (job: Job, error: string, ctx: { db: Db }) => Promise<void>;

const handlers = new Map<string, { run: JobHandler; exhausted?: ExhaustedHandler; leaseMs: number }>();

export function registerJobHandler(queue: string, run: JobHandler, opts: { exhausted?: ExhaustedHandler; leaseMs?: number } = {}) {
  handlers.set(queue, { run, exhausted: opts.exhausted, leaseMs: opts.leaseMs ?? 60_000 });
}

export function registeredQueues(): string[] {
  return [...handlers.keys()];
}

/** The given queues grouped by their handler's lease, so each job is claimed under its own lease. */
export function queuesByLease(queues: string[]): [number, string[]][] {
  const groups = new Map<number, string[]>();
  for (const q of queues) {
    const lease = handlers.get(q)?.leaseMs ?? 60_000;
    groups.set(lease, [...(groups.get(lease) ?? []), q]);
  }
  return [...groups.entries()];
}

export type NewJob = { queue: string; key?: string; payload?: unknown; runAt?: Date; maxAttempts?: number; profileId?: string };

/**
 * Adds a job inside the caller's transaction (the outbox). With a key, a job that exists already is
 * kept (`ignore`) or moved to the new time and payload (`replace`, e.g. an inactivity check).
 */
export async function enqueue(sql: Sql, job: NewJob, onConflict: "ignore" | "replace" = "ignore"): Promise<void> {
  await enqueueMany(sql, [job], onConflict);
}

export async function enqueueMany(sql: Sql, jobs: NewJob[], onConflict: "ignore" | "replace" = "ignore"): Promise<void> {
  if (!jobs.length) return;
  const values: unknown[] = [];
  const rows = jobs.map((j, i) => {
    values.push(j.queue, j.key ?? null, JSON.stringify(j.payload ?? {}), j.runAt ?? new Date(), j.maxAttempts ?? 8, j.profileId ?? "");
    const b = i * 6;
    return `($${b + 1}, $${b + 2}, $${b + 3}::jsonb, $${b + 4}::timestamptz, $${b + 5}, $${b + 6})`;
  });
  const conflict =
    onConflict === "replace"
      ? `ON CONFLICT (profile_id, key) DO UPDATE SET payload = EXCLUDED.payload, run_at = EXCLUDED.run_at, attempts = 0, last_error = NULL, locked_by = NULL, locked_until = NULL`
      : `ON CONFLICT (profile_id, key) DO NOTHING`;
  await sql.query(`INSERT INTO jobs (queue, key, payload, run_at, max_attempts, profile_id) VALUES ${rows.join(", ")} ${conflict}`, values);
  // The worker can claim the jobs once they are committed: wake it then, once per transaction.
  sql.afterCommit(wakeWorker);
}

export async function cancelJob(sql: Sql, key: string, profileId = ""): Promise<void> {
  await sql.query(`DELETE FROM jobs WHERE profile_id = $2 AND key = $1`, [key, profileId]);
}

/** Claims up to `limit` due jobs of the given queues for this worker, under a lease. */
export async function claimJobs(db: Db, workerId: string, limit: number, queues: string[], leaseMs = 60_000): Promise<Job[]> {
  if (!queues.length) return [];
  return db.tx((sql) =>
    sql.query<Job>(
      `UPDATE jobs SET locked_by = $1, locked_until = now() + ($2::int * interval '1 millisecond'), attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM jobs
           WHERE run_at <= now() AND queue = ANY($3::text[]) AND (locked_until IS NULL OR locked_until < now())
           ORDER BY run_at, id
           LIMIT $4
           FOR UPDATE SKIP LOCKED)
        RETURNING id, profile_id, queue, key, payload, run_at, attempts, max_attempts, created_at`,
      [workerId, leaseMs, queues, limit],
    ),
  );
}

export async function completeJob(db: Db, job: Job, workerId: string): Promise<void> {
  await db.sql.query(`DELETE FROM jobs WHERE profile_id = $3 AND id = $1 AND locked_by = $2`, [job.id, workerId, job.profile_id]);
}

export function backoffMs(attempts: number): number {
  return Math.min(2 ** Math.max(0, attempts - 1) * 1000, 3_600_000);
}

/** Runs one claimed job and records what happened: done, retry later, or exhausted. */
export async function runJob(db: Db, job: Job, workerId: string): Promise<"done" | "retry" | "exhausted"> {
  const h = handlers.get(job.queue);
  if (!h) {
    await db.sql.query(`UPDATE jobs SET locked_by = NULL, locked_until = NULL, last_error = $2 WHERE profile_id = $3 AND id = $1`, [job.id, `no handler for queue ${job.queue}`, job.profile_id]);
    return "retry";
  }
  try {
    // One job run (a timer, a delivery) renders within one budget, like one request.
    const result = await withRenderBudget(RENDER_BUDGET_MS, () => h.run(job, { db, workerId }));
    if (result && result.retryAt) {
      await db.sql.query(`UPDATE jobs SET run_at = $2, attempts = 0, locked_by = NULL, locked_until = NULL WHERE profile_id = $4 AND id = $1 AND locked_by = $3`, [
        job.id,
        result.retryAt,
        workerId,
        job.profile_id,
      ]);
      return "retry";
    }
    await completeJob(db, job, workerId);
    return "done";
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (job.attempts >= job.max_attempts) {
      try {
        await h.exhausted?.(job, message, { db });
      } finally {
        await completeJob(db, job, workerId);
      }
      return "exhausted";
    }
    await db.sql.query(
      `UPDATE jobs SET run_at = now() + ($2::int * interval '1 millisecond'), locked_by = NULL, locked_until = NULL, last_error = $3 WHERE profile_id = $5 AND id = $1 AND locked_by = $4`,
      [job.id, backoffMs(job.attempts), message.slice(0, 1000), workerId, job.profile_id],
    );
    return "retry";
  }
}
