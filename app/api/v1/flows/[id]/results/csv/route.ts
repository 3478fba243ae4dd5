// GET /api/v1/flows/:id/results/csv?from=&to=: the results as a CSV download.
import { route } from "@/lib/http/route";
import { getFlowResults } from "@/lib/results/results";
import { resultsCsv } from "@/lib/results/csv";
import { parseRange } from "@/lib/results/stats";
import { loadSettings } from "@/lib/ingest/settings";

export const GET = route({ name: "flows.results.csv", access: "viewer" }, async ({ db, params, url }) => {
  const results = await getFlowResults(db.sql, params.id, parseRange(url), { globalControlPercent: (await loadSettings(db.sql)).globalControl.percent });
  const slug = results.flow.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "flow";
  return new Response(resultsCsv(results), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${slug}-results.csv"`, "cache-control": "no-store" },
  });
});
