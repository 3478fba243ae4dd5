// GET /api/v1/users/:userId/why?flowId=: why this user is or is not in that flow, from stored history.
// Reads the flow's versions (when each went live), its pauses (audit log), the user's last N events and
// runs, and hands them to the engine's explainEntry, which replays the events through the dispatcher.
// Runs that did enter add what happened to their messages: holdout, frequency caps, quiet hours.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import type { CompiledFlow } from "@/lib/engine";
import { explainEntry, whySummary, type WhyEvent, type WhyReason, type WhyRun } from "@/lib/engine/why";
import { badRequest, notFound } from "@/lib/http/errors";
import { findProfileId } from "@/lib/profiles/read";
import { compiledVersion } from "@/lib/runtime/flow-cache";

export const WHY_DEFAULT_EVENTS = 200;
export const WHY_MAX_EVENTS = 2000;

export const WhyReasonSchema = z
  .object({
    code: z.string().describe("entered, holdout, event_name, where, behavior_count, inactivity_not_reached, inactivity_due, identify_not_first, already_in_flow, reentry_never, reentry_too_soon, rollout, paused, not_live, frequency_cap, quiet_hours"),
    message: z.string().describe("The reason in plain words"),
    at: z.string().optional().describe("When it happened; absent for what holds now"),
    nodeId: z.string().optional(),
    event: z.string().optional(),
    predicate: z.object({ property: z.string(), op: z.string(), value: z.unknown().optional() }).optional(),
    predicateIndex: z.number().int().optional(),
    seen: z.unknown().optional().describe("where: the value the event carried (null: absent)"),
    reached: z.number().optional(),
    needed: z.number().optional(),
    runId: z.string().optional(),
    runEnteredAt: z.string().optional(),
    bucket: z.number().optional(),
    percent: z.number().optional(),
    allowedAt: z.string().optional(),
    version: z.number().optional(),
  })
  .meta({ id: "WhyReason" });

export const WhyAnswer = z
  .object({
    flowId: z.string(),
    flowName: z.string(),
    entered: z.boolean().describe("The user has entered this flow (a stored run, or an entry in the replayed history)"),
    summary: z.string().describe('One line, e.g. "would enter: no — re-entry: never"'),
    reasons: z.array(WhyReasonSchema).describe("Newest first, one per distinct cause"),
    window: z
      .object({
        events: z.number().int().describe("Events looked at"),
        limit: z.number().int(),
        from: z.string().nullable(),
        to: z.string().nullable(),
        complete: z.boolean().describe("False when older events exist that were not looked at"),
      })
      .describe("The bounded history the answer is computed from: the user's last `limit` events"),
    notes: z.array(z.string()),
  })
  .meta({ id: "WhyAnswer" });
export type WhyAnswer = z.infer<typeof WhyAnswer>;

export const WhyQuery = z.object({
  flowId: z.string().min(1, "flowId is required"),
  events: z.coerce.number().int().min(1).max(WHY_MAX_EVENTS).default(WHY_DEFAULT_EVENTS),
});

/** Every published version of the flow, compiled by the executor's own cache, with the time it went live. */
async function loadVersions(sql: Sql, flowId: string, name: string): Promise<Array<{ flow: CompiledFlow; liveFrom: number }>> {
  const rows = await sql.query<{ id: string; created_at: Date }>(`SELECT id, created_at FROM flow_versions WHERE flow_id = $1 ORDER BY version`, [flowId]);
  const out: Array<{ flow: CompiledFlow; liveFrom: number }> = [];
  for (const v of rows) {
    const flow = await compiledVersion(sql, v.id, name);
    if (flow) out.push({ flow, liveFrom: v.created_at.getTime() });
  }
  return out;
}

/** Paused periods from the audit log's flow.pause / flow.resume entries. */
export async function loadPauses(sql: Sql, flowId: string, pausedNow: boolean, since: number): Promise<Array<{ from: number; to: number | null }>> {
  const rows = await sql.query<{ action: string; at: Date }>(`SELECT action, at FROM audit_log WHERE target = $1 AND action IN ('flow.pause', 'flow.resume') ORDER BY at, id`, [flowId]);
  const out: Array<{ from: number; to: number | null }> = [];
  for (const r of rows) {
    const t = r.at.getTime();
    const open = out.length && out[out.length - 1].to === null;
    if (r.action === "flow.pause" && !open) out.push({ from: t, to: null });
    if (r.action === "flow.resume" && open) out[out.length - 1].to = t;
  }
  // Paused without a record (e.g. by a script): say so from the first event looked at.
  if (pausedNow && !(out.length && out[out.length - 1].to === null)) out.push({ from: since, to: null });
  if (!pausedNow && out.length && out[out.length - 1].to === null) out[out.length - 1].to = Date.now();
  return out;
}

