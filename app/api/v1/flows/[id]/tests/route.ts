// GET and PUT /api/v1/flows/:id/tests: the draft's test cases (PUT replaces them all).
import { route } from "@/lib/http/route";
import { KB } from "@/lib/http/body";
import { TestSuiteBody } from "@/lib/cases/schema";
import { getCases, putCases } from "@/lib/cases/store";

export const GET = route({ name: "flows.tests.get", access: "viewer" }, async ({ db, params, url }) => {
  const v = url.searchParams.get("version");
  const version = v === null ? undefined : Number(v);
  return getCases(db, params.id, version !== undefined && Number.isInteger(version) && version >= 0 ? version : undefined);
});

export const PUT = route({ name: "flows.tests.put", access: "editor", body: TestSuiteBody, limit: 4096 * KB }, async ({ db, params, body, principal }) =>
  putCases(db, params.id, body.cases, principal.actor),
);
