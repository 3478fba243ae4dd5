// docs/api.md §6: what a user's runs have reached for each placement (/decide), and what the user did
// with it (/outcomes). Decide is one indexed query: the newest `ready` in_app touchpoint per placement
// among the profile's identities, of active flows only (a paused flow shows nothing), higher flow
// priority first. Holdout runs never have a `ready` touchpoint (theirs are `suppressed`).
//
// A holdout holds its placement: when a user's holdout run (the flow's own holdout or the global
// control group) reached an in-app message for a placement, no other flow's message fills that
// placement for that user while the held flow is active. Otherwise the holdout would be compared with
// users who saw some other message there, not with users who saw nothing; results say how many
// messages were held back this way (lib/results/placement-holds.ts).
import { z } from "zod";
import type { Sql } from "@/lib/db/sql";
import { runtimeMetrics } from "./prometheus";
import { checkDecideIdentity, type Caller } from "@/lib/auth/identity-verification";
import { badRequest, forbidden } from "@/lib/http/errors";
import { decideKey, type CachedRow, type DecideCache } from "./decide-cache";

export const DecideBody = z
  .object({
    userId: z.string().min(1).max(500).optional(),
    anonymousId: z.string().min(1).max(500).optional(),
    placements: z.array(z.string().min(1).max(200)).min(1).max(50),
    context: z.record(z.string(), z.unknown()).optional(),
    userHash: z.string().max(200).optional().describe("HMAC-SHA256(userId, secret) in hex, when identity verification is on"),
  })
  .refine((b) => b.userId !== undefined || b.anonymousId !== undefined, { message: "userId or anonymousId is required", path: ["userId"] })
  .meta({ id: "DecideRequest" });
export type DecideBody = z.infer<typeof DecideBody>;

export const Decision = z
  .object({
    content: z.string(),
    flowId: z.string(),
    nodeId: z.string(),
    variant: z.string().optional(),
    decisionId: z.string().describe("Pass to /outcomes to record shown, clicked or dismissed"),
  })
  .meta({ id: "Decision" });
export type Decision = z.infer<typeof Decision>;
export const DecideResult = z.object({ decisions: z.record(z.string(), Decision.nullable()) }).meta({ id: "DecideResponse" });

export const OutcomeBody = z
  .object({
    decisionId: z.string().min(1).max(200),
    type: z.enum(["shown", "clicked", "dismissed", "answered"]).describe("answered: the person answered a survey (data-pw-kind=\"survey\"); needs `score`"),
    score: z.number().int().min(0).max(10).optional().describe("With type answered: 0–10 for an NPS survey, 1–5 for a rating (data-pw-scale)"),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.type === "answered" && b.score === undefined) ctx.addIssue({ code: "custom", path: ["score"], message: "An answered outcome needs a score" });
    if (b.type !== "answered" && b.score !== undefined) ctx.addIssue({ code: "custom", path: ["score"], message: "Only an answered outcome carries a score" });
  })
  .meta({ id: "OutcomeRequest" });
export type OutcomeBody = z.infer<typeof OutcomeBody>;
export const OutcomeResult = z.object({ success: z.literal(true), recorded: z.boolean().describe("false when this decision already had an outcome of this type") });

/** /decide as a caller asks it: identity verification first (403), then the decisions in its scope. */
export async function decideAs(sql: Sql, caller: Caller, req: Request, body: DecideBody, cache?: DecideCache): Promise<{ decisions: Record<string, Decision | null> }> {
  const verified = await checkDecideIdentity(sql, caller, req, body);
  if (!verified.ok) throw forbidden(verified.message);
  return decide(sql, body, { strict: verified.strict, cache });
}

type DecisionRow = CachedRow;

