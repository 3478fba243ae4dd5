// The background worker: claims due jobs (timers, deliveries, imports) from the durable queue and runs
// them. Runs inside the server by default, or alone with `npm run worker` (several against one
// PostgreSQL). Handlers are registered by lib/runtime/handlers.ts.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { getDb } from "@/lib/db/client";
import { claimJobs, queuesByLease, registeredQueues, runJob, type Job } from "./jobs";
import { registerHandlers } from "./handlers";
import { scheduleMaintenance } from "./maintenance";

export type WorkerOptions = { pollMs?: number; batch?: number; concurrency?: number; queues?: string[] };
export type WorkerHandle = { id: string; stop: () => Promise<void>; wake: () => void };

const holder = globalThis as unknown as { __pathwiseWorker?: WorkerHandle };

export function startWorker(opts: WorkerOptions = {}): WorkerHandle {
  if (holder.__pathwiseWorker) return holder.__pathwiseWorker;
  registerHandlers();
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const pollMs = opts.pollMs ?? Number(process.env.PATHWISE_WORKER_POLL_MS ?? 200);
  const batch = opts.batch ?? Number(process.env.PATHWISE_WORKER_CONCURRENCY ?? 50);
  let stopped = false;
  let wakeUp: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        wakeUp = null;
        resolve();
      }, ms);
      wakeUp = () => {
        clearTimeout(t);
        wakeUp = null;
        resolve();
      };
    });

  // Up to `concurrency` jobs run at once, and a free slot is refilled as soon as it frees up: a slow job
  // (a hanging webhook) holds one slot until its own timeout and never delays other users' timers.
  const concurrency = opts.concurrency ?? batch;
  const inflight = new Set<Promise<void>>();
  const loop = (async () => {
    const db = await getDb();
    // Events partitions ahead and retention: one recurring job shared by every worker.
    if (!opts.queues || opts.queues.includes("maintenance")) await scheduleMaintenance(db.sql).catch((err) => console.error("[worker] maintenance not scheduled:", err instanceof Error ? err.message : err));
    while (!stopped) {
      let claimed = 0;
      let room = concurrency - inflight.size;
      try {
        const queues = opts.queues ?? registeredQueues();
        // Claimed per lease group: a delivery's lease outlasts its timeout, a timer's stays short so a
        // crashed worker's timers are picked up again soon.
        for (const [leaseMs, group] of queuesByLease(queues)) {
          if (room <= 0) break;
          const jobs: Job[] = await claimJobs(db, id, room, group, leaseMs);
          claimed += jobs.length;
          room -= jobs.length;
          for (const job of jobs) {
            const p: Promise<void> = runJob(db, job, id)
              .then(() => undefined)
              .catch((err) => console.error(`[worker] job ${job.id} crashed:`, err))
              .finally(() => {
                inflight.delete(p);
                wakeUp?.();
              });
            inflight.add(p);
          }
        }
      } catch (err) {
        if (!stopped) console.error("[worker] poll failed:", err instanceof Error ? err.message : err);
      }
      if (!stopped && (claimed === 0 || room <= 0)) await sleep(pollMs);
    }
    await Promise.all([...inflight]);
  })();

  const handle: WorkerHandle = {
    id,
    wake: () => wakeUp?.(),
    stop: async () => {
      stopped = true;
      wakeUp?.();
      await loop;
      holder.__pathwiseWorker = undefined;
    },
  };
  holder.__pathwiseWorker = handle;
  return handle;
}

/** Asks the in-process worker (if any) to poll now, e.g. right after an outbox write. */
export function wakeWorker() {
  holder.__pathwiseWorker?.wake();
}
