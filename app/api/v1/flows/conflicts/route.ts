// GET /api/v1/flows/conflicts: active flows that fill the same placement from the same trigger, and which wins.
import { route } from "@/lib/http/route";
import { listConflicts } from "@/lib/flows/conflicts";

export const GET = route({ name: "flows.conflicts", access: "viewer" }, async ({ db }) => listConflicts(db.sql));
