// GET /api/v1/users/:userId (the profile, docs/api.md §7) and DELETE (erase the person, 204).
import { route } from "@/lib/http/route";
import { notFound } from "@/lib/http/errors";
import { getProfile } from "@/lib/profiles/read";
import { eraseProfile } from "@/lib/profiles/privacy";
import { audit } from "@/lib/audit";

export const GET = route({ name: "users.get", access: "viewer" }, async ({ db, params }) => {
  const profile = await getProfile(db.sql, params.userId);
  if (!profile) throw notFound("User");
  return profile;
});

export const DELETE = route({ name: "users.erase", access: "admin" }, async ({ db, params, principal }) => {
  const erased = await eraseProfile(db, params.userId);
  if (!erased) throw notFound("User");
  await audit(db, principal.actor, "user.erase", params.userId, { ...erased });
  return new Response(null, { status: 204 });
});
