// GET /api/v1/flows/:id/versions: the published versions, newest first.
import { route } from "@/lib/http/route";
import { listVersions } from "@/lib/flow-store/store";

export const GET = route({ name: "flows.versions", access: "viewer" }, async ({ db, params }) => ({ versions: await listVersions(db, params.id) }));
