// GET /api/v1/users/:userId/export: everything stored about the person (data access request).
import { route } from "@/lib/http/route";
import { notFound } from "@/lib/http/errors";
import { exportProfile } from "@/lib/profiles/privacy";
import { audit } from "@/lib/audit";

export const GET = route({ name: "users.export", access: "admin" }, async ({ db, params, principal }) => {
  const data = await exportProfile(db.sql, params.userId);
  if (!data) throw notFound("User");
  await audit(db, principal.actor, "user.export", params.userId);
  return Response.json(data, { headers: { "content-disposition": `attachment; filename="user-export.json"` } });
});
