// A flow's trigger funnel for a time range: users who sent a trigger event, how many each test let
// through (the trigger's where and count, then pause, re-entry and rollout), and how many entered; and
// where the others stopped ("300 stopped at name = Product A", with the values seen).
//
// Bounded cost: the latest `limit` trigger events of the range (the events (name, timestamp) index,
// read backwards), their profiles, runs of this flow and stored summaries in one query each; every
// sampled profile is replayed with the engine's explainEntry, the same code the why endpoint uses.
// The answer says how large the sample was; `entered.exact` counts every run entered in the range.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { CompiledFlow } from "@/lib/engine";
import { explainEntry, type WhyEvent, type WhyRun } from "@/lib/engine/why";
import { describeTest } from "@/lib/flow/describe";
import { badRequest, notFound } from "@/lib/http/errors";
import { compiledVersion } from "@/lib/runtime/flow-cache";
import { loadSummaries } from "@/lib/runtime/summaries";
import { loadPauses } from "./why-not";

export const FUNNEL_DEFAULT_SAMPLE = 2000;
export const FUNNEL_MAX_SAMPLE = 20_000;
/** Trigger events are counted up to this many; `totalEvents` equal to it means "at least". */
export const FUNNEL_COUNT_CAP = 20_000;
const DAY = 86_400_000;

export const TriggerFunnel = z
  .object({
    flowId: z.string(),
    from: z.string(),
    to: z.string(),
    triggers: z.array(z.object({ nodeId: z.string(), event: z.string(), description: z.string() })),
    sample: z.object({
      events: z.number().int().describe("Trigger events looked at: the latest of the range"),
      users: z.number().int(),
      limit: z.number().int(),
      totalEvents: z.number().int().describe("Trigger events in the range, counted up to 20,000 (that figure means at least)"),
      complete: z.boolean().describe("True when every trigger event of the range was looked at"),
      totalAtLeast: z.boolean().describe("totalEvents reached the counting cap: there are at least that many"),
    }),
    stages: z.array(z.object({ key: z.enum(["sent", "trigger", "rules", "entered"]), label: z.string(), users: z.number().int() })),
    stops: z.array(
      z.object({
        code: z.string(),
        label: z.string(),
        nodeId: z.string().optional(),
        users: z.number().int(),
        seen: z.array(z.object({ value: z.unknown(), users: z.number().int() })).optional().describe("where: the values the events carried, most common first"),
      }),
    ),
    entered: z.object({ sample: z.number().int(), holdout: z.number().int(), exact: z.number().int().describe("Every run of this flow entered in the range") }),
    timing: z.object({ readMs: z.number(), replayMs: z.number() }).describe("Where the answer's time went: reading the sample, replaying it"),
  })
  .meta({ id: "TriggerFunnel" });
export type TriggerFunnel = z.infer<typeof TriggerFunnel>;

const STOP_LABEL: Record<string, string> = {
  behavior_count: "not enough repeats in the window",
  identify_not_first: "not the first identify",
  paused: "the flow was paused",
  not_live: "before the flow was published",
  already_in_flow: "already in the flow",
  reentry_never: "re-entry: never",
  reentry_too_soon: "re-entry: too soon",
  rollout: "outside the rollout",
};
const TRIGGER_STOPS = new Set(["where", "behavior_count", "identify_not_first"]);

export function parseFunnelQuery(url: URL, now = Date.now()): { from: Date; to: Date; limit: number } {
  const read = (name: string, fallback: Date): Date => {
    const v = url.searchParams.get(name);
    if (v === null || v === "") return fallback;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw badRequest(`${name} must be an ISO 8601 date or time`, [{ path: name, message: "Invalid date" }]);
    return d;
  };
  const to = read("to", new Date(now));
  const from = read("from", new Date(to.getTime() - 7 * DAY));
  if (from > to) throw badRequest("from must not be after to", [{ path: "from", message: "after to" }]);
  const raw = url.searchParams.get("sample");
  const limit = raw === null || raw === "" ? FUNNEL_DEFAULT_SAMPLE : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > FUNNEL_MAX_SAMPLE) throw badRequest(`sample must be an integer from 1 to ${FUNNEL_MAX_SAMPLE}`, [{ path: "sample", message: "Out of range" }]);
  return { from, to, limit };
}

