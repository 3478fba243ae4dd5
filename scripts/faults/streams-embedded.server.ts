// A consuming process on the embedded store for the fault test: opens PGlite under DATA_DIR, runs the
// stream consumers as `npm start` does, and prints how many fault-test events the store holds.
import { getDb, closeDb } from "@/lib/db/client";
import { startStreams } from "@/lib/streams/manager";

async function main() {
  const db = await getDb();
  const streams = startStreams(db, { pollMs: 200 });
  const report = setInterval(async () => {
    const [r] = await db.sql.query<{ n: number; d: number }>(`SELECT count(*)::int AS n, count(DISTINCT message_id)::int AS d FROM events WHERE name = 'Fault Test'`);
    process.stdout.write(`stored ${r.n} ${r.d}\n`);
  }, 200);
  const stop = async () => {
    clearInterval(report);
    await streams.stop();
    await closeDb();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
