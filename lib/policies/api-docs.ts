// OpenAPI entries for workspace policies and live-edit migration of a flow's users. The publish entry
// replaces the plain one of lib/flow-store/api-docs.ts (listed after it) to document the optional body.
import { z } from "zod";
import type { Endpoint } from "@/lib/http/openapi";
import { Policies } from "./schema";
import { MigrationPlanResult, MigrationRequest, PublishBody } from "@/lib/flow-store/migrate-runs";

const StoredPolicies = Policies.extend({ updatedAt: z.string().nullable(), updatedBy: z.string().nullable() }).meta({ id: "StoredPolicies" });
const PublishWithMigration = z
  .object({ id: z.string(), status: z.literal("active"), version: z.number().int(), migration: MigrationPlanResult.omit({ mapping: true, oldNodes: true, newNodes: true }).optional() })
  .meta({ id: "PublishWithMigrationResult" });

export const endpoints: Endpoint[] = [
  { method: "get", path: "/api/v1/policies", summary: "Workspace policies: frequency caps, quiet hours, default time zone", tag: "Policies", access: "viewer", response: StoredPolicies },
  { method: "put", path: "/api/v1/policies", summary: "Replace the workspace policies (the whole document)", tag: "Policies", access: "admin", body: Policies, response: StoredPolicies },
  {
    method: "post",
    path: "/api/v1/flows/:id/migration-plan",
    summary: "Dry run: how many waiting users a node mapping would move where, and which messages they would not receive again",
    tag: "Flows",
    access: "editor",
    body: MigrationRequest,
    response: MigrationPlanResult,
    errors: [404, 422],
  },
  {
    method: "post",
    path: "/api/v1/flows/:id/publish",
    summary:
      "Publish the draft as a new immutable version. Without a body users stay on their version; with {migration: {mapping, dryRun?}} the live version's waiting users move onto the new one (dryRun answers the plan and publishes nothing). Refused with 422 tests_failing while a test case of the draft fails, unless listed in expectedToChange with a reason (kept in the audit log)",
    tag: "Flows",
    access: "editor",
    body: PublishBody,
    bodyOptional: true,
    response: PublishWithMigration,
    errors: [400, 404, 422],
  },
];
