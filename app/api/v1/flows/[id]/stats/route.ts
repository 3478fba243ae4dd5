// GET /api/v1/flows/:id/stats?from=&to= (docs/api.md §5): counts for the runs that entered in the range.
import { route } from "@/lib/http/route";
import { getFlowStats, parseRange } from "@/lib/results/flow-stats";

export const GET = route({ name: "flows.stats", access: "viewer" }, async ({ db, params, url }) => getFlowStats(db.sql, params.id, parseRange(url)));
