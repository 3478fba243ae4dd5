// The endpoints the data plane serves in front of Next (docs/api.md §4 ingestion with analytics.js's
// short paths, /decide, /outcomes, and /api/health, which load balancers poll: it must keep answering
// while Next renders console pages). The build bundles the route module of each one that exists under
// app/; a path listed here without a route file is simply left to Next.
export const DATA_PLANE_PATHS = [
  "/api/v1/track",
  "/api/v1/identify",
  "/api/v1/page",
  "/api/v1/screen",
  "/api/v1/group",
  "/api/v1/alias",
  "/api/v1/batch",
  "/api/v1/t",
  "/api/v1/i",
  "/api/v1/p",
  "/api/v1/s",
  "/api/v1/g",
  "/api/v1/a",
  "/api/v1/b",
  "/api/v1/decide",
  "/api/v1/outcomes",
  "/api/health",
] as const;

/** A route module as Next sees it: one export per HTTP method. */
export type RouteModule = Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "HEAD", unknown>>;
