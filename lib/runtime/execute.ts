// The executor's entry point for ingestion: moves every affected run of this profile for the events
// just stored, in the caller's transaction (read-your-writes), and lets the user into flows whose
// triggers match. Effects are written by the Applier as an outbox in that same transaction.
//
// Rules kept here (the engine decides everything else):
// Each event goes through the engine's dispatcher (lib/engine/dispatch.ts), which holds the rules: runs
// already inside see it first, then it may start new runs; paused flows hold; runs keep their version.
// Kept here: alias events do nothing; only the batch's first identify is "first" (identify triggers);
// each event (re)schedules one inactivity check per profile and flow with an inactivity trigger.
import type { Sql } from "@/lib/db/sql";
import type { ProfileContext } from "@/lib/conditions/compile";
import { asSummary } from "@/lib/conditions/summary";
import { dispatch, inactivityDueAt, type CompiledFlow, type DispatchInput, type EngineEvent, type FlowSet, type Run } from "@/lib/engine";
import { loadSettings } from "@/lib/ingest/settings";
import type { ProfileState, StoredEvent } from "./types";
import { inactivityKey, outboxOf, runFromRow, RUN_COLUMNS, type ProfileRow, type RunRow } from "./apply";
import { compiledVersion, flowIndex, recommendationListsOf, type LiveFlow } from "./flow-cache";
import { recommendationsFor } from "@/lib/catalog/recommend";
import type { Strategy } from "@/lib/catalog/schema";
import { enqueueMany, type NewJob } from "./jobs";
import { runtimeMetrics } from "./counters";
import { loadPolicyGates } from "@/lib/policies/runtime";
import { currentGroups } from "@/lib/profiles/groups";

export type InactivityPayload = { flowId: string; profileId: string; lastSeen: number };

/** The profile's runs (of one flow, if given) in the engine's shape. */
export async function loadRuns(sql: Sql, profileId: string, flowId?: string): Promise<Run[]> {
  const rows = await sql.query<RunRow>(
    flowId
      ? `SELECT ${RUN_COLUMNS} FROM runs WHERE profile_id = $1 AND flow_id = $2 ORDER BY entry`
      : `SELECT ${RUN_COLUMNS} FROM runs WHERE profile_id = $1 ORDER BY entry`,
    flowId ? [profileId, flowId] : [profileId],
  );
  const runs: Run[] = [];
  for (const r of rows) {
    const run = runFromRow(r);
    if (run) runs.push(run);
  }
  return runs;
}

export function profileContext(profile: ProfileRow, now: number): ProfileContext {
  const ctx: ProfileContext = { userId: profile.userId ?? undefined, profileId: profile.id, traits: profile.traits, group: profile.group ?? null, summary: asSummary(profile.summary), now };
  if (profile.recommendations) ctx.recommendations = profile.recommendations;
  return ctx;
}

function engineEvent(e: StoredEvent): EngineEvent {
  return { name: e.name, properties: e.properties ?? {}, timestamp: e.timestamp.getTime() };
}

/** One profile's share of an ingestion batch. `traitsBefore`: the profile's traits before this batch
 *  changed them (identify, import, a source, the engagement score): trait triggers compare the two. */
export type BatchItem = { profile: ProfileState; events: StoredEvent[]; firstIdentify: boolean; traitsBefore?: Record<string, unknown> };

/** Whether the traits differ (key order aside): only then can a trait trigger fire. */
export function traitsChanged(before: Record<string, unknown> | undefined, after: Record<string, unknown>): boolean {
  if (!before || before === after) return false;
  const a = Object.keys(before);
  const b = Object.keys(after);
  if (a.length !== b.length) return true;
  for (const k of b) if (!Object.prototype.hasOwnProperty.call(before, k) || JSON.stringify(before[k]) !== JSON.stringify(after[k])) return true;
  return false;
}

/**
 * Called by ingestion once per request, after the events are inserted and each profile's traits and
 * summary are updated, inside the same transaction, with the profile rows locked. Every profile of the
 * request at once, with the same result as one call per profile: profiles never share runs, steps,
 * touchpoints, jobs or counters. The flows are looked up once, only profiles with an event some live
 * flow listens to have their runs read (one query for all), and the effects of all of them are written
 * with one statement per table. May update a profile's traits (update nodes): they are written back and
 * `profile.traits` is mutated.
 */
