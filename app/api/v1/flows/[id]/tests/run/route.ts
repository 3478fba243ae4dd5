// POST /api/v1/flows/:id/tests/run: runs the draft's cases (or the given ones, or a published version's)
// in the sandbox; nothing is stored or sent. No body runs the stored cases on the draft.
import { route } from "@/lib/http/route";
import { readText, KB } from "@/lib/http/body";
import { badRequest, zodToDetails } from "@/lib/http/errors";
import { RunCasesBody, runFlowCases } from "@/lib/cases/store";

export const POST = route({ name: "flows.tests.run", access: "viewer" }, async ({ db, params, req }) => {
  const text = await readText(req, 4096 * KB);
  let raw: unknown = {};
  if (text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw badRequest(`The request body is not valid JSON: ${(err as Error).message}`, [], "invalid_json");
    }
  }
  const parsed = RunCasesBody.safeParse(raw);
  if (!parsed.success) {
    const details = zodToDetails(parsed.error);
    throw badRequest(`The request has fields of the wrong shape: ${details.map((d) => `${d.path || "(body)"}: ${d.message}`).slice(0, 3).join("; ")}`, details);
  }
  return runFlowCases(db, params.id, parsed.data);
});
