// GET /api/metrics: Prometheus text format, for a secret key or the metrics token.
import { getDb } from "@/lib/db/client";
import { errorResponse } from "@/lib/http/errors";
import { metrics } from "@/lib/http/metrics";
import { assertMetricsAccess } from "@/lib/http/metrics-access";
import { collectDomainMetrics } from "@/lib/runtime/metrics";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  try {
    await assertMetricsAccess(req, await getDb());
  } catch (err) {
    return errorResponse(err);
  }
  const m = metrics();
  await collectDomainMetrics().catch(() => undefined);
  return new Response(await m.registry.metrics(), { headers: { "content-type": m.registry.contentType } });
}
