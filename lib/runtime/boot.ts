// Start-up of a Pathwise process: database and migrations first, then the bootstrap admin, then the
// worker (timers and deliveries) in the same process unless asked not to.
import { getDb } from "@/lib/db/client";
import { bootstrapAdmin } from "@/lib/auth/accounts";
import { startWorker } from "./worker";
import { registerHandlers } from "./handlers";

const holder = globalThis as unknown as { __pathwiseBooted?: Promise<void> };

export function boot(opts: { worker: boolean }): Promise<void> {
  holder.__pathwiseBooted ??= (async () => {
    const db = await getDb();
    const admin = await bootstrapAdmin(db);
    if (admin) console.log(`[pathwise] admin account ${admin.email} is ready`);
    if (opts.worker) {
      registerHandlers();
      startWorker();
    }
  })();
  return holder.__pathwiseBooted;
}
