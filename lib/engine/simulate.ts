// The sandbox (docs/api.md §5 /simulate): the same engine on a virtual clock, for one made-up profile.
//
//   simulate(flow: {graph, settings?, flowId?, flowName?}, input: {profile, events, until?, start?})
//     => { trace, messages, converted, entries, runs, traits, until, problems }
//
// - Events are processed in time order (`at` is a Duration offset from `start`); between them every due
//   timer (wait `for`, until-timeout) and inactivity check fires at its own virtual time.
// - track: an event; page: an event named "Page Viewed" whose properties carry `name` (and the given
//   path/url properties); identify: traits merged into the profile, the first one lets identify
//   triggers in, and a trait it changes lets trait triggers in (before the identify itself). Every message counts as activity for inactivity triggers, which are checked on the
//   virtual clock (a profile that never sends anything has been inactive since `start`).
// - Stops at `until`; by default at the last event plus every wait in the graph plus the longest
//   inactivity trigger, at most 400 days after the last event. A walk that keeps cycling stops after
//   MAX_SIMULATION_STEPS trace entries, noted in `problems`.
// - Nothing is stored or sent: messages are returned rendered (holdout ones marked `suppressed`).
// - With `policies` (workspace caps, quiet hours, default time zone; see lib/policies) every message
//   passes the same send gate as in production, with counters starting at zero: a message due in
//   quiet hours or over a delaying cap is traced "delayed" when reached and "sent" (entered: false) at
//   the virtual time it goes out, which is its `at` in `messages` (`dueAt` keeps when it was due).
//   The user's time zone is their `timezone` trait, else policies.timezone.
// Pass `start` (epoch ms, e.g. the request time) so date comparisons in conditions see realistic dates;
// the default is a fixed instant so a simulation without it is reproducible.
import { emptySummary, updateSummary, type EventSummary } from "@/lib/conditions/summary";
import { parseDuration } from "@/lib/conditions/duration";
import type { Graph, SettingsInput } from "@/lib/flow/schema";
import { createGate, SendCounts } from "@/lib/policies/gate";
import { Policies, userTimeZone, type PoliciesInput } from "@/lib/policies/schema";
import { compileFlow } from "./compile-flow";
import { dispatch, singleFlow, type DispatchInput } from "./dispatch";
import { inactivityDueAt } from "./triggers";
import { explainEntry, whySummary, type WhyEvent, type WhyReason } from "./why";
import type { AdvanceOptions, Effect, EngineEvent, MessageEffect, Run, StepReason } from "./types";

export const MAX_SIMULATION_STEPS = 5000;
export const SIMULATION_DEFAULT_START = Date.UTC(2025, 0, 1);
const MAX_DEFAULT_TAIL_MS = 400 * 86_400_000;

export type SimulationEvent = {
  at: string;
  type: "track" | "identify" | "page" | "screen" | "group";
  event?: string;
  /** group: the group (account) the person joins; its traits are `traits`. */
  groupId?: string;
  name?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  userId?: string;
};

export type SimulationInput = {
  /** `group`: the traits of the person's current group (and its `id`), read as group.<trait>. */
  profile: { traits?: Record<string, unknown>; userId?: string; group?: Record<string, unknown> | null };
  events: SimulationEvent[];
  until?: string;
  start?: number;
  /** Events the profile sent before `start` (timestamps in epoch ms): they count in event conditions and
   *  inactivity, and let nobody in. */
  history?: EngineEvent[];
  /** Workspace policies to apply (caps, quiet hours, time zone); absent: every message goes out when reached. */
  policies?: PoliciesInput | null;
};

export type SimulationFlow = { graph: Graph; settings?: SettingsInput | null; flowId?: string; flowName?: string };

