// GET /api/health: 200 {"status":"ok"} once the database answers (migrations are applied by then).
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const db = await getDb();
    await db.sql.query("SELECT 1");
    return Response.json({ status: "ok" });
  } catch (err) {
    console.error("[health]", err);
    return Response.json({ status: "error", error: { code: "database_unavailable", message: "The database does not answer", details: [] } }, { status: 503 });
  }
}
