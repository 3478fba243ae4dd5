// Who may read /api/metrics: a secret API key, or the scrape token PATHWISE_METRICS_TOKEN (a
// Prometheus server gets a token that opens nothing else). The figures tell an outsider about traffic,
// flows and queues, so they are not public.
import { timingSafeEqual, createHash } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { authenticate } from "./route";
import { ApiError } from "./errors";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** Throws 401 (nobody or an unknown key) or 403 (a write key, a console session) unless allowed. */
export async function assertMetricsAccess(req: Request, db: Db): Promise<void> {
  const header = req.headers.get("authorization") ?? "";
  const token = /^bearer\s+(.+)$/i.exec(header.trim())?.[1];
  const expected = process.env.PATHWISE_METRICS_TOKEN;
  if (token && expected && timingSafeEqual(digest(token), digest(expected))) return;
  const principal = await authenticate(req, db);
  if (principal?.kind === "secret") return;
  if (principal) throw new ApiError(403, "forbidden", "Metrics need a secret API key or the metrics token (PATHWISE_METRICS_TOKEN)");
  throw new ApiError(401, "unauthorized", "Metrics need a secret API key or the metrics token (PATHWISE_METRICS_TOKEN) as a Bearer token");
}
