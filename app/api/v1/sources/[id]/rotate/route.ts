// POST /api/v1/sources/:id/rotate: a new secret (shown once); the old one stops working at once.
import { route } from "@/lib/http/route";
import { notFound } from "@/lib/http/errors";
import { rotateSourceSecret } from "@/lib/ingest/sources";
import { audit } from "@/lib/audit";

export const POST = route({ name: "sources.rotate", access: "editor" }, async ({ db, params, principal }) => {
  const secret = await rotateSourceSecret(db, params.id);
  if (!secret) throw notFound("Source");
  await audit(db, principal.actor, "source.rotate", params.id);
  return { secret };
});
