// Worker handlers for time: a run's timer (wait `for` elapsed, wait-until timeout) and the inactivity
// check that lets a silent user into a flow. Each runs in one transaction with the profile row locked
// (the same lock ingestion takes), so a timer and an event of one user never interleave.
import type { Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import { dispatch, inactivityDueAt, singleFlow, type FlowSet } from "@/lib/engine";
import { Applier, inactivityKey, runFromRow, RUN_COLUMNS, type ProfileRow, type RunRow, type TimerPayload } from "./apply";
import { loadRuns, profileContext, runFlowsForBatch, traitsChanged, type InactivityPayload } from "./execute";
import { compiledVersion, liveFlows, recommendationListsOf } from "./flow-cache";
import { recommendationsFor } from "@/lib/catalog/recommend";
import type { Strategy } from "@/lib/catalog/schema";
import { enqueue, type Job, type JobResult } from "./jobs";
import { runtimeMetrics } from "./counters";
import { loadSummary } from "./summaries";
import { loadPolicyGate } from "@/lib/policies/runtime";
import { currentGroups } from "@/lib/profiles/groups";
import { loadSettings } from "@/lib/ingest/settings";

/** How long a timer or delivery of a paused flow waits before it looks again. */
export function pausedRecheckMs(): number {
  const n = Number(process.env.PATHWISE_PAUSED_RECHECK_MS ?? 5000);
  return Number.isFinite(n) && n > 0 ? n : 5000;
}

async function lockProfile(sql: Sql, profileId: string): Promise<ProfileRow | null> {
  const rows = await sql.query<{ id: string; user_id: string | null; traits: Record<string, unknown>; last_seen: Date }>(
    `SELECT id, user_id, traits, last_seen FROM profiles WHERE id = $1 FOR UPDATE`,
    [profileId],
  );
  const r = rows[0];
  if (!r) return null;
  const group = (await currentGroups(sql, [r.id])).get(r.id) ?? null;
  return { id: r.id, userId: r.user_id, traits: r.traits ?? {}, group, summary: await loadSummary(sql, r.id), lastSeen: r.last_seen };
}

/** An update node reached from a timer changed traits: every flow with a trait trigger looks at it
 *  (the timer's own dispatch sees only the run's flow). */
async function traitFlowsAfter(sql: Sql, profile: ProfileRow, before: Record<string, unknown>, now: number): Promise<void> {
  if (!traitsChanged(before, profile.traits)) return;
  await runFlowsForBatch(
    sql,
    [{ profile: { id: profile.id, userId: profile.userId, traits: profile.traits, group: profile.group, summary: profile.summary, firstSeen: profile.lastSeen, lastSeen: profile.lastSeen }, events: [], firstIdentify: false, traitsBefore: before }],
    { now: new Date(now) },
  );
}

export async function handleTimer(job: Job, { db }: { db: Db }): Promise<JobResult> {
  const p = job.payload as unknown as TimerPayload;
  const firedAt = Date.now();
  const result = await db.tx(async (sql): Promise<JobResult | "held"> => {
    // The job row carries the run's person (a merge moves it along); timers queued before it did
    // look the run up by id.
    let ownerId: string | undefined = job.profile_id || undefined;
    if (!ownerId) ownerId = (await sql.query<{ profile_id: string }>(`SELECT profile_id FROM runs WHERE id = $1`, [p.runId]))[0]?.profile_id;
    if (!ownerId) return; // the run (or its profile or flow) was deleted
    const profile = await lockProfile(sql, ownerId);
    if (!profile) return;
    const rows = await sql.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE profile_id = $2 AND id = $1 FOR UPDATE`, [p.runId, profile.id]);
    const run = rows[0] ? runFromRow(rows[0]) : null;
    if (!run) return;
    const flows = await liveFlows(sql);
    const flow = flows.get(run.flowId);
    if (!flow) return;
    const compiled = flow.status === "active" ? await compiledVersion(sql, run.versionId, flow.name) : null;
    const flowSet: FlowSet = { flows: [{ id: flow.id, status: flow.status, active: null }], version: (id) => (id === run.versionId ? compiled : null) };
    const now = Date.now();
    const policy = await loadPolicyGate(sql, profile, now);
    const lists = compiled ? recommendationListsOf(compiled) : [];
    if (lists.length) profile.recommendations = await recommendationsFor(sql, [profile.id], lists as Strategy[]);
    const res = dispatch(flowSet, [run], profileContext(profile, now), { kind: "timer", runId: run.id, timerId: p.timerId, at: now }, { gate: policy.gate });
    // A paused flow holds its runs: look again later; the run fires when the flow is resumed.
    if (res.held) return "held";
    if (!res.moves.length) return; // stale: the run moved on (matched, exited) or this job ran already
    const before = profile.traits;
    const applier = new Applier(sql, profile);
    for (const m of res.moves) applier.apply(m.run, m.effects);
    await applier.flush();
    await policy.commit();
    await traitFlowsAfter(sql, profile, before, now);
  });
  if (result === "held") return { retryAt: new Date(Date.now() + pausedRecheckMs()) };
  runtimeMetrics().timerLag.observe({ queue: "timer" }, Math.max(0, firedAt - p.due) / 1000);
  return result;
}

export async function handleInactivity(job: Job, { db }: { db: Db }): Promise<JobResult> {
  const p = job.payload as unknown as InactivityPayload;
  const firedAt = Date.now();
  await db.tx(async (sql) => {
    const profile = await lockProfile(sql, p.profileId);
    if (!profile) return;
    // A newer event moved the check (its own job carries the new time): this one is stale.
    if (profile.lastSeen.getTime() > p.lastSeen) return;
    const flows = await liveFlows(sql);
    const flow = flows.get(p.flowId);
    if (!flow || flow.status !== "active") return;
    const compiled = await compiledVersion(sql, flow.activeVersionId, flow.name);
    if (!compiled) return;
    const now = Date.now();
    const runs = await loadRuns(sql, profile.id, flow.id);
    const policy = await loadPolicyGate(sql, profile, now);
    const flowSet = { ...singleFlow(compiled), globalControl: (await loadSettings(sql)).globalControl.percent };
    const res = dispatch(flowSet, runs, profileContext(profile, now), { kind: "inactivity", flowId: flow.id, lastEventAt: p.lastSeen, at: now }, { gate: policy.gate });
    if (res.moves.length) {
      const before = profile.traits;
      const applier = new Applier(sql, profile);
      for (const m of res.moves) applier.apply(m.run, m.effects);
      await applier.flush();
      await policy.commit();
      await traitFlowsAfter(sql, profile, before, now);
    }
    // A flow with several inactivity triggers checks again at the next one.
    const next = inactivityDueAt(compiled, p.lastSeen, now);
    if (next !== null) {
      await enqueue(sql, { queue: "inactivity", key: inactivityKey(flow.id, profile.id), profileId: profile.id, runAt: new Date(next), payload: p }, "replace");
    }
  });
  runtimeMetrics().timerLag.observe({ queue: "inactivity" }, Math.max(0, firedAt - job.run_at.getTime()) / 1000);
}
