// GET /api/v1/suggestions?field=event|property|value|trait|trait_value|placement&event=&property=&trait=&q=&limit=
// What the workspace has received, with counts, for the editor's pickers (bounded, indexed queries).
import { route } from "@/lib/http/route";
import { badRequest, zodToDetails } from "@/lib/http/errors";
import { suggest, SuggestQuery } from "@/lib/suggest/suggestions";

export const GET = route({ name: "suggestions.get", access: "viewer" }, async ({ db, url }) => {
  const parsed = SuggestQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) throw badRequest("The query has parameters of the wrong shape", zodToDetails(parsed.error));
  return suggest(db.sql, parsed.data);
});
