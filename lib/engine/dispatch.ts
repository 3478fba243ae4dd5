// The one path of a profile's input through the engine: which runs it moves and which flows it lets in.
// Ingestion, timers, inactivity checks, the sandbox, why-not and the test driver all call it, so the
// rule is written once and the sandbox is the product.
//
//   dispatch(flows, runs, profile, input, opts?) => { runs, effects, moves, entries, traits, held? }
//     flows:   the live flows (status and compiled active version, in entry order) and a lookup of any
//              compiled version a run may be on
//     runs:    the profile's runs, any flow, any version (not mutated; `runs` in the result is new)
//     input:   {kind:"event", event, at}           a track or page event
//              {kind:"identify", first, event, at} an identify (only identify triggers listen)
//              {kind:"timer", runId, timerId, at}  a run's timer fired
//              {kind:"inactivity", flowId, lastEventAt, at}  an inactivity check of one flow
//              {kind:"traits", before, at}         the profile's traits changed outside a flow (identify,
//                                                  import, a source, the engagement score): `before` is
//                                                  what they were, `profile.traits` what they are now
//
// Rules, in order:
//   1. Runs already inside see an event first (goal, wait-until): every active or waiting run, and an
//      ended run while its goal window is open. Runs of a paused flow hold: they see nothing, and a
//      timer of a paused flow answers `held` (the runtime looks again later).
//   2. Then the event may start new runs: each active flow's active version, in order, through
//      triggerEntries (re-entry, rollout, holdout). identify only reaches identify triggers.
//   3. Runs stay on the version they entered with; a run whose version is not given holds.
//   4. Traits set by update nodes are seen by every later walk of the same input.
//   5. Trait triggers: a traits input lets in the flows whose trait test went from false to true. When
//      update nodes changed traits while handling any input, the same is tried with the traits from
//      before those changes (a few rounds at most, so two flows setting each other's trait cannot loop).
//   6. Global control group (flows.globalControl, 0-20 %): a user whose bucket("workspace",
//      "global_control", user) falls below it enters every flow as holdout (`control: "global"`).
// `frozen` names runs that must never be moved (the runtime loads some runs without their state).
import type { ProfileContext } from "@/lib/conditions/compile";
import { advance, goalOpen } from "./advance";
import type { CompiledFlow } from "./compile-flow";
import { bucket } from "./hash";
import { triggerEntries, type EntryOptions, type EntryResult } from "./triggers";
import type { AdvanceInput, AdvanceOptions, Effect, EngineEvent, EntryInput, Run } from "./types";

export type DispatchFlow = { id: string; status: "active" | "paused"; active: CompiledFlow | null };

export type FlowSet = {
  /** The live flows in the order entries are tried. A flow not listed holds its runs. */
  flows: readonly DispatchFlow[];
  /** The compiled version a run is on; null or undefined: the run holds. */
  version(versionId: string): CompiledFlow | null | undefined;
  /** The workspace's global control group in percent (docs/api.md §7); absent or 0: none. */
  globalControl?: number;
};

/** Rounds of trait entries caused by update nodes within one input (rule 5). */
export const MAX_TRAIT_ROUNDS = 4;

/** Whether this user is in the workspace's global control group: stable per user, the same in every flow. */
export function inGlobalControl(percent: number | undefined, user: string): boolean {
  return !!percent && percent > 0 && bucket("workspace", "global_control", user) < percent;
}

/** Whether some live flow enters on a trait change (the runtime skips the work otherwise). */
export function hasTraitTrigger(flows: FlowSet): boolean {
  return flows.flows.some((f) => f.status === "active" && !!f.active?.triggers.some((t) => t.kind === "trait"));
}

export type DispatchInput =
  | { kind: "event"; event: EngineEvent; at: number }
  | { kind: "identify"; first: boolean; event?: EngineEvent; at: number }
  | { kind: "timer"; runId: string; timerId: string; at: number }
  | { kind: "inactivity"; flowId: string; lastEventAt: number; at: number }
  | { kind: "traits"; before: Record<string, unknown>; at: number };

/** The profile as the engine reads it; `now` is the input's `at`. */
export type DispatchProfile = Omit<ProfileContext, "now">;

export type DispatchOptions = AdvanceOptions & {
  /** Runs never moved (held without their state). */
  frozen?: ReadonlySet<string>;
  /** Run id of a new entry (default `${flowId}:${profileId}:${entry}`). */
  runId?: (flowId: string, entry: number) => string;
  /** false: decide entries without walking the new runs (why-not). */
  walk?: boolean;
};

export type DispatchMove = { run: Run; effects: Effect[] };

