// Entry into a flow: which trigger an input matches, re-entry, rollout and holdout, then the first walk.
//
//   triggerEntries(flow, profile, input, runs, now, opts?) => EntryResult
//     input: {kind:"event", event} | {kind:"identify", first} | {kind:"inactivity", lastEventAt}
//     runs:  this profile's existing runs of this flow (any version)
//     -> { entered: true, run, effects } (effects start with `enter`, then the walk's effects)
//      | { entered: false, reason }
//   inactivityDueAt(flow, lastEventAt, after?) => number | null
//
// Rules, in order:
//   1. A trigger must match (first matching trigger node in graph order wins):
//      event       the event's name and `where`.
//      behavior    the event's name and `where`, and the count of matching events in the summary within
//                  [t - within, t] (t = the event's timestamp) has just reached `count.gte`: it is
//                  >= gte now and was < gte without this event. So a user enters once per crossing,
//                  not on every later event; after the window slides below gte they can cross again.
//                  The profile's summary must already include this event.
//      identify    an identify input with `first: true` (the runtime knows whether it is the first).
//      inactivity  now - lastEventAt >= after, and no run of this flow entered through an inactivity
//                  trigger at or after lastEventAt (one entry per silence, however often checked).
//      trait       a traits input whose test fails on `before` and holds on the profile's traits now
//                  (false -> true): one entry per crossing, never while the trait merely stays true.
//   2. No run of this flow is active or waiting for the profile ("already_in_flow").
//   3. Re-entry after an earlier run: "never" refuses; "always" allows; a Duration allows once that
//      long has passed since the latest entry.
//   4. Rollout: bucket(flowId, "rollout", user) < rollout, else not entered ("rollout").
//   5. Holdout: bucket(flowId, "holdout", user) < holdout marks the run holdout (enters, no messages).
//      A user in the workspace's global control group (opts.globalControl) enters as holdout too, the
//      run marked `control: "global"` so results can tell the two groups apart.
//   user = userId ?? profileId. The runtime refuses paused flows before calling this.
// The run id defaults to `${flowId}:${profileId}:${entry}` so a retried input yields the same id.
import { countEvents } from "@/lib/conditions/summary";
import type { ProfileContext } from "@/lib/conditions/compile";
import { advance } from "./advance";
import type { CompiledFlow, CompiledTrigger } from "./compile-flow";
import { bucket } from "./hash";
import type { AdvanceOptions, Effect, EngineEvent, EntryInput, Run } from "./types";

export type EntryRefusal =
  | "no_trigger"
  | "already_in_flow"
  | "reentry_never"
  | "reentry_too_soon"
  | "rollout"
  | "already_entered_for_inactivity";

export type EntryResult =
  | { entered: true; run: Run; effects: Effect[]; triggerNodeId: string }
  | { entered: false; reason: EntryRefusal; triggerNodeId?: string };

export type EntryOptions = {
  runId?: (entry: number) => string;
  /** false: decide the entry only, without walking the new run (why-not asks whether, not what next). */
  walk?: boolean;
  /** The user is in the workspace's global control group: enters as holdout (see rule 5). */
  globalControl?: boolean;
} & AdvanceOptions;

function matchTrigger(flow: CompiledFlow, profile: ProfileContext, input: EntryInput, runs: readonly Run[], now: number): CompiledTrigger | "inactivity_seen" | null {
  let inactivitySeen = false;
  for (const t of flow.triggers) {
    switch (t.kind) {
      case "event":
        if (input.kind === "event" && input.event.name === t.event && t.where(input.event.properties)) return t;
        break;
      case "behavior":
        if (input.kind === "event" && input.event.name === t.event && t.where(input.event.properties)) {
          const at = input.event.timestamp ?? now;
          const n = countEvents(profile.summary, t.event, at - t.withinMs, at, t.hasWhere ? t.where : undefined);
          if (n >= t.gte && n - 1 < t.gte) return t;
        }
        break;
      case "identify":
        if (input.kind === "identify" && input.first) return t;
        break;
      case "trait":
        if (input.kind === "traits" && !t.test(input.before) && t.test(profile.traits)) return t;
        break;
      case "inactivity":
        if (input.kind === "inactivity" && now - input.lastEventAt >= t.afterMs) {
          const inactivityIds = new Set(flow.triggers.filter((x) => x.kind === "inactivity").map((x) => x.nodeId));
          const already = runs.some((r) => inactivityIds.has(r.triggerNodeId) && r.enteredAt >= input.lastEventAt);
          if (!already) return t;
          inactivitySeen = true;
        }
        break;
    }
  }
  return inactivitySeen ? "inactivity_seen" : null;
}

