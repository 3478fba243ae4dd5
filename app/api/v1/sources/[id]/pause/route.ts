// POST /api/v1/sources/:id/pause: stops consuming (every instance lets go within seconds) or accepting deliveries.
import { route } from "@/lib/http/route";
import { notFound } from "@/lib/http/errors";
import { setSourceEnabled } from "@/lib/ingest/sources";
import { reconcileStreams } from "@/lib/streams/manager";
import { audit } from "@/lib/audit";

export const POST = route({ name: "sources.pause", access: "editor" }, async ({ db, params, principal }) => {
  const source = await setSourceEnabled(db, params.id, false);
  if (!source) throw notFound("Source");
  await audit(db, principal.actor, "source.pause", params.id);
  await reconcileStreams();
  return source;
});
