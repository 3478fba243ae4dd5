// POST /api/v1/flows/:id/resume: a paused flow takes entries and sends messages again.
import { route } from "@/lib/http/route";
import { setFlowStatus } from "@/lib/flow-store/store";
import { audit } from "@/lib/audit";

export const POST = route({ name: "flows.resume", access: "editor" }, async ({ db, params, principal }) => {
  const result = await setFlowStatus(db, params.id, "active");
  await audit(db, principal.actor, "flow.resume", params.id);
  return result;
});