export function triggerEntries(flow: CompiledFlow, profile: ProfileContext, input: EntryInput, runs: readonly Run[], now: number, opts: EntryOptions = {}): EntryResult {
  const trigger = matchTrigger(flow, profile, input, runs, now);
  if (trigger === null) return { entered: false, reason: "no_trigger" };
  if (trigger === "inactivity_seen") return { entered: false, reason: "already_entered_for_inactivity" };
  const triggerNodeId = trigger.nodeId;

  if (runs.some((r) => r.status === "active" || r.status === "waiting")) return { entered: false, reason: "already_in_flow", triggerNodeId };
  let lastEntry = -Infinity;
  let maxEntry = 0;
  for (const r of runs) {
    lastEntry = Math.max(lastEntry, r.enteredAt);
    maxEntry = Math.max(maxEntry, r.entry);
  }
  if (runs.length) {
    const reentry = flow.settings.reentry;
    if (reentry === "never") return { entered: false, reason: "reentry_never", triggerNodeId };
    if (reentry !== "always" && (flow.reentryMs === null || now - lastEntry < flow.reentryMs)) return { entered: false, reason: "reentry_too_soon", triggerNodeId };
  }

  const user = profile.userId ?? profile.profileId;
  if (flow.settings.rollout < 100 && !(bucket(flow.flowId, "rollout", user) < flow.settings.rollout)) {
    return { entered: false, reason: "rollout", triggerNodeId };
  }
  const globalControl = opts.globalControl === true;
  const holdout = globalControl || (flow.settings.holdout > 0 && bucket(flow.flowId, "holdout", user) < flow.settings.holdout);

  const entry = maxEntry + 1;
  const id = opts.runId ? opts.runId(entry) : `${flow.flowId}:${profile.profileId}:${entry}`;
  const run: Run = {
    id,
    flowId: flow.flowId,
    versionId: flow.versionId,
    version: flow.version,
    profileId: profile.profileId,
    entry,
    status: "active",
    nodeId: triggerNodeId,
    triggerNodeId,
    holdout,
    ...(globalControl ? { control: "global" as const } : {}),
    variants: {},
    visits: {},
    event: null,
    enteredAt: now,
  };
  const enter: Effect = {
    type: "enter",
    runId: id,
    flowId: flow.flowId,
    versionId: flow.versionId,
    version: flow.version,
    profileId: profile.profileId,
    entry,
    triggerNodeId,
    holdout,
    at: now,
  };
  const event: EngineEvent | null = input.kind === "event" ? input.event : input.kind === "identify" ? (input.event ?? null) : null;
  if (opts.walk === false) return { entered: true, run, effects: [enter], triggerNodeId };
  const walked = advance(flow, run, { kind: "enter", event }, profile, now, { gate: opts.gate });
  return { entered: true, run: walked.run, effects: [enter, ...walked.effects], triggerNodeId };
}

/**
 * When the next inactivity check is due for a user last active at `lastEventAt`: the earliest
 * lastEventAt + after over the flow's inactivity triggers that is later than `after` (pass the time of
 * the check just made to get the following one). null when the flow has no (further) inactivity trigger.
 */
export function inactivityDueAt(flow: CompiledFlow, lastEventAt: number, after = -Infinity): number | null {
  let due: number | null = null;
  for (const t of flow.triggers) {
    if (t.kind !== "inactivity") continue;
    const at = lastEventAt + t.afterMs;
    if (at > after && (due === null || at < due)) due = at;
  }
  return due;
}
