// GET, PUT (update the draft) and DELETE one flow, docs/api.md §5.
import { route } from "@/lib/http/route";
import { FlowUpdateBody } from "@/lib/flow/schema";
import { deleteFlow, getFlow, updateFlow } from "@/lib/flow-store/store";
import { audit } from "@/lib/audit";

export const GET = route({ name: "flows.get", access: "viewer" }, async ({ db, params }) => getFlow(db, params.id));

export const PUT = route({ name: "flows.update", access: "editor", body: FlowUpdateBody }, async ({ db, params, body }) =>
  updateFlow(db, params.id, body),
);

export const DELETE = route({ name: "flows.delete", access: "editor" }, async ({ db, params, principal }) => {
  await deleteFlow(db, params.id);
  await audit(db, principal.actor, "flow.delete", params.id);
  return new Response(null, { status: 204 });
});
