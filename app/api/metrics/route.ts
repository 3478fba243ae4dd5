// GET /api/metrics: Prometheus text format.
import { metrics } from "@/lib/http/metrics";
import { collectDomainMetrics } from "@/lib/runtime/metrics";

export const dynamic = "force-dynamic";

export async function GET() {
  const m = metrics();
  await collectDomainMetrics().catch(() => undefined);
  return new Response(await m.registry.metrics(), { headers: { "content-type": m.registry.contentType } });
}
