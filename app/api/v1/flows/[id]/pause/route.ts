// POST /api/v1/flows/:id/pause: no new entries and no messages; runs hold where they are.
import { route } from "@/lib/http/route";
import { setFlowStatus } from "@/lib/flow-store/store";
import { audit } from "@/lib/audit";

export const POST = route({ name: "flows.pause", access: "editor" }, async ({ db, params, principal }) => {
  const result = await setFlowStatus(db, params.id, "paused");
  await audit(db, principal.actor, "flow.pause", params.id);
  return result;
});
