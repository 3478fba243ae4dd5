// GET /api/v1/flows/:id/trigger-funnel?from=&to=&sample=: who sent the trigger event, what each test let through, who entered.
import { route } from "@/lib/http/route";
import { parseFunnelQuery, triggerFunnel } from "@/lib/why/trigger-funnel";

export const GET = route({ name: "flows.triggerFunnel", access: "viewer" }, async ({ db, params, url }) => triggerFunnel(db, params.id, parseFunnelQuery(url)));
