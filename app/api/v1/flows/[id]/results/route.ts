// GET /api/v1/flows/:id/results?from=&to=: the results dashboard's data (funnel, outcomes, daily,
// time to convert, variants and holdout with their statistics).
import { route } from "@/lib/http/route";
import { getFlowResults } from "@/lib/results/results";
import { parseRange } from "@/lib/results/stats";
import { loadSettings } from "@/lib/ingest/settings";

export const GET = route({ name: "flows.results", access: "viewer" }, async ({ db, params, url }) => getFlowResults(db.sql, params.id, parseRange(url), { globalControlPercent: (await loadSettings(db.sql)).globalControl.percent }));
