// GET /api/v1/sources/:id/dead-letters: messages the source could not process, newest first, with why.
import { route } from "@/lib/http/route";
import { notFound } from "@/lib/http/errors";
import { getSource } from "@/lib/ingest/sources";
import { listDeadLetters } from "@/lib/streams/dead-letters";

export const GET = route({ name: "sources.dead_letters", access: "viewer" }, async ({ db, params, url }) => {
  if (!(await getSource(db, params.id))) throw notFound("Source");
  const limit = Number(url.searchParams.get("limit") ?? 100);
  return listDeadLetters(db, params.id, { limit: Number.isFinite(limit) ? limit : 100, all: url.searchParams.get("all") === "true" });
});
