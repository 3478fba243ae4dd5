// A flow's test cases in the database: the draft's cases (version 0), the copy each publish keeps, runs
// against the draft or a version, the publish check, and a case built from a real user's history.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import { checkFlow } from "@/lib/flow/validate";
import { upgradeDocument } from "@/lib/flow/upgrade";
import { getFlow, getVersion } from "@/lib/flow-store/store";
import { ApiError, notFound } from "@/lib/http/errors";
import { getProfile } from "@/lib/profiles/read";
import { caseFromRun, eventsOutOfOrder, runCases, sortEvents, type CaseFlow } from "./run";
import { CaseEvent, TestCase, type TestRunResult } from "./schema";

const DRAFT = 0;

type SuiteRow = { cases: unknown; updated_at: Date; updated_by: string | null };

/** Stored cases, read leniently: a case that no longer parses (an older shape) is skipped, not fatal. */
function parseCases(raw: unknown): TestCase[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((c) => {
    const parsed = TestCase.safeParse(c);
    return parsed.success ? [parsed.data] : [];
  });
}

async function ensureFlow(sql: Sql, flowId: string) {
  const rows = await sql.query(`SELECT 1 FROM flows WHERE id = $1`, [flowId]);
  if (!rows[0]) throw notFound("Flow");
}

export async function getCases(db: Db, flowId: string, version = DRAFT) {
  await ensureFlow(db.sql, flowId);
  const rows = await db.sql.query<SuiteRow>(`SELECT cases, updated_at, updated_by FROM flow_test_suites WHERE flow_id = $1 AND version = $2`, [flowId, version]);
  const row = rows[0];
  return { flowId, version, cases: parseCases(row?.cases), updatedAt: row?.updated_at.toISOString() ?? null, updatedBy: row?.updated_by ?? null, notes: [] as string[] };
}

/** Replaces the draft's cases. Events given out of order are stored in time order, and the answer says so. */
export async function putCases(db: Db, flowId: string, cases: TestCase[], actor: string | null) {
  const notes: string[] = [];
  const stored = cases.map((c) => {
    if (!eventsOutOfOrder(c.events)) return c;
    notes.push(`Case “${c.name}”: the events were out of order; they were sorted by time`);
    return { ...c, events: sortEvents(c.events) };
  });
  const rows = await db.tx(async (sql) => {
    // The flow row lock orders this write with publish, which checks and copies the cases under it.
    const flow = await sql.query(`SELECT 1 FROM flows WHERE id = $1 FOR UPDATE`, [flowId]);
    if (!flow[0]) throw notFound("Flow");
    return sql.query<SuiteRow>(
      `INSERT INTO flow_test_suites (flow_id, version, cases, updated_by) VALUES ($1, 0, $2, $3)
       ON CONFLICT (flow_id, version) DO UPDATE SET cases = EXCLUDED.cases, updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING cases, updated_at, updated_by`,
      [flowId, JSON.stringify(stored), actor],
    );
  });
  return { flowId, version: DRAFT, cases: stored, updatedAt: rows[0].updated_at.toISOString(), updatedBy: rows[0].updated_by, notes };
}

export const RunCasesBody = z
  .object({
    cases: z.array(TestCase).max(200).optional().describe("Run these instead of the stored ones (e.g. a case not saved yet)"),
    version: z.number().int().min(1).optional().describe("Run on this published version (with the cases it was published with); default: the draft"),
  })
  .meta({ id: "RunTestCasesRequest" });
export type RunCasesBody = z.infer<typeof RunCasesBody>;

async function flowFor(db: Db, flowId: string, version?: number): Promise<CaseFlow> {
  if (version === undefined) {
    const flow = await getFlow(db, flowId);
    return { graph: flow.graph, settings: flow.settings, flowId: flow.id, flowName: flow.name };
  }
  const [flow, v] = await Promise.all([getFlow(db, flowId), getVersion(db, flowId, version)]);
  return { graph: v.graph, settings: v.settings, flowId, flowName: flow.name };
}

export async function runFlowCases(db: Db, flowId: string, body: RunCasesBody = {}): Promise<TestRunResult> {
  const flow = await flowFor(db, flowId, body.version);
  const cases = body.cases ?? (await getCases(db, flowId, body.version ?? DRAFT)).cases;
  return runCases(flow, cases);
}

