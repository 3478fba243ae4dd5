// The executor's entry point for ingestion: moves every affected run of this profile for the events
// just stored, in the caller's transaction (read-your-writes), and lets the user into flows whose
// triggers match. Effects are written by the Applier as an outbox in that same transaction.
//
// Rules kept here (the engine decides everything else):
// - Runs of a paused flow hold: they see no events and send nothing; paused flows let nobody in.
// - Runs stay on the version they entered with; entries use the flow's active version.
// - For each event, runs already in a flow see it first (goal, wait-until), then it may start a new run.
// - identify events only let users into identify triggers (the first identify); alias events do nothing.
// - Each event (re)schedules one inactivity check per profile and flow with an inactivity trigger.
import type { Sql } from "@/lib/db/sql";
import type { ProfileContext } from "@/lib/conditions/compile";
import { asSummary } from "@/lib/conditions/summary";
import { advance, goalOpen, inactivityDueAt, triggerEntries, type CompiledFlow, type EngineEvent, type EntryInput, type Run } from "@/lib/engine";
import type { ProfileState, StoredEvent } from "./types";
import { Applier, inactivityKey, runFromRow, RUN_COLUMNS, wakeWorkerSoon, type ProfileRow, type RunRow } from "./apply";
import { compiledVersion, liveFlows, type LiveFlow } from "./flow-cache";
import { enqueueMany, type NewJob } from "./jobs";
import { runtimeMetrics } from "./counters";
import { loadPolicyGate } from "@/lib/policies/runtime";

export type ExecuteOptions = {
  /** True when this batch holds the profile's first identify (identify triggers). */
  firstIdentify: boolean;
  now: Date;
};

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
  return { userId: profile.userId ?? undefined, profileId: profile.id, traits: profile.traits, summary: asSummary(profile.summary), now };
}

function engineEvent(e: StoredEvent): EngineEvent {
  return { name: e.name, properties: e.properties ?? {}, timestamp: e.timestamp.getTime() };
}

/**
 * Called by ingestion once per profile per request, after the events are inserted and the profile's
 * traits and summary are updated, inside the same transaction, with the profile row locked.
 * May update profile.traits (update nodes): it writes them back itself and mutates `profile.traits`.
 */
export async function runFlowsForEvents(sql: Sql, profile: ProfileState, events: StoredEvent[], opts: ExecuteOptions): Promise<void> {
  const flows = await liveFlows(sql);
  const m = runtimeMetrics();
  for (const e of events) m.events.inc({ type: e.type });
  if (!flows.size) return;

  const now = opts.now.getTime();
  const row: ProfileRow = { id: profile.id, userId: profile.userId, traits: profile.traits, summary: profile.summary, lastSeen: profile.lastSeen };
  const applier = new Applier(sql, row);
  const policy = await loadPolicyGate(sql, row, now);
  const runs = await loadRuns(sql, profile.id);
  const versions = new Map<string, CompiledFlow | null>();
  const version = async (id: string, flow: LiveFlow) => {
    if (!versions.has(id)) versions.set(id, await compiledVersion(sql, id, flow.name));
    return versions.get(id) ?? null;
  };
  const active = [...flows.values()].filter((f) => f.status === "active");

  let identifySeen = false;
  for (const e of events) {
    if (e.type === "alias") continue;
    const event = engineEvent(e);
    if (e.type !== "identify") {
      // Runs already inside see the event first.
      for (let i = 0; i < runs.length; i++) {
        const run = runs[i];
        const flow = flows.get(run.flowId);
        if (!flow || flow.status !== "active") continue;
        const compiled = await version(run.versionId, flow);
        if (!compiled) continue;
        const live = run.status === "active" || run.status === "waiting";
        if (!live && !goalOpen(compiled, run, event.timestamp ?? now)) continue;
        const res = advance(compiled, run, { kind: "event", event }, profileContext(row, now), now, { gate: policy.gate });
        if (res.ignored) continue;
        runs[i] = res.run;
        applier.apply(res.run, res.effects);
      }
    }
    let input: EntryInput;
    if (e.type === "identify") {
      input = { kind: "identify", first: opts.firstIdentify && !identifySeen, event };
      identifySeen = true;
    } else input = { kind: "event", event };
    for (const flow of active) {
      const compiled = await version(flow.activeVersionId, flow);
      if (!compiled || !compiled.triggers.length) continue;
      const mine = runs.filter((r) => r.flowId === flow.id);
      const res = triggerEntries(compiled, profileContext(row, now), input, mine, now, { gate: policy.gate });
      if (!res.entered) continue;
      runs.push(res.run);
      applier.apply(res.run, res.effects);
    }
  }

  await applier.flush();
  await policy.commit();
  profile.traits = row.traits;

  // Inactivity checks: one job per profile and flow, moved to lastSeen + after on every event.
  const lastSeen = Math.max(profile.lastSeen.getTime(), ...events.map((e) => e.timestamp.getTime()));
  const checks: NewJob[] = [];
  for (const flow of active) {
    const compiled = await version(flow.activeVersionId, flow);
    if (!compiled) continue;
    const due = inactivityDueAt(compiled, lastSeen);
    if (due === null) continue;
    checks.push({ queue: "inactivity", key: inactivityKey(flow.id, profile.id), runAt: new Date(due), payload: { flowId: flow.id, profileId: profile.id, lastSeen } satisfies InactivityPayload });
  }
  if (checks.length) await enqueueMany(sql, checks, "replace");
  if (applier.wroteJobs) wakeWorkerSoon();
}
