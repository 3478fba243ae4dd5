// GET /api/v1/flows (list) and POST /api/v1/flows (create a draft), docs/api.md §5.
import { route, json } from "@/lib/http/route";
import { FlowCreateBody } from "@/lib/flow/schema";
import { createFlow, listFlows } from "@/lib/flow-store/store";

export const GET = route({ name: "flows.list", access: "viewer" }, async ({ db }) => ({ flows: await listFlows(db) }));

export const POST = route({ name: "flows.create", access: "editor", body: FlowCreateBody }, async ({ db, body }) =>
  json(await createFlow(db, body), 201),
);
