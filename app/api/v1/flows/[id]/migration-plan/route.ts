// POST /api/v1/flows/:id/migration-plan: the dry run of publishing the draft with a node mapping.
import { route } from "@/lib/http/route";
import { MigrationRequest, migrationPlan } from "@/lib/flow-store/migrate-runs";

export const POST = route({ name: "flows.migration_plan", access: "editor", body: MigrationRequest }, async ({ db, params, body }) => migrationPlan(db, params.id, body.mapping));