export type DispatchResult = {
  /** The profile's runs after the input: moved runs replaced, new runs appended. */
  runs: Run[];
  /** Every effect, in order. */
  effects: Effect[];
  /** The same effects per run, in order: what the runtime applies (run state + its effects). */
  moves: DispatchMove[];
  /** Every entry tried, per flow (refusals included, `no_trigger` too). */
  entries: Array<{ flowId: string; result: EntryResult }>;
  /** The profile's traits after update nodes. */
  traits: Record<string, unknown>;
  /** A timer of a paused flow: nothing moved; look again later. */
  held?: boolean;
};

export function dispatch(flows: FlowSet, runs: readonly Run[], profile: DispatchProfile, input: DispatchInput, opts: DispatchOptions = {}): DispatchResult {
  const out: Run[] = [...runs];
  const moves: DispatchMove[] = [];
  const entries: DispatchResult["entries"] = [];
  let traits = profile.traits;
  const at = input.at;
  const ctx = (): ProfileContext => ({ ...profile, traits, now: at });
  const byId = new Map(flows.flows.map((f) => [f.id, f]));
  const advOpts: AdvanceOptions = opts.gate ? { gate: opts.gate } : {};
  const globalControl = inGlobalControl(flows.globalControl, profile.userId ?? profile.profileId);

  const record = (run: Run, effects: Effect[], index: number) => {
    if (index >= 0) out[index] = run;
    else out.push(run);
    moves.push({ run, effects });
    for (const fx of effects) if (fx.type === "set_traits") traits = { ...traits, ...fx.traits };
  };

  const move = (i: number, compiled: CompiledFlow, advanceInput: AdvanceInput) => {
    const res = advance(compiled, out[i], advanceInput, ctx(), at, advOpts);
    if (res.ignored) return;
    record(res.run, res.effects, i);
  };

  const enter = (flow: DispatchFlow, entryInput: EntryInput) => {
    const compiled = flow.active;
    if (flow.status !== "active" || !compiled || !compiled.triggers.length) return;
    const mine = out.filter((r) => r.flowId === flow.id);
    const entryOpts: EntryOptions = { ...advOpts, ...(globalControl ? { globalControl } : {}), ...(opts.runId ? { runId: (entry: number) => opts.runId!(flow.id, entry) } : {}), ...(opts.walk === false ? { walk: false } : {}) };
    const result = triggerEntries(compiled, ctx(), entryInput, mine, at, entryOpts);
    entries.push({ flowId: flow.id, result });
    if (result.entered) record(result.run, result.effects, -1);
  };

  const traitsAtStart = traits;
  switch (input.kind) {
    case "traits":
      for (const flow of flows.flows) enter(flow, { kind: "traits", before: input.before });
      break;
    case "event": {
      const event = input.event;
      const t = event.timestamp ?? at;
      for (let i = 0; i < out.length; i++) {
        const run = out[i];
        if (opts.frozen?.has(run.id)) continue;
        const flow = byId.get(run.flowId);
        if (!flow || flow.status !== "active") continue;
        const compiled = flows.version(run.versionId);
        if (!compiled) continue;
        const live = run.status === "active" || run.status === "waiting";
        if (!live && !goalOpen(compiled, run, t)) continue;
        move(i, compiled, { kind: "event", event });
      }
      for (const flow of flows.flows) enter(flow, { kind: "event", event });
      break;
    }
    case "identify":
      for (const flow of flows.flows) enter(flow, { kind: "identify", first: input.first, ...(input.event ? { event: input.event } : {}) });
      break;
    case "timer": {
      const i = out.findIndex((r) => r.id === input.runId);
      if (i < 0 || opts.frozen?.has(input.runId)) break;
      const flow = byId.get(out[i].flowId);
      if (!flow) break;
      if (flow.status === "paused") return { runs: out, effects: [], moves, entries, traits, held: true };
      const compiled = flows.version(out[i].versionId);
      if (!compiled) break;
      move(i, compiled, { kind: "timer", timerId: input.timerId });
      break;
    }
    case "inactivity": {
      const flow = byId.get(input.flowId);
      if (flow) enter(flow, { kind: "inactivity", lastEventAt: input.lastEventAt });
      break;
    }
  }
  // Rule 5: traits changed by update nodes while handling this input may let the user into trait flows.
  let before = input.kind === "traits" ? profile.traits : traitsAtStart;
  for (let round = 0; round < MAX_TRAIT_ROUNDS && traits !== before && hasTraitTrigger(flows); round++) {
    const now = traits;
    for (const flow of flows.flows) enter(flow, { kind: "traits", before });
    before = now;
  }
  return { runs: out, effects: moves.flatMap((m) => m.effects), moves, entries, traits };
}

/** A flow set of one compiled flow (the sandbox, tests, why-not): every run of the flow is on it. */
export function singleFlow(flow: CompiledFlow, status: "active" | "paused" = "active"): FlowSet {
  return { flows: [{ id: flow.flowId, status, active: flow }], version: () => flow };
}