export async function runFlowsForBatch(sql: Sql, items: BatchItem[], opts: { now: Date }): Promise<void> {
  const m = runtimeMetrics();
  const byType = new Map<string, number>();
  for (const it of items) for (const e of it.events) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
  for (const [type, n] of byType) m.events.inc({ type }, n);
  if (!items.length) return;
  const index = await flowIndex(sql);
  const { flows, active } = index;
  // Paused flows hold their runs and let nobody in: without an active flow there is nothing to do.
  if (!active.length) return;

  const now = opts.now.getTime();
  const versions = new Map<string, CompiledFlow | null>();
  const version = async (id: string, flow: LiveFlow) => {
    if (!versions.has(id)) versions.set(id, await compiledVersion(sql, id, flow.name));
    return versions.get(id) ?? null;
  };

  // Only an event that names a trigger, goal or wait-until of a live flow (or a first identify, given an
  // identify trigger) can move a run or let the user in; any other event is a no-op for the engine.
  // A change of traits matters when some flow enters on a trait.
  const todo = items.filter(
    (it) =>
      (index.trait && traitsChanged(it.traitsBefore, it.profile.traits)) ||
      it.events.some((e) => (e.type === "identify" ? it.firstIdentify && index.identify : e.type !== "alias" && index.names.has(e.name))),
  );
  if (todo.length) {
    const runsOf = await loadBatchRuns(sql, todo.map((it) => it.profile.id), index.goalVersions);
    const policies = await loadPolicyGates(sql, todo.map((it) => it.profile.id), now);
    // group.<trait> in conditions and templates: read only for profiles whose events matter to a flow.
    const groups = index.group ? await currentGroups(sql, todo.filter((it) => it.profile.group === undefined).map((it) => it.profile.id)) : new Map<string, Record<string, unknown>>();
    // The dispatcher is pure: every version it may need is compiled before it runs.
    const needed = new Map<string, LiveFlow>();
    for (const flow of active) needed.set(flow.activeVersionId, flow);
    for (const it of todo) {
      const mine = runsOf.get(it.profile.id);
      for (const run of mine?.runs ?? []) {
        const flow = flows.get(run.flowId);
        if (flow && flow.status === "active" && !mine!.light.has(run.id)) needed.set(run.versionId, flow);
      }
    }
    for (const [id, flow] of needed) await version(id, flow);
    const flowSet: FlowSet = {
      flows: [...flows.values()].map((f) => ({ id: f.id, status: f.status, active: f.status === "active" ? (versions.get(f.activeVersionId) ?? null) : null })),
      version: (id) => versions.get(id),
      globalControl: (await loadSettings(sql)).globalControl.percent,
    };
    const outbox = outboxOf(sql);
    for (const it of todo) {
      const profile = it.profile;
      const group = profile.group !== undefined ? profile.group : (groups.get(profile.id) ?? null);
      const row: ProfileRow = { id: profile.id, userId: profile.userId, traits: profile.traits, group, summary: profile.summary, lastSeen: profile.lastSeen };
      // Recommendations only when a version this person may move through reads them (lazily: the
      // lists its templates name), computed after this request's item activity was recorded.
      const lists = new Set<Strategy>();
      const heard = { names: new Set(it.events.filter((e) => e.type !== "identify" && e.type !== "alias").map((e) => e.name)), identify: it.firstIdentify };
      for (const f of active) for (const l of recommendationListsOf(versions.get(f.activeVersionId), heard)) lists.add(l as Strategy);
      for (const run of runsOf.get(profile.id)?.runs ?? []) for (const l of recommendationListsOf(versions.get(run.versionId), heard)) lists.add(l as Strategy);
      if (lists.size) row.recommendations = await recommendationsFor(sql, [profile.id], lists);
      const applier = outbox.applier(row);
      const policy = policies.gateFor(row);
      const loaded = runsOf.get(profile.id) ?? { runs: [], light: new Set<string>() };
      let runs = loaded.runs;

      // The batch changed traits (identify, import, a source, the engagement score): trait triggers
      // first, at the time of receipt, then each event.
      if (index.trait && traitsChanged(it.traitsBefore, row.traits)) {
        const res = dispatch(flowSet, runs, profileContext(row, now), { kind: "traits", before: it.traitsBefore!, at: now }, { gate: policy.gate, frozen: loaded.light });
        runs = res.runs;
        for (const m of res.moves) applier.apply(m.run, m.effects);
      }
      let identifySeen = false;
      for (const e of it.events) {
        if (e.type === "alias") continue;
        const event = engineEvent(e);
        // The flow's clock is the event's own timestamp (docs/api.md §4: a past timestamp is honoured),
        // never later than now: a replayed history enters, waits and converts at the times it happened.
        const at = Math.min(e.timestamp.getTime(), now);
        let input: DispatchInput;
        if (e.type === "identify") {
          input = { kind: "identify", first: it.firstIdentify && !identifySeen, event, at };
          identifySeen = true;
        } else input = { kind: "event", event, at };
        const res = dispatch(flowSet, runs, profileContext(row, at), input, { gate: policy.gate, frozen: loaded.light });
        runs = res.runs;
        for (const m of res.moves) applier.apply(m.run, m.effects);
      }
      // Update nodes changed the row's traits: the caller sees them.
      it.profile.traits = row.traits;
    }
    await outbox.flush();
    await policies.commit();
  }

  // Inactivity checks: one job per profile and flow, moved to lastSeen + after on every event.
  if (index.inactivity) {
    const checks: NewJob[] = [];
    for (const flow of active) {
      const compiled = await version(flow.activeVersionId, flow);
      if (!compiled) continue;
      for (const it of items) {
        // A change of traits alone (an import, the engagement score) is no activity.
        if (!it.events.length) continue;
        const lastSeen = Math.max(it.profile.lastSeen.getTime(), ...it.events.map((e) => e.timestamp.getTime()));
        const due = inactivityDueAt(compiled, lastSeen);
        if (due === null) continue;
        checks.push({ queue: "inactivity", key: inactivityKey(flow.id, it.profile.id), profileId: it.profile.id, runAt: new Date(due), payload: { flowId: flow.id, profileId: it.profile.id, lastSeen } satisfies InactivityPayload });
      }
    }
    if (checks.length) await enqueueMany(sql, checks, "replace");
  }
}

