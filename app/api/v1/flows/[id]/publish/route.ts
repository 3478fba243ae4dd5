// POST /api/v1/flows/:id/publish: a new immutable version; 422 listing the problems if any remain.
import { route } from "@/lib/http/route";
import { publishFlow } from "@/lib/flows/store";
import { audit } from "@/lib/audit";

export const POST = route({ name: "flows.publish", access: "editor" }, async ({ db, params, principal }) => {
  const result = await publishFlow(db, params.id, principal.actor);
  await audit(db, principal.actor, "flow.publish", params.id, { version: result.version });
  return { id: result.id, status: result.status, version: result.version };
});
