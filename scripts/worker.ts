// `npm run worker`: the background worker and the stream-source consumers alone (scale-out: several
// against one PostgreSQL).
import { getDb, closeDb } from "@/lib/db/client";
import { startWorker } from "@/lib/runtime/worker";
import { streamsWanted } from "@/lib/runtime/boot";
import { startStreams } from "@/lib/streams/manager";

async function main() {
  if (!process.env.DATABASE_URL) {
    console.error("npm run worker needs DATABASE_URL: the embedded store belongs to one process (npm start runs its own worker).");
    process.exit(2);
  }
  const db = await getDb();
  const worker = startWorker();
  const streams = streamsWanted() ? startStreams(db) : null;
  console.log(`[worker] ${worker.id} running${streams ? `, stream consumers on (${streams.instance})` : ""}`);
  const stop = async () => {
    await streams?.stop();
    await worker.stop();
    await closeDb();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err) => {
  console.error("[worker] failed to start:", err);
  process.exit(1);
});
