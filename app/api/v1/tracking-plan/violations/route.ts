// GET /api/v1/tracking-plan/violations?limit=: the latest events accepted with tracking-plan violations.
import { route } from "@/lib/http/route";
import { recentViolations } from "@/lib/ingest/violations";

export const GET = route({ name: "tracking_plan.violations", access: "viewer" }, async ({ db, url }) => ({
  violations: await recentViolations(db.sql, Number(url.searchParams.get("limit") ?? 50)),
}));