export const ExpectedToChange = z
  .array(z.object({ name: z.string().min(1).max(200).describe("The case's name"), reason: z.string().trim().min(1, "Say why the case is expected to change").max(1000) }))
  .max(200)
  .describe("Failing test cases the editor expects to change with this publish, each with why")
  .meta({ id: "ExpectedToChange" });
export type ExpectedToChange = z.infer<typeof ExpectedToChange>;

/**
 * Publish's check, inside its transaction once the new version row exists (the flow row is locked, and
 * publish already refused graph problems): every case of the draft must pass on what is being
 * published, unless listed as expected to change. Answers the cases let through (for the audit log);
 * throws 422 `tests_failing` naming the others, which rolls the publish back.
 */
export async function checkCasesForPublish(sql: Sql, flowId: string, versionId: string, expected: ExpectedToChange = []) {
  const caseRows = await sql.query<{ cases: unknown }>(`SELECT cases FROM flow_test_suites WHERE flow_id = $1 AND version = 0`, [flowId]);
  const cases = parseCases(caseRows[0]?.cases);
  if (cases.length === 0) return [];
  const rows = await sql.query<{ graph: unknown; settings: unknown; schema_version: number; name: string }>(
    `SELECT v.graph, v.settings, v.schema_version, f.name FROM flow_versions v JOIN flows f ON f.id = v.flow_id WHERE v.id = $1`,
    [versionId],
  );
  const row = rows[0];
  const doc = upgradeDocument({ schemaVersion: row.schema_version, graph: row.graph, settings: row.settings });
  const checked = checkFlow(doc.graph, doc.settings);
  if (!checked.ok) return []; // a stored version always passed the shape check
  const run = runCases({ graph: checked.graph, settings: checked.settings, flowId, flowName: row.name }, cases);
  const failing = run.results.filter((r) => !r.passed);
  const reasons = new Map(expected.map((e) => [e.name, e.reason]));
  const blocking = failing.filter((r) => !reasons.has(r.name));
  if (blocking.length) {
    throw new ApiError(
      422,
      "tests_failing",
      `The flow cannot be published: ${blocking.length} test case${blocking.length === 1 ? "" : "s"} fail${blocking.length === 1 ? "s" : ""} (${blocking.map((r) => `“${r.name}”`).join(", ")}). Fix the flow, update the case, or mark it as expected to change.`,
      blocking.map((r) => ({ code: "test_failed", case: r.name, message: `“${r.name}”: ${r.failures.join("; ")}`, failures: r.failures })),
    );
  }
  return failing.map((r) => ({ name: r.name, reason: reasons.get(r.name)!, failures: r.failures }));
}

export const CaseFromUserBody = z
  .object({ userId: z.string().min(1).max(200), name: z.string().trim().min(1).max(200).optional() })
  .meta({ id: "CaseFromUserRequest" });

/**
 * A case from a real user's history: their traits as the starting profile, their recent events on the
 * case's timeline (offsets from the first), and what the flow's draft does with them as the expectation.
 * Nothing about the user is changed.
 */
export async function caseFromUser(db: Db, flowId: string, input: z.infer<typeof CaseFromUserBody>): Promise<TestCase> {
  const flow = await flowFor(db, flowId);
  const user = await getProfile(db.sql, input.userId, { eventLimit: 1000, stepLimit: 0 });
  if (!user) throw notFound("User");
  const history = [...user.events]
    .map((e) => ({ ...e, t: Date.parse(e.timestamp) }))
    .filter((e) => Number.isFinite(e.t))
    .sort((a, b) => a.t - b.t);
  const first = history[0]?.t ?? 0;
  const events: CaseEvent[] = history.map((e) => {
    const offset = Math.max(0, Math.round((e.t - first) / 1000));
    const at = `PT${offset}S`;
    if (e.type === "identify") return { at, type: "identify", traits: e.properties };
    // Pages are stored as "Page Viewed" events whose properties carry the name; replay them as such.
    // Names longer than a case allows are cut rather than refusing the whole history.
    return { at, type: "track", event: (e.name || "Event").slice(0, 200), properties: e.properties };
  });
  return caseFromRun(flow, TestCase.parse({ name: input.name ?? `Like ${input.userId}`, profile: { traits: user.traits }, events }));
}
