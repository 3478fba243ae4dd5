// POST /api/v1/sources/:id/preview {mapping?, payload}: what a delivery would do, without storing it.
import { route } from "@/lib/http/route";
import { notFound } from "@/lib/http/errors";
import { getSource, mapPayload, PreviewBody } from "@/lib/ingest/sources";

export const POST = route({ name: "sources.preview", access: "viewer", body: PreviewBody }, async ({ db, params, body }) => {
  const source = await getSource(db, params.id);
  if (!source) throw notFound("Source");
  const out = mapPayload(body.mapping ?? source.mapping, body.payload, source.id, new Date());
  return {
    records: out.records,
    errors: out.errors,
    messages: out.messages.map((m) => ({ type: m.type, userId: m.userId, anonymousId: m.anonymousId, event: m.type === "track" ? m.name : undefined, traits: m.traits ?? undefined, properties: m.type === "track" ? m.properties : undefined, timestamp: m.timestamp.toISOString() })),
  };
});
