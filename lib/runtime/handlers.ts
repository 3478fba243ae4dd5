// Registers every job handler of the worker. Each area adds one line for its queue.
import { registerJobHandler } from "./jobs";
import { handleInactivity, handleTimer } from "./timers";
import { deliverLeaseMs, handleDeliver, onDeliverExhausted } from "./deliver";
import { handleImportExhausted, handleImportJob } from "@/lib/ingest/import";
import { handleMaintenance, MAINTENANCE_QUEUE } from "./maintenance";
import { FETCH_QUEUE, handleFetch, onFetchExhausted } from "./fetch";

let done = false;

export function registerHandlers() {
  if (done) return;
  done = true;
  registerJobHandler("timer", handleTimer, { leaseMs: 30_000 });
  registerJobHandler("inactivity", handleInactivity, { leaseMs: 30_000 });
  registerJobHandler("deliver", handleDeliver, { exhausted: onDeliverExhausted, leaseMs: deliverLeaseMs() });
  registerJobHandler("import", handleImportJob, { exhausted: handleImportExhausted, leaseMs: 60_000 });
  // A fetch waits at most PT10S for its answer (docs/api.md §5): the lease outlasts one attempt.
  registerJobHandler(FETCH_QUEUE, handleFetch, { exhausted: onFetchExhausted, leaseMs: 60_000 });
  registerJobHandler(MAINTENANCE_QUEUE, handleMaintenance, { leaseMs: 300_000 });
}