export async function whyNot(db: Db, userId: string, query: { flowId: string; events?: number }, now = Date.now()): Promise<WhyAnswer> {
  const sql = db.sql;
  const limit = Math.min(query.events ?? WHY_DEFAULT_EVENTS, WHY_MAX_EVENTS);
  const profileId = await findProfileId(sql, userId);
  if (!profileId) throw notFound("User");
  const [flowRow] = await sql.query<{ id: string; name: string; status: string }>(`SELECT id, name, status FROM flows WHERE id = $1`, [query.flowId]);
  if (!flowRow) throw notFound("Flow");
  const [p] = await sql.query<{ user_id: string | null; traits: Record<string, unknown>; last_seen: Date; identified_at: Date | null }>(
    `SELECT user_id, traits, last_seen, identified_at FROM profiles WHERE id = $1`,
    [profileId],
  );
  if (!p) throw notFound("User");

  const versions = await loadVersions(sql, flowRow.id, flowRow.name);
  // The last N events by time (the events index), then in the order the executor saw them.
  const rows = await sql.query<{ id: string; type: WhyEvent["type"]; name: string; properties: Record<string, unknown>; timestamp: Date; received_at: Date }>(
    `SELECT id::text, type, name, properties, "timestamp", received_at FROM events WHERE profile_id = $1 ORDER BY "timestamp" DESC, id DESC LIMIT $2`,
    [profileId, limit + 1],
  );
  const complete = rows.length <= limit;
  const recent = rows.slice(0, limit).sort((a, b) => a.received_at.getTime() - b.received_at.getTime() || a.timestamp.getTime() - b.timestamp.getTime() || Number(a.id) - Number(b.id));
  const identifiedAt = p.identified_at?.getTime() ?? null;
  const events: WhyEvent[] = recent.map((e) => ({
    type: e.type,
    name: e.name,
    properties: e.properties ?? {},
    timestamp: e.timestamp.getTime(),
    at: Math.min(e.timestamp.getTime(), e.received_at.getTime()),
    ...(e.type === "identify" ? { firstIdentify: identifiedAt === e.timestamp.getTime() } : {}),
  }));
  const from = recent.length ? Math.min(...recent.map((e) => e.timestamp.getTime())) : null;
  const to = recent.length ? Math.max(...recent.map((e) => e.timestamp.getTime())) : null;

  const runRows = await sql.query<{ id: string; flow_version_id: string; version: number; entry: number; status: WhyRun["status"]; entered_at: Date; ended_at: Date | null; converted_at: Date | null; holdout: boolean; trigger: string | null }>(
    `SELECT id, flow_version_id, version, entry, status, entered_at, ended_at, converted_at, holdout, state->>'triggerNodeId' AS trigger
       FROM runs WHERE profile_id = $1 AND flow_id = $2 ORDER BY entry`,
    [profileId, flowRow.id],
  );
  const runs: WhyRun[] = runRows.map((r) => ({
    id: r.id,
    flowId: flowRow.id,
    versionId: r.flow_version_id,
    version: r.version,
    entry: r.entry,
    status: r.status,
    enteredAt: r.entered_at.getTime(),
    triggerNodeId: r.trigger ?? "",
    holdout: r.holdout,
    ...(r.ended_at ? { endedAt: r.ended_at.getTime() } : {}),
    ...(r.converted_at ? { convertedAt: r.converted_at.getTime() } : {}),
  }));

  const pauses = await loadPauses(sql, flowRow.id, flowRow.status === "paused", from ?? now);
  const replay = explainEntry({
    flowId: flowRow.id,
    versions,
    pauses,
    events,
    runs,
    profile: { userId: p.user_id ?? undefined, profileId, traits: p.traits ?? {} },
    lastEventAt: p.last_seen.getTime(),
    now,
  });

  const reasons: WhyReason[] = [];
  const notes: string[] = [];
  if (!versions.length) reasons.push({ code: "not_live", message: `"${flowRow.name}" has never been published: nobody can enter it yet.` });
  else if (flowRow.status === "paused") reasons.push({ code: "paused", message: `"${flowRow.name}" is paused: it lets nobody in and sends nothing until it is resumed.` });
  // What happened to the runs that did enter (newest first): the replay's word on them, then their messages.
  const entered = [...runs].sort((a, b) => b.enteredAt - a.enteredAt);
  const messageReasons = await messageHolds(sql, profileId, entered.slice(0, 5).map((r) => r.id));
  for (const r of entered.slice(0, 5)) {
    const code = r.holdout ? "holdout" : "entered";
    reasons.push({
      code,
      at: new Date(r.enteredAt).toISOString(),
      runId: r.id,
      version: r.version,
      nodeId: r.triggerNodeId || undefined,
      message: r.holdout
        ? `Entered on ${new Date(r.enteredAt).toISOString()} (version ${r.version}) in the holdout group: counted, but sent no message.`
        : `Entered on ${new Date(r.enteredAt).toISOString()} (version ${r.version}); the run is ${r.status}.`,
    });
    reasons.push(...(messageReasons.get(r.id) ?? []));
  }
  if (entered.length > 5) notes.push(`${entered.length - 5} older runs are not listed.`);
  reasons.push(...replay.reasons.filter((r) => r.code !== "entered" && r.code !== "holdout"));
  if (!complete) notes.push(`Only the last ${limit} events were looked at (from ${new Date(from!).toISOString()}); older events and counts that reach back before them are not seen.`);
  notes.push("A workspace-wide control group is not configured in this version; only the flow's own holdout applies.");

  const isIn = runs.length > 0 || replay.entered;
  return {
    flowId: flowRow.id,
    flowName: flowRow.name,
    entered: isIn,
    summary: isIn ? (runs.some((r) => r.holdout) && !runs.some((r) => !r.holdout) ? "entered — in the holdout group" : "entered") : whySummary(false, reasons),
    reasons,
    window: { events: recent.length, limit, from: from === null ? null : new Date(from).toISOString(), to: to === null ? null : new Date(to).toISOString(), complete },
    notes,
  };
}

