// POST /api/v1/sources/:id/resume: consumes (or accepts deliveries) again.
import { route } from "@/lib/http/route";
import { notFound } from "@/lib/http/errors";
import { setSourceEnabled } from "@/lib/ingest/sources";
import { reconcileStreams } from "@/lib/streams/manager";
import { audit } from "@/lib/audit";

export const POST = route({ name: "sources.resume", access: "editor" }, async ({ db, params, principal }) => {
  const source = await setSourceEnabled(db, params.id, true);
  if (!source) throw notFound("Source");
  await audit(db, principal.actor, "source.resume", params.id);
  await reconcileStreams();
  return source;
});