export type TraceEntry = { nodeId: string; at: string; result: string; reason?: StepReason; runId: string; entry: number; entered: boolean };
/** `at` is when the message goes out; `dueAt` is set when a policy delayed it from then. */
export type SimulatedMessage = Omit<MessageEffect, "type" | "at" | "deliverAt"> & { at: string; dueAt?: string };
export type SimulatedEntry = { at: string; entered: boolean; reason?: string; trigger?: string; runId?: string; holdout?: boolean };

/** The why-not answer for the typed-in history: would the user enter, and if not, what stopped them. */
export type SimulationWhy = { wouldEnter: boolean; summary: string; reasons: WhyReason[] };

export type SimulationResult = {
  why: SimulationWhy;
  trace: TraceEntry[];
  messages: SimulatedMessage[];
  converted: boolean;
  entries: SimulatedEntry[];
  runs: Run[];
  traits: Record<string, unknown>;
  until: string;
  problems: string[];
};

type Pending = { at: number; seq: number } & (
  | { kind: "timer"; runId: string; timerId: string }
  | { kind: "inactivity"; lastEventAt: number }
  | { kind: "deliver"; entry: TraceEntry }
);

export function simulate(flowIn: SimulationFlow, input: SimulationInput): SimulationResult {
  const flow = compileFlow({
    flowId: flowIn.flowId ?? "simulation",
    flowName: flowIn.flowName ?? "Simulation",
    versionId: "simulation",
    version: 0,
    graph: flowIn.graph,
    settings: flowIn.settings,
  });
  const problems: string[] = flow.problems.map((p) => (p.nodeId ? `${p.nodeId}: ${p.message}` : p.message));
  const start = input.start ?? SIMULATION_DEFAULT_START;
  let policies: Policies | null = null;
  if (input.policies) {
    const parsed = Policies.safeParse(input.policies);
    if (parsed.success) policies = parsed.data;
    else problems.push(`policies: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}; ignored`);
  }
  const counts = new SendCounts();
  const iso = (t: number) => new Date(t).toISOString();

  const events = input.events
    .map((e, i) => {
      const offset = parseDuration(e.at);
      if (offset === null) problems.push(`events.${i}.at: "${e.at}" is not a duration; event skipped`);
      return { e, i, at: offset === null ? NaN : start + offset };
    })
    .filter((x) => !Number.isNaN(x.at))
    .sort((a, b) => a.at - b.at || a.i - b.i);

  const lastEventTime = events.length ? events[events.length - 1].at : start;
  let untilAt: number;
  const untilMs = input.until !== undefined ? parseDuration(input.until) : null;
  if (input.until !== undefined && untilMs === null) problems.push(`until: "${input.until}" is not a duration; the default is used`);
  if (untilMs !== null) untilAt = start + untilMs;
  else {
    const longestInactivity = flow.triggers.reduce((m, t) => (t.kind === "inactivity" ? Math.max(m, t.afterMs) : m), 0);
    untilAt = lastEventTime + Math.min(flow.totalWaitMs + longestInactivity, MAX_DEFAULT_TAIL_MS);
  }

  let traits: Record<string, unknown> = { ...(input.profile.traits ?? {}) };
  let userId = input.profile.userId;
  let group: Record<string, unknown> | null = input.profile.group ? { ...input.profile.group } : null;
  let summary: EventSummary = emptySummary();
  let lastEventAt = start;
  for (const h of [...(input.history ?? [])].sort((a, b) => (a.timestamp ?? start) - (b.timestamp ?? start))) {
    const at = Math.min(h.timestamp ?? start, start);
    summary = updateSummary(summary, { name: h.name, properties: h.properties ?? {}, timestamp: at });
    lastEventAt = at;
  }
  // The why answer replays the typed-in events on top of the same earlier history.
  const historySummary = summary;
  let identifies = 0;
  const runs: Run[] = [];
  const trace: TraceEntry[] = [];
  const messages: SimulatedMessage[] = [];
  const entries: SimulatedEntry[] = [];
  let converted = false;
  let stopped = false;
  let seq = 0;
  const pending: Pending[] = [];
  const seenEvents: WhyEvent[] = [];

  // The time zone is read per walk: an identify may change the `timezone` trait.
  const engineOpts = (): AdvanceOptions =>
    policies ? { gate: createGate({ policies, timezone: userTimeZone(traits, policies.timezone), counts }) } : {};

  const apply = (effects: Effect[], run: Run | undefined, now: number) => {
    for (const fx of effects) {
      switch (fx.type) {
        case "step":
          trace.push({ nodeId: fx.nodeId, at: iso(now), result: fx.result, ...(fx.reason ? { reason: fx.reason } : {}), runId: fx.runId, entry: run?.entry ?? 0, entered: fx.entered });
          if (trace.length >= MAX_SIMULATION_STEPS && !stopped) {
            stopped = true;
            problems.push(`The simulation stopped after ${MAX_SIMULATION_STEPS} steps`);
          }
          break;
        case "message": {
          const { type: _type, at: _at, deliverAt, ...rest } = fx;
          void _type;
          void _at;
          if (deliverAt !== undefined && deliverAt > now) {
            messages.push({ ...rest, at: iso(deliverAt), dueAt: iso(now) } as SimulatedMessage);
            const step = effects.find((e) => e.type === "step" && e.nodeId === fx.nodeId && e.runId === fx.runId && e.visit === fx.visit && e.entered);
            const reason = step?.type === "step" ? step.reason : undefined;
            const entry: TraceEntry = { nodeId: fx.nodeId, at: iso(deliverAt), result: "sent", ...(reason ? { reason } : {}), runId: fx.runId, entry: run?.entry ?? 0, entered: false };
            pending.push({ kind: "deliver", at: deliverAt, seq: seq++, entry });
          } else messages.push({ ...rest, at: iso(now) } as SimulatedMessage);
          break;
        }
        case "set_traits":
          traits = { ...traits, ...fx.traits };
          break;
        case "timer":
          pending.push({ kind: "timer", at: fx.at, seq: seq++, runId: fx.runId, timerId: fx.timerId });
          break;
        case "cancel_timer": {
          const i = pending.findIndex((p) => p.kind === "timer" && p.timerId === fx.timerId);
          if (i >= 0) pending.splice(i, 1);
          break;
        }
        case "convert":
          converted = true;
          break;
        case "enter":
        case "end":
          break;
      }
    }
  };

  const flows = singleFlow(flow);
  /** One input through the dispatcher (the same one ingestion and the worker call). */
  const send = (input: DispatchInput) => {
    const res = dispatch(flows, runs, { userId, profileId: userId ?? "simulated-profile", traits, group, summary }, input, engineOpts());
    runs.splice(0, runs.length, ...res.runs);
    for (const { result } of res.entries) {
      if (result.entered) entries.push({ at: iso(input.at), entered: true, trigger: result.triggerNodeId, runId: result.run.id, holdout: result.run.holdout });
      else if (result.reason !== "no_trigger") entries.push({ at: iso(input.at), entered: false, reason: result.reason, trigger: result.triggerNodeId });
    }
    for (const m of res.moves) apply(m.effects, m.run, input.at);
  };

  const scheduleInactivity = () => {
    for (let i = pending.length - 1; i >= 0; i--) if (pending[i].kind === "inactivity") pending.splice(i, 1);
    const due = inactivityDueAt(flow, lastEventAt);
    if (due !== null) pending.push({ kind: "inactivity", at: due, seq: seq++, lastEventAt });
  };

  const fireDue = (limit: number) => {
    while (!stopped) {
      let best = -1;
      for (let i = 0; i < pending.length; i++) {
        const p = pending[i];
        if (p.at > limit) continue;
        if (best < 0 || p.at < pending[best].at || (p.at === pending[best].at && p.seq < pending[best].seq)) best = i;
      }
      if (best < 0) return;
      const [p] = pending.splice(best, 1);
      if (p.kind === "timer") {
        send({ kind: "timer", runId: p.runId, timerId: p.timerId, at: p.at });
      } else if (p.kind === "deliver") {
        trace.push(p.entry);
      } else {
        send({ kind: "inactivity", flowId: flow.flowId, lastEventAt: p.lastEventAt, at: p.at });
        const next = inactivityDueAt(flow, p.lastEventAt, p.at);
        if (next !== null) pending.push({ kind: "inactivity", at: next, seq: seq++, lastEventAt: p.lastEventAt });
      }
    }
  };

  scheduleInactivity();
  for (const { e, i, at } of events) {
    if (at > untilAt || stopped) break;
    fireDue(at);
    if (stopped) break;
    const now = at;
    if (e.userId) userId = e.userId;
    lastEventAt = now;
    if (e.type === "identify") {
      const before = traits;
      traits = { ...traits, ...(e.traits ?? {}) };
      identifies++;
      // As ingestion does: a change of traits first (trait triggers), then the identify itself.
      if (Object.keys(e.traits ?? {}).some((k) => JSON.stringify(before[k]) !== JSON.stringify(traits[k]))) send({ kind: "traits", before, at: now });
      seenEvents.push({ type: "identify", name: "Identify", properties: e.traits ?? {}, timestamp: now, firstIdentify: identifies === 1 });
      send({ kind: "identify", first: identifies === 1, event: { name: "Identify", properties: e.traits ?? {}, timestamp: now }, at: now });
    } else {
      let event: EngineEvent;
      if (e.type === "page" || e.type === "screen") {
        event = { name: e.type === "page" ? "Page Viewed" : "Screen Viewed", properties: { ...(e.properties ?? {}), ...(e.name !== undefined ? { name: e.name } : {}) }, timestamp: now };
      } else if (e.type === "group") {
        if (!e.groupId) {
          problems.push(`events.${i}: a group event needs "groupId"; skipped`);
          continue;
        }
        // As ingestion keeps it: the group's traits merged (null removes one), this group now current.
        const base = group && group.id === e.groupId ? group : {};
        const merged: Record<string, unknown> = { ...base };
        for (const [k, v] of Object.entries(e.traits ?? {})) {
          if (v === null) delete merged[k];
          else if (v !== undefined) merged[k] = v;
        }
        group = { ...merged, id: e.groupId };
        event = { name: "Group", properties: { groupId: e.groupId, traits: e.traits ?? {} }, timestamp: now };
      } else if (e.event) {
        event = { name: e.event, properties: e.properties ?? {}, timestamp: now };
      } else {
        problems.push(`events.${i}: a track event needs "event"; skipped`);
        continue;
      }
      summary = updateSummary(summary, { name: event.name, properties: event.properties, timestamp: now });
      seenEvents.push({ type: "track", name: event.name, properties: event.properties ?? {}, timestamp: now });
      send({ kind: "event", event, at: now });
    }
    scheduleInactivity();
  }
  fireDue(untilAt);
  if (untilMs === null && !stopped) {
    // Without an explicit end, run on until the last delayed message has gone out.
    const lastDelivery = pending.reduce((m, p) => (p.kind === "deliver" ? Math.max(m, p.at) : m), -Infinity);
    if (lastDelivery > untilAt) {
      untilAt = lastDelivery;
      fireDue(untilAt);
    }
  }

  // Delayed messages were listed when decided; list every message in the order it goes out.
  messages.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const explained = explainEntry({
    flowId: flow.flowId,
    versions: [{ flow, liveFrom: -Infinity }],
    events: seenEvents,
    summary: historySummary,
    runs,
    profile: { userId, profileId: userId ?? "simulated-profile", traits },
    lastEventAt,
    now: untilAt,
  });
  const why: SimulationWhy = { wouldEnter: explained.entered, summary: whySummary(explained.entered, explained.reasons), reasons: explained.reasons };
  return { why, trace, messages, converted, entries, runs, traits, until: iso(untilAt), problems };
}