/** Frequency caps and quiet hours that held or dropped a run's messages, from its steps. */
async function messageHolds(sql: Sql, profileId: string, runIds: string[]): Promise<Map<string, WhyReason[]>> {
  const out = new Map<string, WhyReason[]>();
  if (!runIds.length) return out;
  const steps = await sql.query<{ run_id: string; node_id: string; result: string; reason: { suppressed?: string; held?: string; deliverAt?: string; cap?: { channel: string; limit: number; window: string } }; at: Date }>(
    `SELECT run_id, node_id, result, reason, at FROM steps WHERE profile_id = $2 AND run_id = ANY($1::text[]) AND result IN ('suppressed', 'delayed') ORDER BY at DESC, id DESC LIMIT 50`,
    [runIds, profileId],
  );
  for (const s of steps) {
    const at = s.at.toISOString();
    const cap = s.reason?.cap;
    let reason: WhyReason | null = null;
    if (s.reason?.suppressed === "frequency_cap" || (s.result === "delayed" && s.reason?.held === "frequency_cap")) {
      reason = {
        code: "frequency_cap",
        at,
        nodeId: s.node_id,
        runId: s.run_id,
        message: `The message at ${s.node_id} was ${s.result === "delayed" ? `held until ${s.reason.deliverAt}` : "dropped"} by the frequency cap${cap ? ` (${cap.limit} ${cap.channel} per ${cap.window})` : ""}.`,
      };
    } else if (s.result === "delayed" && s.reason?.held === "quiet_hours") {
      reason = { code: "quiet_hours", at, nodeId: s.node_id, runId: s.run_id, message: `The message at ${s.node_id} fell in quiet hours and was held until ${s.reason.deliverAt}.` };
    }
    if (reason) out.set(s.run_id, [...(out.get(s.run_id) ?? []), reason]);
  }
  return out;
}

/** Parses the query string of the why endpoint (400 with the field named). */
export function parseWhyQuery(url: URL): { flowId: string; events: number } {
  const parsed = WhyQuery.safeParse({ flowId: url.searchParams.get("flowId") ?? "", events: url.searchParams.get("events") ?? undefined });
  if (!parsed.success) {
    throw badRequest(
      "The query is invalid",
      parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  }
  return parsed.data;
}