// The profiles come from the identity directory (keyed by the id), then the touchpoints by profile id:
// each statement is answered by one shard on a sharded store.
const DIRECTORY_SQL = `SELECT profile_id FROM identity_directory WHERE kind = $1 AND value = $2`;
export const HOLDOUT_REASONS = ["holdout", "global_control"];
const DECIDE_SQL = `
  SELECT DISTINCT ON (t.placement) t.id, t.profile_id, t.placement, t.content, t.flow_id, t.node_id, t.payload->>'variant' AS variant, t.status = 'suppressed' AS held
    FROM touchpoints t JOIN flows f ON f.id = t.flow_id
   WHERE t.profile_id = ANY($1::text[]) AND t.placement = ANY($2::text[]) AND f.status = 'active'
     AND (t.status = 'ready' OR (t.status = 'suppressed' AND t.payload->>'suppressed' IN ('holdout', 'global_control')))
   ORDER BY t.placement, (t.status = 'suppressed') DESC, f.priority DESC, t.seq DESC`;

/**
 * The profiles a decision reads. `strict` (identity verification applies to the caller): an
 * anonymousId reaches only a profile without a userId, or with the verified userId.
 */
async function decisionProfiles(sql: Sql, body: { userId?: string; anonymousId?: string }, strict: boolean): Promise<{ ids: string[]; allKnown: boolean }> {
  const ids: string[] = [];
  let allKnown = true;
  for (const [kind, value] of [["user", body.userId], ["anonymous", body.anonymousId]] as const) {
    if (value === undefined) continue;
    const found = await sql.query<{ profile_id: string }>(DIRECTORY_SQL, [kind, value], { name: `pathwise_directory` });
    if (!found.length) allKnown = false;
    for (const r of found) {
      if (ids.includes(r.profile_id)) continue;
      if (strict && kind === "anonymous") {
        const [p] = await sql.query<{ user_id: string | null }>(`SELECT user_id FROM profiles WHERE id = $1`, [r.profile_id]);
        if (p && p.user_id !== null && p.user_id !== (body.userId ?? null)) continue;
      }
      ids.push(r.profile_id);
    }
  }
  return { ids, allKnown };
}

/**
 * The decisions for one user. `strict` (identity verification applies to the caller): an anonymousId
 * never reaches an identified profile other than the verified userId's. Callers with a write key go
 * through decideAs, which sets it.
 */
export async function decide(
  sql: Sql,
  body: { userId?: string; anonymousId?: string; placements: string[] },
  opts: { strict?: boolean; cache?: DecideCache } = {},
): Promise<{ decisions: Record<string, Decision | null> }> {
  const placements = [...new Set(body.placements)];
  // The cache (lib/runtime/decide-cache.ts) answers when it hears every change; a strict caller's
  // answer also depends on who owns an anonymous profile, which the cache does not follow.
  const cache = opts.cache && !opts.strict && opts.cache.usable() ? opts.cache : null;
  let rows: DecisionRow[] | undefined;
  let key = "";
  let ticket = 0;
  if (cache) {
    try {
      await cache.sync();
      key = decideKey(body.userId, body.anonymousId, placements);
      rows = cache.get(key);
      ticket = cache.ticket();
    } catch {
      key = ""; // not listening any more: read the database
    }
  }
  const m = runtimeMetrics();
  if (rows) m.decideCache.inc({ result: "hit" });
  else {
    const profiles = await decisionProfiles(sql, body, opts.strict === true);
    // Prepared once per connection on PostgreSQL (a name), not parsed and planned on every call.
    rows = profiles.ids.length ? await sql.query<DecisionRow>(DECIDE_SQL, [profiles.ids, placements], { name: "pathwise_decide" }) : [];
    if (cache && key) {
      const stored = profiles.allKnown && cache.put(key, ticket, profiles.ids, rows);
      m.decideCache.inc({ result: stored ? "miss" : "uncacheable" });
    } else m.decideCache.inc({ result: "bypass" });
  }
  // Null prototype: placement keys are user input ("__proto__" must be an answer, not a prototype).
  const decisions: Record<string, Decision | null> = Object.create(null) as Record<string, Decision | null>;
  for (const k of placements) decisions[k] = null;
  let shown = 0;
  for (const r of rows) {
    if (r.held) continue; // held for a holdout: the placement stays empty
    shown++;
    const d: Decision = { content: r.content ?? "", flowId: r.flow_id, nodeId: r.node_id, decisionId: `${r.profile_id}.${r.id}` };
    if (r.variant) d.variant = r.variant;
    decisions[r.placement] = d;
  }
  m.decisions.inc({ result: "content" }, shown);
  m.decisions.inc({ result: "none" }, placements.length - shown);
  return { decisions };
}

