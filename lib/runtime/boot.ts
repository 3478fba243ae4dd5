// Start-up of a Pathwise process: database and migrations first, then the bootstrap admin, then the
// worker (timers and deliveries) and the stream-source consumers in the same process unless asked not to.
import { getDb } from "@/lib/db/client";
import { bootstrapAdmin } from "@/lib/auth/accounts";
import { startStreams } from "@/lib/streams/manager";
import { startWorker } from "./worker";

const holder = globalThis as unknown as { __pathwiseBooted?: Promise<void>; __pathwiseShutdown?: () => Promise<void> };

/** Stream consumers run wherever the worker runs, unless PATHWISE_STREAMS=off. */
export const streamsWanted = () => process.env.PATHWISE_STREAMS !== "off";

export function boot(opts: { worker: boolean }): Promise<void> {
  holder.__pathwiseBooted ??= (async () => {
    const db = await getDb();
    const admin = await bootstrapAdmin(db);
    if (admin) console.log(`[pathwise] admin account ${admin.email} is ready`);
    if (opts.worker) startWorker();
    if (opts.worker && streamsWanted()) {
      const streams = startStreams(db);
      // `npm start` calls this on SIGTERM/SIGINT before it exits: work in hand is acknowledged, the rest
      // goes back to the broker for the other instances.
      holder.__pathwiseShutdown = () => streams.stop();
    }
  })();
  return holder.__pathwiseBooted;
}
