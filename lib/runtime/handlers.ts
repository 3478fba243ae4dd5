// Registers every job handler of the worker. Each area adds one line for its queue.
import { registerJobHandler } from "./jobs";
import { handleImportJob } from "@/lib/ingest/import";
let done = false;

export function registerHandlers() {
  if (done) return;
  done = true;
  registerJobHandler("import", handleImportJob, { leaseMs: 60_000 });
}