export async function triggerFunnel(db: Db, flowId: string, range: { from: Date; to: Date; limit?: number }, now = Date.now()): Promise<TriggerFunnel> {
  const sql = db.sql;
  const started = performance.now();
  const limit = range.limit ?? FUNNEL_DEFAULT_SAMPLE;
  const [flowRow] = await sql.query<{ id: string; name: string; status: string; active_version_id: string | null }>(`SELECT id, name, status, active_version_id FROM flows WHERE id = $1`, [flowId]);
  if (!flowRow) throw notFound("Flow");
  const versionRows = await sql.query<{ id: string; created_at: Date }>(`SELECT id, created_at FROM flow_versions WHERE flow_id = $1 ORDER BY version`, [flowId]);
  const versions: Array<{ flow: CompiledFlow; liveFrom: number }> = [];
  for (const v of versionRows) {
    const flow = await compiledVersion(sql, v.id, flowRow.name);
    if (flow) versions.push({ flow, liveFrom: v.created_at.getTime() });
  }
  const live = versions.find((v) => v.flow.versionId === flowRow.active_version_id)?.flow ?? versions[versions.length - 1]?.flow;
  const triggerNodes = live ? live.triggers.filter((t) => t.kind === "event" || t.kind === "behavior") : [];
  const names = [...new Set(versions.flatMap((v) => v.flow.triggers.flatMap((t) => (t.kind === "event" || t.kind === "behavior" ? [t.event] : []))))];
  const from = range.from.toISOString();
  const to = range.to.toISOString();
  const empty: TriggerFunnel = {
    flowId,
    from,
    to,
    triggers: [],
    sample: { events: 0, users: 0, limit, totalEvents: 0, complete: true, totalAtLeast: false },
    stages: [],
    stops: [],
    entered: { sample: 0, holdout: 0, exact: 0 },
    timing: { readMs: 0, replayMs: 0 },
  };
  const [{ exact }] = await sql.query<{ exact: number }>(`SELECT count(*)::int AS exact FROM runs WHERE flow_id = $1 AND entered_at >= $2 AND entered_at < $3`, [flowId, range.from, range.to]);
  if (!names.length) return { ...empty, entered: { ...empty.entered, exact } };

  // The latest `limit` trigger events of the range, and how many there are in all (counted up to a cap).
  type Sampled = { profile_id: string; type: WhyEvent["type"]; name: string; properties: Record<string, unknown>; timestamp: Date; received_at: Date; id: string };
  // One index-ordered read per trigger event name (name = $1 keeps the (name, timestamp) order; a list
  // of names would sort the whole range), then the latest `limit` of them all.
  const perName = await Promise.all(
    names.map((name) =>
      sql.query<Sampled>(
        `SELECT profile_id, type, name, properties, "timestamp", received_at, id::text FROM events
          WHERE name = $1 AND "timestamp" >= $2 AND "timestamp" < $3 ORDER BY "timestamp" DESC LIMIT $4`,
        [name, range.from, range.to, limit],
      ),
    ),
  );
  const sampled = perName.flat().sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime()).slice(0, limit);
  const complete = sampled.length < limit;
  // Counted up to a cap, so a range of many millions costs no more than that.
  const totalEvents = complete
    ? sampled.length
    : (
        await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM events WHERE name = ANY($1::text[]) AND "timestamp" >= $2 AND "timestamp" < $3 LIMIT $4) s`, [
          names,
          range.from,
          range.to,
          FUNNEL_COUNT_CAP,
        ])
      )[0].n;

  const byProfile = new Map<string, typeof sampled>();
  for (const e of sampled) {
    const list = byProfile.get(e.profile_id);
    if (list) list.push(e);
    else byProfile.set(e.profile_id, [e]);
  }
  const ids = [...byProfile.keys()];
  const profiles = new Map(
    (await sql.query<{ id: string; user_id: string | null; traits: Record<string, unknown> }>(`SELECT id, user_id, traits FROM profiles WHERE id = ANY($1::text[])`, [ids])).map((p) => [p.id, p]),
  );
  const summaries = await loadSummaries(sql, ids);
  const runRows = await sql.query<{ id: string; profile_id: string; flow_version_id: string; version: number; entry: number; status: WhyRun["status"]; entered_at: Date; ended_at: Date | null; holdout: boolean; trigger: string | null }>(
    `SELECT id, profile_id, flow_version_id, version, entry, status, entered_at, ended_at, holdout, state->>'triggerNodeId' AS trigger
       FROM runs WHERE flow_id = $1 AND profile_id = ANY($2::text[])`,
    [flowId, ids],
  );
  const runsOf = new Map<string, WhyRun[]>();
  for (const r of runRows) {
    const list = runsOf.get(r.profile_id) ?? [];
    list.push({ id: r.id, flowId, versionId: r.flow_version_id, version: r.version, entry: r.entry, status: r.status, enteredAt: r.entered_at.getTime(), triggerNodeId: r.trigger ?? "", holdout: r.holdout, ...(r.ended_at ? { endedAt: r.ended_at.getTime() } : {}) });
    runsOf.set(r.profile_id, list);
  }
  const pauses = await loadPauses(sql, flowId, flowRow.status === "paused", range.from.getTime());

  const replayStarted = performance.now();
  let passedTrigger = 0;
  let passedRules = 0;
  let entered = 0;
  let holdout = 0;
  type Stop = { code: string; label: string; nodeId?: string; users: number; seen: Map<string, { value: unknown; users: number }> };
  const stops = new Map<string, Stop>();
  for (const [profileId, list] of byProfile) {
    const p = profiles.get(profileId);
    if (!p) continue;
    const events: WhyEvent[] = list
      .sort((a, b) => a.received_at.getTime() - b.received_at.getTime() || a.timestamp.getTime() - b.timestamp.getTime() || Number(a.id) - Number(b.id))
      .map((e) => ({ type: e.type, name: e.name, properties: e.properties ?? {}, timestamp: e.timestamp.getTime(), at: Math.min(e.timestamp.getTime(), e.received_at.getTime()) }));
    const replay = explainEntry({
      flowId,
      versions,
      pauses,
      events,
      runs: runsOf.get(profileId) ?? [],
      profile: { userId: p.user_id ?? undefined, profileId, traits: p.traits ?? {} },
      // The stored summary already holds these events: behavior counts read it as the executor did.
      summary: summaries.get(profileId),
      summaryIncludesEvents: true,
      now,
    });
    // The user's furthest step: entered, else past the trigger's tests, else stopped at a test.
    const d = replay.decisions;
    if (!d.length) continue;
    const didEnter = d.some((x) => x.entered);
    const trig = d.some((x) => x.entered || !TRIGGER_STOPS.has(x.reason.code));
    if (didEnter) {
      entered++;
      passedTrigger++;
      passedRules++;
      if (d.some((x) => x.entered && x.reason.code === "holdout")) holdout++;
      continue;
    }
    if (trig) passedTrigger++;
    // Where the user stopped: the latest decision of the furthest kind.
    const last = [...d].reverse().find((x) => (trig ? !TRIGGER_STOPS.has(x.reason.code) : true))!;
    const r = last.reason;
    const key = `${r.code}:${r.nodeId ?? ""}:${r.predicateIndex ?? ""}`;
    let stop = stops.get(key);
    if (!stop) {
      const label = r.code === "where" && r.predicate ? describeTest(r.predicate.property, r.predicate.op, r.predicate.value as never) : (STOP_LABEL[r.code] ?? r.code);
      stops.set(key, (stop = { code: r.code, label, ...(r.nodeId ? { nodeId: r.nodeId } : {}), users: 0, seen: new Map() }));
    }
    stop.users++;
    if (r.code === "where") {
      const k = JSON.stringify(r.seen ?? null);
      const s = stop.seen.get(k) ?? { value: r.seen ?? null, users: 0 };
      s.users++;
      stop.seen.set(k, s);
    }
  }

  const sentUsers = byProfile.size;
  const ms = (x: number) => Math.round(x * 10) / 10;
  const timing = { readMs: ms(replayStarted - started), replayMs: ms(performance.now() - replayStarted) };
  return {
    flowId,
    from,
    to,
    triggers: triggerNodes.map((t) => ({
      nodeId: t.nodeId,
      event: t.kind === "event" || t.kind === "behavior" ? t.event : "",
      description: t.kind === "behavior" ? `${t.event}, ${t.gte}× within the window` : t.kind === "event" ? t.event : "",
    })),
    sample: { events: sampled.length, users: sentUsers, limit, totalEvents, complete, totalAtLeast: !complete && totalEvents >= FUNNEL_COUNT_CAP },
    stages: [
      { key: "sent", label: `Sent ${names.map((n) => `“${n}”`).join(" or ")}`, users: sentUsers },
      { key: "trigger", label: "Passed the trigger's tests", users: passedTrigger },
      { key: "rules", label: "Passed pause, re-entry and rollout", users: passedRules },
      { key: "entered", label: "Entered", users: entered },
    ],
    stops: [...stops.values()]
      .sort((a, b) => b.users - a.users)
      .map((s) => ({ code: s.code, label: s.label, ...(s.nodeId ? { nodeId: s.nodeId } : {}), users: s.users, ...(s.seen.size ? { seen: [...s.seen.values()].sort((a, b) => b.users - a.users).slice(0, 5) } : {}) })),
    entered: { sample: entered, holdout, exact },
    timing,
  };
}
