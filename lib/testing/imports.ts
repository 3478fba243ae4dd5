// Runs queued import jobs the way the worker would, for tests of bulk imports.
import type { Db } from "@/lib/db/client";
import { claimJobs, registerJobHandler, runJob } from "@/lib/runtime/jobs";
import { handleImportExhausted, handleImportJob } from "@/lib/ingest/import";

/** Runs queued import jobs until none is left (as the worker would). */
export async function drainImports(db: Db) {
  registerJobHandler("import", handleImportJob, { exhausted: handleImportExhausted });
  for (let i = 0; i < 1000; i++) {
    const jobs = await claimJobs(db, "test-worker", 1, ["import"]);
    if (!jobs.length) {
      const [{ n }] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE queue = 'import'`);
      if (!n) return;
      continue;
    }
    for (const j of jobs) await runJob(db, j, "test-worker");
  }
}
