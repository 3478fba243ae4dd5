// Domain gauges read at scrape time (outbox depth, due timers); counters are incremented where the
// work happens.
import { getDb } from "@/lib/db/client";
import { metrics } from "@/lib/http/metrics";

export async function collectDomainMetrics() {
  const db = await getDb();
  const m = metrics();
  const rows = await db.sql.query<{ queue: string; due: number; total: number; lag: number | null }>(
    `SELECT queue, count(*) FILTER (WHERE run_at <= now()) AS due, count(*) AS total,
            EXTRACT(EPOCH FROM (now() - min(run_at) FILTER (WHERE run_at <= now())))::float8 AS lag
       FROM jobs GROUP BY queue`,
  );
  const depth = m.gauge("pathwise_jobs_pending", "Jobs waiting in the durable queue, by queue", ["queue"]);
  const due = m.gauge("pathwise_jobs_due", "Jobs whose time has come, by queue (outbox depth for deliver)", ["queue"]);
  const lag = m.gauge("pathwise_jobs_lag_seconds", "Age of the oldest due job, by queue (timer lag)", ["queue"]);
  depth.reset();
  due.reset();
  lag.reset();
  for (const r of rows) {
    depth.set({ queue: r.queue }, r.total);
    due.set({ queue: r.queue }, r.due);
    lag.set({ queue: r.queue }, r.lag ?? 0);
  }
}
