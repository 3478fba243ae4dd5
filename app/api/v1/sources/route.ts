// GET /api/v1/sources (list) and POST (create: a webhook source, whose secret is shown once, or a
// stream source consuming from RabbitMQ or NATS JetStream, whose credentials are never shown again).
import { route, json } from "@/lib/http/route";
import { badRequest, zodToDetails } from "@/lib/http/errors";
import { readJson, KB } from "@/lib/http/body";
import { createSource, listSources, MAPPING_TEMPLATES, parseCreateSource } from "@/lib/ingest/sources";
import { reconcileStreams } from "@/lib/streams/manager";
import { audit } from "@/lib/audit";

export const GET = route({ name: "sources.list", access: "viewer" }, async ({ db }) => ({ sources: await listSources(db), templates: MAPPING_TEMPLATES }));

export const POST = route({ name: "sources.create", access: "editor" }, async ({ db, req, principal }) => {
  const parsed = parseCreateSource(await readJson(req, 64 * KB));
  if (!parsed.success) {
    const details = zodToDetails(parsed.error);
    throw badRequest(`The request has fields of the wrong shape: ${details.map((d) => `${d.path || "(body)"}: ${d.message}`).slice(0, 3).join("; ")}`, details);
  }
  const created = await createSource(db, parsed.data);
  await audit(db, principal.actor, "source.create", created.source.id, { name: created.source.name, kind: created.source.kind });
  void reconcileStreams();
  return json(created, 201);
});
