// POST /api/v1/sources/:id/test: tries the stream source's broker with its stored settings.
import { route } from "@/lib/http/route";
import { notFound } from "@/lib/http/errors";
import { testSourceConnection } from "@/lib/streams/test-connection";

export const POST = route({ name: "sources.test", access: "editor" }, async ({ db, params }) => {
  const result = await testSourceConnection(db, params.id);
  if (!result) throw notFound("Stream source");
  return result;
});
