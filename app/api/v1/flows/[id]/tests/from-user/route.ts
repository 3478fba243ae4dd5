// POST /api/v1/flows/:id/tests/from-user: a test case built from a real user's history, with what the
// draft does with it as the expectation. Not saved: the editor adds it to the cases and saves them.
import { route } from "@/lib/http/route";
import { CaseFromUserBody, caseFromUser } from "@/lib/cases/store";

export const POST = route({ name: "flows.tests.from_user", access: "editor", body: CaseFromUserBody }, async ({ db, params, body }) => caseFromUser(db, params.id, body));