/**
 * Records what the user did with a decision. Each type is recorded once per decision (a page that
 * renders the same decision twice counts one `shown`; stats are then per decision, like unique views).
 * `dismissed` also retires the touchpoint: /decide stops returning it. Returns null for an unknown id.
 */
/** The scale a survey's content asks for (sdk/survey.ts reads the same attributes), or null when it is no survey. */
export function surveyScale(content: string | null): { scale: "nps" | "rating"; min: number; max: number } | null {
  if (!content || !/data-pw-kind\s*=\s*["']?survey/i.test(content)) return null;
  return /data-pw-scale\s*=\s*["']?rating/i.test(content) ? { scale: "rating", min: 1, max: 5 } : { scale: "nps", min: 0, max: 10 };
}

export async function recordOutcome(sql: Sql, body: OutcomeBody): Promise<{ recorded: boolean } | null> {
  // A decisionId is "<profile id>.<touchpoint id>": the lookup goes to the person's rows. A bare id (or
  // a profile merged since the decision) is looked up by the touchpoint id alone.
  type Found = { id: string; profile_id: string; flow_id: string; node_id: string; content: string | null };
  const dot = body.decisionId.lastIndexOf(".");
  let t: Found[] = [];
  if (dot > 0) {
    t = await sql.query<Found>(`SELECT id, profile_id, flow_id, node_id, content FROM touchpoints WHERE profile_id = $1 AND id = $2 AND channel = 'in_app'`, [
      body.decisionId.slice(0, dot),
      body.decisionId.slice(dot + 1),
    ]);
  }
  if (!t[0]) t = await sql.query<Found>(`SELECT id, profile_id, flow_id, node_id, content FROM touchpoints WHERE id = $1 AND channel = 'in_app'`, [dot > 0 ? body.decisionId.slice(dot + 1) : body.decisionId]);
  if (!t[0]) return null;
  let details: Record<string, unknown> = body.details ?? {};
  if (body.type === "answered") {
    const survey = surveyScale(t[0].content);
    if (!survey) throw badRequest("This decision's content is not a survey, so it cannot be answered", [{ path: "type", message: "Not a survey (data-pw-kind=\"survey\")" }]);
    if (body.score! < survey.min || body.score! > survey.max) {
      throw badRequest(`score must be a whole number from ${survey.min} to ${survey.max} for this ${survey.scale === "nps" ? "NPS survey" : "rating"}`, [{ path: "score", message: `Expected ${survey.min}–${survey.max}` }]);
    }
    details = { ...details, score: body.score, scale: survey.scale };
  }
  const inserted = await sql.query<{ id: number }>(
    `INSERT INTO outcomes (profile_id, touchpoint_id, flow_id, node_id, type, details)
     SELECT $6, $1, $2, $3, $4, $5::jsonb WHERE NOT EXISTS (SELECT 1 FROM outcomes WHERE profile_id = $6 AND touchpoint_id = $1 AND type = $4)
     RETURNING id`,
    [t[0].id, t[0].flow_id, t[0].node_id, body.type, JSON.stringify(details), t[0].profile_id],
  );
  if (body.type === "dismissed") {
    await sql.query(`UPDATE touchpoints SET status = 'dismissed', updated_at = now() WHERE profile_id = $2 AND id = $1 AND status = 'ready'`, [t[0].id, t[0].profile_id]);
  }
  if (inserted.length) runtimeMetrics().outcomes.inc({ type: body.type });
  return { recorded: inserted.length > 0 };
}
