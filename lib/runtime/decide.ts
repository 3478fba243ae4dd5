// CONTRACT §6: what a user's runs have reached for each placement (/decide), and what the user did
// with it (/outcomes). Decide is one indexed query: the newest `ready` in_app touchpoint per placement
// among the profile's identities, of active flows only (a paused flow shows nothing), higher flow
// priority first. Holdout runs never have a `ready` touchpoint (theirs are `suppressed`).
import { z } from "zod";
import type { Sql } from "@/lib/db/sql";
import { runtimeMetrics } from "./counters";

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
  .object({ decisionId: z.string().min(1).max(200), type: z.enum(["shown", "clicked", "dismissed"]), details: z.record(z.string(), z.unknown()).optional() })
  .meta({ id: "OutcomeRequest" });
export type OutcomeBody = z.infer<typeof OutcomeBody>;
export const OutcomeResult = z.object({ success: z.literal(true), recorded: z.boolean().describe("false when this decision already had an outcome of this type") });

type DecisionRow = { id: string; placement: string; content: string | null; flow_id: string; node_id: string; variant: string | null };

const DECIDE_SQL = `
  WITH p AS (
    SELECT id FROM profiles WHERE $1::text IS NOT NULL AND user_id = $1
    UNION
    SELECT profile_id FROM identities WHERE ($1::text IS NOT NULL AND kind = 'user' AND value = $1) OR ($2::text IS NOT NULL AND kind = 'anonymous' AND value = $2)
  )
  SELECT DISTINCT ON (t.placement) t.id, t.placement, t.content, t.flow_id, t.node_id, t.payload->>'variant' AS variant
    FROM touchpoints t JOIN flows f ON f.id = t.flow_id
   WHERE t.profile_id IN (SELECT id FROM p) AND t.placement = ANY($3::text[]) AND t.status = 'ready' AND f.status = 'active'
   ORDER BY t.placement, f.priority DESC, t.seq DESC`;

export async function decide(sql: Sql, body: { userId?: string; anonymousId?: string; placements: string[] }): Promise<{ decisions: Record<string, Decision | null> }> {
  const placements = [...new Set(body.placements)];
  const rows = await sql.query<DecisionRow>(DECIDE_SQL, [body.userId ?? null, body.anonymousId ?? null, placements]);
  // Null prototype: placement keys are user input ("__proto__" must be an answer, not a prototype).
  const decisions: Record<string, Decision | null> = Object.create(null) as Record<string, Decision | null>;
  for (const key of placements) decisions[key] = null;
  for (const r of rows) {
    const d: Decision = { content: r.content ?? "", flowId: r.flow_id, nodeId: r.node_id, decisionId: r.id };
    if (r.variant) d.variant = r.variant;
    decisions[r.placement] = d;
  }
  const m = runtimeMetrics();
  m.decisions.inc({ result: "content" }, rows.length);
  m.decisions.inc({ result: "none" }, placements.length - rows.length);
  return { decisions };
}

/**
 * Records what the user did with a decision. Each type is recorded once per decision (a page that
 * renders the same decision twice counts one `shown`; stats are then per decision, like unique views).
 * `dismissed` also retires the touchpoint: /decide stops returning it. Returns null for an unknown id.
 */
export async function recordOutcome(sql: Sql, body: OutcomeBody): Promise<{ recorded: boolean } | null> {
  const t = await sql.query<{ id: string; flow_id: string; node_id: string }>(`SELECT id, flow_id, node_id FROM touchpoints WHERE id = $1 AND channel = 'in_app'`, [body.decisionId]);
  if (!t[0]) return null;
  const inserted = await sql.query<{ id: number }>(
    `INSERT INTO outcomes (touchpoint_id, flow_id, node_id, type, details)
     SELECT $1, $2, $3, $4, $5::jsonb WHERE NOT EXISTS (SELECT 1 FROM outcomes WHERE touchpoint_id = $1 AND type = $4)
     RETURNING id`,
    [t[0].id, t[0].flow_id, t[0].node_id, body.type, JSON.stringify(body.details ?? {})],
  );
  if (body.type === "dismissed") {
    await sql.query(`UPDATE touchpoints SET status = 'dismissed', updated_at = now() WHERE id = $1 AND status = 'ready'`, [t[0].id]);
  }
  if (inserted.length) runtimeMetrics().outcomes.inc({ type: body.type });
  return { recorded: inserted.length > 0 };
}
