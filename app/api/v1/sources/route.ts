// GET /api/v1/sources (list) and POST (create; the source's secret is shown once).
import { route, json } from "@/lib/http/route";
import { createSource, listSources, MAPPING_TEMPLATES, SourceInput } from "@/lib/ingest/sources";
import { audit } from "@/lib/audit";

export const GET = route({ name: "sources.list", access: "viewer" }, async ({ db }) => ({ sources: await listSources(db), templates: MAPPING_TEMPLATES }));

export const POST = route({ name: "sources.create", access: "editor", body: SourceInput }, async ({ db, body, principal }) => {
  const created = await createSource(db, body);
  await audit(db, principal.actor, "source.create", created.source.id, { name: created.source.name });
  return json(created, 201);
});
