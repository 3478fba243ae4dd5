// Runs once when a server process starts: opens the database (applying migrations) before the first
// request, ensures the bootstrap admin, and starts the background worker unless PATHWISE_WORKER=off.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { boot } = await import("./lib/runtime/boot");
  await boot({ worker: process.env.PATHWISE_WORKER !== "off" });
}