type BatchRunRow = RunRow & { flow_id: string; status: Run["status"]; entered_at: Date; converted_at: Date | null; ended_at: Date | null };

/**
 * The runs of many profiles in one query, in entry order per profile. Only runs that can still move
 * (active or waiting) or convert (ended, unconverted, on a version with a goal) carry their state; the
 * others come back "light", with just what entry rules read (flow, entry, status, times), and are in
 * `light` so the caller never advances or writes them.
 */
async function loadBatchRuns(sql: Sql, profileIds: string[], goalVersions: Set<string>): Promise<Map<string, { runs: Run[]; light: Set<string> }>> {
  const rows = await sql.query<BatchRunRow>(
    `SELECT id, profile_id, entry, flow_version_id, version, flow_id, status, entered_at, converted_at, ended_at,
            CASE WHEN status IN ('active', 'waiting') OR (converted_at IS NULL AND flow_version_id = ANY($2::text[])) THEN state END AS state
       FROM runs WHERE profile_id = ANY($1::text[]) ORDER BY profile_id, entry`,
    [profileIds, [...goalVersions]],
  );
  const out = new Map<string, { runs: Run[]; light: Set<string> }>();
  for (const r of rows) {
    let mine = out.get(r.profile_id);
    if (!mine) out.set(r.profile_id, (mine = { runs: [], light: new Set() }));
    if (r.state !== null && r.state !== undefined) {
      const run = runFromRow(r);
      if (run) mine.runs.push(run);
      continue;
    }
    mine.light.add(r.id);
    mine.runs.push({
      id: r.id,
      flowId: r.flow_id,
      versionId: r.flow_version_id,
      version: r.version,
      profileId: r.profile_id,
      entry: r.entry,
      status: r.status,
      nodeId: "",
      triggerNodeId: "",
      holdout: false,
      variants: {},
      visits: {},
      enteredAt: r.entered_at.getTime(),
      ...(r.converted_at ? { convertedAt: r.converted_at.getTime() } : {}),
      ...(r.ended_at ? { endedAt: r.ended_at.getTime() } : {}),
    });
  }
  return out;
}
