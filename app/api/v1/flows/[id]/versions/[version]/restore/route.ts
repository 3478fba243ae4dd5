// POST /api/v1/flows/:id/versions/:version/restore: that version becomes the draft (roll back).
import { route } from "@/lib/http/route";
import { restoreVersion } from "@/lib/flow-store/store";
import { notFound } from "@/lib/http/errors";
import { audit } from "@/lib/audit";

export const POST = route({ name: "flows.restore", access: "editor" }, async ({ db, params, principal }) => {
  const n = Number(params.version);
  if (!Number.isInteger(n) || n < 1) throw notFound("Flow version");
  const flow = await restoreVersion(db, params.id, n);
  await audit(db, principal.actor, "flow.restore", params.id, { version: n });
  return flow;
});
