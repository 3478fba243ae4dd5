// POST /api/v1/flows/:id/publish: a new immutable version; 422 listing the problems if any remain.
// Optional body {migration: {mapping, dryRun?}} moves the users waiting in the live version onto the new
// one (dryRun: only answers the plan, publishes nothing). Without a body users stay on their version.
import { route } from "@/lib/http/route";
import { readText, KB } from "@/lib/http/body";
import { migrationPlan, parsePublishBody, publishWithMigration } from "@/lib/flow-store/migrate-runs";
import { audit } from "@/lib/audit";
import { checkCasesForPublish } from "@/lib/cases/store";

export const POST = route({ name: "flows.publish", access: "editor" }, async ({ db, params, principal, req }) => {
  const { migration, expectedToChange } = parsePublishBody(await readText(req, 256 * KB));
  if (migration?.dryRun) return migrationPlan(db, params.id, migration.mapping);
  let accepted: Awaited<ReturnType<typeof checkCasesForPublish>> = [];
  const result = await publishWithMigration(db, params.id, principal.actor, migration, async (sql, v) => {
    accepted = await checkCasesForPublish(sql, params.id, v.versionId, expectedToChange);
  });
  const m = result.migration;
  await audit(db, principal.actor, "flow.publish", params.id, {
    version: result.version,
    ...(m ? { migration: { moved: m.moved, kept: m.kept, fromVersion: m.fromVersion } } : {}),
    ...(accepted.length ? { expectedToChange: accepted.map((a) => ({ name: a.name, reason: a.reason })) } : {}),
  });
  for (const a of accepted) await audit(db, principal.actor, "flow.test.expected_to_change", params.id, { version: result.version, case: a.name, reason: a.reason, failures: a.failures });
  return { id: result.id, status: result.status, version: result.version, ...(m ? { migration: m } : {}) };
});
