// GET/PUT/DELETE /api/v1/sources/:id: one source — a webhook with its mapping, or a stream source with
// its status, counters and lag.
import { route } from "@/lib/http/route";
import { badRequest, notFound } from "@/lib/http/errors";
import { isStreamKind, streamUpdateProblems } from "@/lib/streams/config";
import { deleteSource, getSource, SourceUpdate, updateSource } from "@/lib/ingest/sources";
import { audit } from "@/lib/audit";
import { reconcileStreams } from "@/lib/streams/manager";

export const GET = route({ name: "sources.get", access: "viewer" }, async ({ db, params }) => {
  const source = await getSource(db, params.id);
  if (!source) throw notFound("Source");
  return source;
});

export const PUT = route({ name: "sources.update", access: "editor", body: SourceUpdate }, async ({ db, params, body, principal }) => {
  const current = await getSource(db, params.id);
  if (!current) throw notFound("Source");
  if (isStreamKind(current.kind)) {
    const problems = streamUpdateProblems(current.kind, body);
    if (problems.length) throw badRequest(`The request has fields of the wrong shape: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`, problems);
  }
  const source = await updateSource(db, params.id, body);
  if (!source) throw notFound("Source");
  await audit(db, principal.actor, "source.update", params.id);
  void reconcileStreams();
  return source;
});

export const DELETE = route({ name: "sources.delete", access: "editor" }, async ({ db, params, principal }) => {
  if (!(await deleteSource(db, params.id))) throw notFound("Source");
  await audit(db, principal.actor, "source.delete", params.id);
  void reconcileStreams();
  return new Response(null, { status: 204 });
});
