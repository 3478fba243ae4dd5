// GET /api/v1/overview?days=30: the home dashboard (flows with entered, converted and a sparkline;
// event volume; alerts).
import { route } from "@/lib/http/route";
import { getOverview } from "@/lib/results/overview";
import { badRequest } from "@/lib/http/errors";

export const GET = route({ name: "overview", access: "viewer" }, async ({ db, url }) => {
  const raw = url.searchParams.get("days");
  const days = raw === null || raw === "" ? 30 : Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > 365) throw badRequest("days must be a whole number from 1 to 365", [{ path: "days", message: "Expected 1–365" }]);
  return getOverview(db.sql, { days });
});
