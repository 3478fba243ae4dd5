// POST /api/v1/sources/:id/dead-letters/replay: runs dead letters through ingestion again (after the
// tracking plan or the publisher was fixed); those that go through are marked replayed.
import { route } from "@/lib/http/route";
import { badRequest, notFound, zodToDetails } from "@/lib/http/errors";
import { readText, KB } from "@/lib/http/body";
import { getSource } from "@/lib/ingest/sources";
import { replayDeadLetters, ReplayBody } from "@/lib/streams/dead-letters";
import { audit } from "@/lib/audit";

// The body may be left out: every pending dead letter is replayed.
export const POST = route({ name: "sources.replay", access: "editor" }, async ({ db, req, params, principal }) => {
  const text = await readText(req, 64 * KB);
  let raw: unknown = {};
  try {
    if (text.trim()) raw = JSON.parse(text);
  } catch (err) {
    throw badRequest(`The request body is not valid JSON: ${(err as Error).message}`, [], "invalid_json");
  }
  const parsed = ReplayBody.safeParse(raw);
  if (!parsed.success) throw badRequest("The request has fields of the wrong shape", zodToDetails(parsed.error));
  const body = parsed.data;
  if (!(await getSource(db, params.id))) throw notFound("Source");
  const out = await replayDeadLetters(db, params.id, body.ids);
  await audit(db, principal.actor, "source.replay", params.id, { replayed: out.replayed, stored: out.stored });
  return out;
});
