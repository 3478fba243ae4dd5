// GET/PUT /api/v1/policies: the workspace's frequency caps, quiet hours and default time zone.
import { route } from "@/lib/http/route";
import { Policies } from "@/lib/policies/schema";
import { getPolicies, putPolicies } from "@/lib/policies/runtime";
import { audit } from "@/lib/audit";

export const GET = route({ name: "policies.get", access: "viewer" }, async ({ db }) => getPolicies(db.sql));

export const PUT = route({ name: "policies.put", access: "admin", body: Policies, limit: 64 * 1024 }, async ({ db, body, principal }) => {
  const saved = await putPolicies(db.sql, body, principal.actor);
  await audit(db, principal.actor, "policies.update", "policies", { caps: saved.caps.length, quietHours: saved.quietHours, timezone: saved.timezone });
  return saved;
});
