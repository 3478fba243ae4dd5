// DELETE /api/v1/keys/:id: revoke a key; it stops working at once on this instance, within seconds elsewhere.
import { route } from "@/lib/http/route";
import { revokeKey } from "@/lib/auth/keys";
import { notFound } from "@/lib/http/errors";
import { audit } from "@/lib/audit";

export const DELETE = route({ name: "keys.revoke", access: "admin" }, async ({ db, params, principal }) => {
  if (!(await revokeKey(db, params.id))) throw notFound("Active key");
  await audit(db, principal.actor, "key.revoke", params.id);
  return new Response(null, { status: 204 });
});
