// The background worker: claims due jobs (timers, deliveries, imports) from the durable queue and runs
// them. Runs inside the server by default, or alone with `npm run worker` (several against one
// PostgreSQL). Handlers are registered by lib/runtime/handlers.ts.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { getDb } from "@/lib/db/client";
import { claimJobs, registeredQueues, runJob } from "./jobs";
import { registerHandlers } from "./handlers";

export type WorkerOptions = { pollMs?: number; batch?: number; concurrency?: number; queues?: string[] };
export type WorkerHandle = { id: string; stop: () => Promise<void>; wake: () => void };

const holder = globalThis as unknown as { __pathwiseWorker?: WorkerHandle };

export function startWorker(opts: WorkerOptions = {}): WorkerHandle {
  if (holder.__pathwiseWorker) return holder.__pathwiseWorker;
  registerHandlers();
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const pollMs = opts.pollMs ?? Number(process.env.PATHWISE_WORKER_POLL_MS ?? 200);
  const batch = opts.batch ?? 50;
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

  const loop = (async () => {
    const db = await getDb();
    while (!stopped) {
      let claimed = 0;
      try {
        const queues = opts.queues ?? registeredQueues();
        const jobs = await claimJobs(db, id, batch, queues);
        claimed = jobs.length;
        // Jobs of one batch run concurrently; one slow job (a hanging webhook) never blocks the queue
        // for long because each delivery has its own timeout.
        await Promise.all(jobs.map((job) => runJob(db, job, id).catch((err) => console.error(`[worker] job ${job.id} crashed:`, err))));
      } catch (err) {
        if (!stopped) console.error("[worker] poll failed:", err instanceof Error ? err.message : err);
      }
      if (!stopped && claimed < batch) await sleep(pollMs);
    }
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
