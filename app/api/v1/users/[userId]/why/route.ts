// GET /api/v1/users/:userId/why?flowId=&events=: why this user is or is not in that flow (docs/api.md §7).
import { route } from "@/lib/http/route";
import { parseWhyQuery, whyNot } from "@/lib/why/why-not";

export const GET = route({ name: "users.why", access: "viewer" }, async ({ db, params, url }) => whyNot(db, params.userId, parseWhyQuery(url)));
