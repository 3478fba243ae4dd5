// POST /api/v1/simulate (docs/api.md §5): a sandbox run on a virtual clock; stores and sends nothing.
import { route } from "@/lib/http/route";
import { runSimulation, SimulateBody } from "@/lib/runtime/simulate";

export const POST = route({ name: "simulate", access: "editor", body: SimulateBody }, async ({ db, body }) => runSimulation(db, body));
