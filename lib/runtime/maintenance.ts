// Upkeep of the events table: monthly partitions created ahead of time, and retention that drops whole
// partitions (and forgets messageId claims) older than PATHWISE_EVENTS_RETENTION_DAYS. Runs as a
// recurring job of the worker queue (one row, key "maintenance:events"), so with several workers it
// runs once per hour, not once per process. A second recurring job of the same queue
// ("maintenance:engagement") recomputes the engagement score of idle users (engagement-decay.ts).
import { expirePopularity } from "@/lib/catalog/activity";
import type { Sql } from "@/lib/db/sql";
import type { Db } from "@/lib/db/client";
import { enqueue, type Job, type JobResult } from "./jobs";
import { decayEngagement } from "./engagement-decay";

export const MAINTENANCE_QUEUE = "maintenance";
const KEY = "maintenance:events";
const DAY = 86_400_000;

/** Months created ahead of now, so an insert never waits for a partition. */
export const MONTHS_AHEAD = 3;

/** Days of events kept (by event timestamp); null keeps them all. Unset, empty or 0: keep all. */
export function retentionDays(env: Record<string, string | undefined> = process.env): number | null {
  const raw = env.PATHWISE_EVENTS_RETENTION_DAYS;
  if (raw === undefined || raw.trim() === "") return null;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) return null;
  return Math.floor(n);
}

export type MaintenanceResult = { created: number; dropped: number; dedupeForgotten: number };

export async function maintainEvents(sql: Sql, now: Date = new Date(), keepDays: number | null = retentionDays()): Promise<MaintenanceResult> {
  const ahead = new Date(now);
  ahead.setUTCMonth(ahead.getUTCMonth() + MONTHS_AHEAD);
  const [{ created }] = await sql.query<{ created: number }>(`SELECT events_ensure_partitions($1::timestamptz, $2::timestamptz) AS created`, [now, ahead]);
  if (keepDays === null) return { created, dropped: 0, dedupeForgotten: 0 };
  const cutoff = new Date(now.getTime() - keepDays * DAY);
  const [{ dropped }] = await sql.query<{ dropped: number }>(`SELECT events_drop_partitions_before($1::timestamptz) AS dropped`, [cutoff]);
  // A claim is kept as long as events are: a retry older than that is stored again.
  const forgotten = await sql.query<{ n: number }>(`WITH d AS (DELETE FROM event_dedupe WHERE received_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [cutoff]);
  return { created, dropped, dedupeForgotten: forgotten[0].n };
}

const ENGAGEMENT_KEY = "maintenance:engagement";

/** How often the engagement score is recomputed for idle users (PATHWISE_ENGAGEMENT_DECAY_MS, default 1 h). */
export function engagementDecayMs(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env.PATHWISE_ENGAGEMENT_DECAY_MS ?? 3_600_000);
  return Number.isFinite(n) && n >= 1000 ? n : 3_600_000;
}

export async function handleMaintenance(job: Job, { db }: { db: Db }): Promise<JobResult> {
  if (job.key === ENGAGEMENT_KEY) {
    await decayEngagement(db, new Date());
    return { retryAt: new Date(Date.now() + engagementDecayMs()) };
  }
  await db.tx((sql) => maintainEvents(sql));
  // Days that left the popularity window stop counting towards `popular` (docs/api.md §9).
  await db.tx((sql) => expirePopularity(sql));
  return { retryAt: new Date(Date.now() + 3_600_000) };
}

/** Makes sure the recurring maintenance jobs exist (kept if they do): events upkeep, engagement decay. */
export async function scheduleMaintenance(sql: Sql): Promise<void> {
  await enqueue(sql, { queue: MAINTENANCE_QUEUE, key: KEY, payload: {} }, "ignore");
  await enqueue(sql, { queue: MAINTENANCE_QUEUE, key: ENGAGEMENT_KEY, payload: {} }, "ignore");
}
