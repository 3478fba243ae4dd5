// GET /api/v1/flows/:id/versions/:version: one published version, read-only.
import { route } from "@/lib/http/route";
import { getVersion } from "@/lib/flow-store/store";
import { notFound } from "@/lib/http/errors";

export const GET = route({ name: "flows.version", access: "viewer" }, async ({ db, params }) => {
  const n = Number(params.version);
  if (!Number.isInteger(n) || n < 1) throw notFound("Flow version");
  return getVersion(db, params.id, n);
});
