// OpenAPI entries for the results endpoints: stats (docs/api.md §5), the dashboard's data, CSV, overview.
import type { Endpoint } from "@/lib/http/openapi";
import { FlowStats } from "./flow-stats";
import { FlowResults } from "./results";
import { Overview } from "./overview";

const range = {
  from: "ISO 8601 date or time: only runs that entered at or after it (UTC days for whole dates)",
  to: "ISO 8601 date or time: only runs that entered before it",
};

export const endpoints: Endpoint[] = [
  {
    method: "get",
    path: "/api/v1/flows/:id/stats",
    summary: "Counts for the runs that entered in [from, to): entered, active, completed, converted, per node, per variant, holdout",
    tag: "Results",
    access: "viewer",
    response: FlowStats,
    errors: [400, 404],
    query: range,
  },
  { method: "get", path: "/api/v1/flows/:id/results", summary: "The results dashboard: funnel, outcomes, daily series, time to convert, variants and holdout with intervals", tag: "Results", access: "viewer", response: FlowResults, errors: [400, 404], query: range },
  { method: "get", path: "/api/v1/flows/:id/results/csv", summary: "The results dashboard as a CSV download (text/csv)", tag: "Results", access: "viewer", responseType: "text/csv", errors: [400, 404], query: range },
  { method: "get", path: "/api/v1/overview", summary: "Home: flows with entered, converted and a daily sparkline; event volume; alerts", tag: "Results", access: "viewer", response: Overview, errors: [400], query: { days: "How many days the flows' numbers and sparklines cover (1–365, default 30)" } },
];
