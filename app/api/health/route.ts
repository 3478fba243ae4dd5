// GET /api/health: 200 {"status":"ok"} once the database answers (migrations are applied by then).
// Served by the data plane (lib/dataplane/paths.ts). A success is remembered for HEALTH_FRESH_MS: load
// balancers and monitors poll it, and under load the database should serve requests, not one check per
// poll; a failure is never remembered (every call checks again until the database answers).
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

const HEALTH_FRESH_MS = 250;
const holder = globalThis as unknown as { __pathwiseHealthOk?: number };

export async function GET() {
  try {
    const now = Date.now();
    if (!(now - (holder.__pathwiseHealthOk ?? -Infinity) < HEALTH_FRESH_MS)) {
      const db = await getDb();
      await db.sql.query("SELECT 1");
      holder.__pathwiseHealthOk = Date.now();
    }
    return Response.json({ status: "ok" });
  } catch (err) {
    holder.__pathwiseHealthOk = undefined;
    console.error("[health]", err);
    return Response.json({ status: "error", error: { code: "database_unavailable", message: "The database does not answer", details: [] } }, { status: 503 });
  }
}
