// Why (not): replays a profile's recent history through the dispatcher to say, for each event that could
// have let the user into a flow, what happened and which test stopped them. The decision itself is the
// executor's (dispatch -> triggerEntries); the detail of a trigger that did not match reads the same
// compiled closures (where.explain, countEvents). No second interpreter.
//
//   explainEntry(input) => { entered, decisions, reasons }
//     input.events: the last N events in the order the executor saw them (receipt, then timestamp)
//     input.runs:   the profile's stored runs of the flow (to know who was inside at each moment)
//     input.versions: each version of the flow and when it went live; input.pauses: when it was paused
//   explainSimulation(result) => { wouldEnter, reasons }  the same words for a sandbox answer
//
// Reason codes (WhyReason.code):
//   entered, holdout                  the user entered (in the control group: no messages)
//   event_name                        none of the recent events is the trigger's event
//   where                             a trigger's `where` failed: the predicate and the value seen
//   behavior_count                    matching events in the window: reached vs needed (or already past)
//   inactivity_not_reached            silent for less than the trigger's time; inactivity_due otherwise
//   identify_not_first                an identify trigger lets users in on their first identify only
//   already_in_flow, reentry_never, reentry_too_soon (with the earlier run), rollout,
//   already_entered_for_inactivity    the executor's entry refusals
//   paused, not_live                  the flow was paused / had no published version at that time
import { countEvents, emptySummary, updateSummary, type EventSummary } from "@/lib/conditions/summary";
import { describeTest } from "@/lib/flow/describe";
import type { Predicate } from "@/lib/flow/schema";
import type { CompiledFlow, CompiledTrigger } from "./compile-flow";
import { dispatch, singleFlow, type DispatchInput } from "./dispatch";
import { bucket } from "./hash";
import type { EntryRefusal } from "./triggers";
import type { Run } from "./types";

export type WhyReason = {
  code: string;
  message: string;
  /** When it happened (ISO); absent for a state that holds now. */
  at?: string;
  nodeId?: string;
  event?: string;
  /** where: the predicate that failed and the value the event carried (null: absent). */
  predicate?: Predicate;
  /** where: the predicate's index in the trigger's `where`. */
  predicateIndex?: number;
  seen?: unknown;
  /** behavior_count: matching events in the window, and how many were needed. */
  reached?: number;
  needed?: number;
  /** The earlier run (re-entry, already in flow) or the run entered. */
  runId?: string;
  runEnteredAt?: string;
  /** rollout / holdout: the user's bucket in [0, 100) and the setting. */
  bucket?: number;
  percent?: number;
  /** reentry_too_soon: when the user may enter again. */
  allowedAt?: string;
  version?: number;
};

export type WhyEvent = {
  type: "track" | "page" | "identify" | "alias";
  name: string;
  properties: Record<string, unknown>;
  /** The event's own time (epoch ms). */
  timestamp: number;
  /** When the executor processed it: min(timestamp, receipt). Default: timestamp. */
  at?: number;
  /** An identify that was the profile's first (identify triggers). */
  firstIdentify?: boolean;
};

export type WhyRun = Pick<Run, "id" | "flowId" | "versionId" | "version" | "entry" | "status" | "enteredAt" | "triggerNodeId" | "holdout"> & {
  endedAt?: number;
  convertedAt?: number;
};

export type WhyInput = {
  flowId: string;
  /** The flow's published versions with the time each went live, oldest first. */
  versions: Array<{ flow: CompiledFlow; liveFrom: number }>;
  /** Periods the flow was paused (to: null while still paused). */
  pauses?: Array<{ from: number; to: number | null }>;
  events: WhyEvent[];
  runs: WhyRun[];
  profile: { userId?: string; profileId: string; traits: Record<string, unknown> };
  /** The summary the replay starts from (events before the window); default empty. */
  summary?: EventSummary;
  /** `summary` already holds `events` (a stored profile's summary): the replay does not add them again. */
  summaryIncludesEvents?: boolean;
  /** The profile's last event (inactivity), epoch ms. */
  lastEventAt?: number | null;
  now: number;
};

export type WhyDecision = { at: number; event: string; entered: boolean; reason: WhyReason };

export type WhyResult = {
  /** The replay entered at least once (the stored runs decide the answer's `entered`, see runtime). */
  entered: boolean;
  /** One per event that reached a trigger test (or would have, had the flow been live), in order. */
  decisions: WhyDecision[];
  /** Plain reasons, newest first, one per distinct cause; plus what holds now (inactivity). */
  reasons: WhyReason[];
};

const iso = (t: number) => new Date(t).toISOString();
const quote = (v: unknown) => (v === undefined || v === null ? "nothing (absent)" : JSON.stringify(v));
/** "1d 2h", "45m", "30s": how long, in words people read. */
function human(ms: number): string {
  let s = Math.max(0, Math.round(ms / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86_400], ["h", 3_600], ["m", 60]] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  if (s || !parts.length) parts.push(`${s}s`);
  return parts.slice(0, 2).join(" ");
}

function versionAt(versions: WhyInput["versions"], t: number): CompiledFlow | null {
  let out: CompiledFlow | null = null;
  for (const v of versions) if (v.liveFrom <= t) out = v.flow;
  return out;
}

function pausedAt(pauses: WhyInput["pauses"], t: number): boolean {
  return (pauses ?? []).some((p) => p.from <= t && (p.to === null || t < p.to));
}

/** Triggers an event could reach by name (event, behavior) or type (identify). */
function listening(flow: CompiledFlow, e: WhyEvent): CompiledTrigger[] {
  return flow.triggers.filter((t) => (e.type === "identify" ? t.kind === "identify" : (t.kind === "event" || t.kind === "behavior") && t.event === e.name));
}

function asRun(r: WhyRun, t: number, profileId: string): Run {
  const ended = r.endedAt !== undefined && r.endedAt <= t;
  return {
    id: r.id,
    flowId: r.flowId,
    versionId: r.versionId,
    version: r.version,
    profileId,
    entry: r.entry,
    status: ended ? (r.status === "exited" ? "exited" : "completed") : "active",
    nodeId: "",
    triggerNodeId: r.triggerNodeId,
    holdout: r.holdout,
    variants: {},
    visits: {},
    enteredAt: r.enteredAt,
    ...(ended ? { endedAt: r.endedAt } : {}),
  };
}

/** The detail of a trigger that did not match, read with the trigger's own compiled closures. */
function triggerDetail(t: CompiledTrigger, e: WhyEvent, summary: EventSummary, at: number): WhyReason | null {
  if (t.kind === "identify") {
    return { code: "identify_not_first", message: `This identify was not the user's first; the flow lets users in on their first identify only.`, nodeId: t.nodeId, event: e.name, at: iso(at) };
  }
  if (t.kind !== "event" && t.kind !== "behavior") return null;
  const fail = t.where.explain(e.properties);
  if (fail) {
    const p = fail.predicate;
    return {
      code: "where",
      message: `"${e.name}" at ${iso(at)} did not pass "${describeTest(p.property, p.op, p.value)}": the event's ${p.property} was ${quote(fail.value)}.`,
      nodeId: t.nodeId,
      event: e.name,
      predicate: p,
      predicateIndex: fail.index,
      seen: fail.value === undefined ? null : fail.value,
      at: iso(at),
    };
  }
  if (t.kind === "behavior") {
    const ts = e.timestamp;
    const n = countEvents(summary, t.event, ts - t.withinMs, ts, t.hasWhere ? t.where : undefined);
    const window = human(t.withinMs);
    const message =
      n < t.gte
        ? `"${t.event}" happened ${n} of the ${t.gte} times needed within ${window} (as of ${iso(at)}).`
        : `"${t.event}" had already happened ${n} times within ${window}: the flow lets users in when the count reaches ${t.gte}, once per crossing.`;
    return { code: "behavior_count", message, nodeId: t.nodeId, event: t.event, reached: n, needed: t.gte, at: iso(at) };
  }
  return null;
}

function refusal(code: EntryRefusal, flow: CompiledFlow, earlier: Run | undefined, at: number, userKey: string, e: WhyEvent): WhyReason {
  const run = earlier ? { runId: earlier.id, runEnteredAt: iso(earlier.enteredAt) } : {};
  const base = { code, at: iso(at), event: e.name, ...run };
  switch (code) {
    case "already_in_flow":
      return { ...base, message: `"${e.name}" at ${iso(at)} matched, but the user was still inside the flow (the run entered ${earlier ? iso(earlier.enteredAt) : "earlier"}).` };
    case "reentry_never":
      return { ...base, message: `"${e.name}" at ${iso(at)} matched, but re-entry is "never" and the user entered before (${earlier ? iso(earlier.enteredAt) : "earlier"}).` };
    case "reentry_too_soon": {
      const allowed = earlier && flow.reentryMs !== null ? earlier.enteredAt + flow.reentryMs : undefined;
      return {
        ...base,
        ...(allowed !== undefined ? { allowedAt: iso(allowed) } : {}),
        message: `"${e.name}" at ${iso(at)} matched, but re-entry is allowed ${flow.settings.reentry} after the last entry (${earlier ? iso(earlier.enteredAt) : "earlier"})${allowed !== undefined ? `, so not before ${iso(allowed)}` : ""}.`,
      };
    }
    case "rollout": {
      const b = Math.round(bucket(flow.flowId, "rollout", userKey) * 1000) / 1000;
      return { ...base, bucket: b, percent: flow.settings.rollout, message: `"${e.name}" at ${iso(at)} matched, but the flow is rolled out to ${flow.settings.rollout}% of users and this user's bucket is ${b}.` };
    }
    case "already_entered_for_inactivity":
      return { ...base, message: `The user already entered for this silence.` };
    case "no_trigger":
      return { ...base, message: `"${e.name}" at ${iso(at)} did not match a trigger.` };
  }
}

export function explainEntry(input: WhyInput): WhyResult {
  const decisions: WhyDecision[] = [];
  const userKey = input.profile.userId ?? input.profile.profileId;
  const claimed = new Set<string>();
  let summary = input.summary ?? emptySummary();
  const runsAt = (t: number) =>
    input.runs
      .filter((r) => r.enteredAt < t || claimed.has(r.id))
      .sort((a, b) => a.entry - b.entry)
      .map((r) => asRun(r, t, input.profile.profileId));

  for (const e of input.events) {
    if (e.type === "alias") continue;
    const at = e.at ?? e.timestamp;
    if (e.type !== "identify" && !input.summaryIncludesEvents) summary = updateSummary(summary, { name: e.name, properties: e.properties, timestamp: e.timestamp });
    const flow = versionAt(input.versions, at);
    if (!flow) {
      const any = input.versions.some((v) => listening(v.flow, e).length > 0);
      if (any) decisions.push({ at, event: e.name, entered: false, reason: { code: "not_live", at: iso(at), event: e.name, message: `"${e.name}" at ${iso(at)} came before the flow was published.` } });
      continue;
    }
    const triggers = listening(flow, e);
    if (!triggers.length) continue;
    if (pausedAt(input.pauses, at)) {
      decisions.push({ at, event: e.name, entered: false, reason: { code: "paused", at: iso(at), event: e.name, message: `"${e.name}" at ${iso(at)} came while the flow was paused: paused flows let nobody in.` } });
      continue;
    }
    const runs = runsAt(at);
    const event = { name: e.name, properties: e.properties, timestamp: e.timestamp };
    const dispatchInput: DispatchInput = e.type === "identify" ? { kind: "identify", first: !!e.firstIdentify, event, at } : { kind: "event", event, at };
    const res = dispatch(singleFlow(flow), runs, { ...input.profile, summary }, dispatchInput, { frozen: new Set(runs.map((r) => r.id)), walk: false });
    const result = res.entries[0]?.result;
    if (!result) continue;
    if (result.entered) {
      // The stored run this entry made (same time), so later events see the user inside.
      const stored = input.runs.filter((r) => !claimed.has(r.id) && r.enteredAt === at).sort((a, b) => a.entry - b.entry)[0];
      if (stored) claimed.add(stored.id);
      const holdout = result.run.holdout;
      decisions.push({
        at,
        event: e.name,
        entered: true,
        reason: {
          code: holdout ? "holdout" : "entered",
          at: iso(at),
          event: e.name,
          nodeId: result.triggerNodeId,
          version: flow.version,
          ...(stored ? { runId: stored.id } : {}),
          message: holdout
            ? `Entered on "${e.name}" at ${iso(at)} in the holdout group (${flow.settings.holdout}%): counted, but sent no message.`
            : `Entered on "${e.name}" at ${iso(at)} (version ${flow.version}).`,
        },
      });
      continue;
    }
    if (result.reason === "no_trigger") {
      const detail = triggers.map((t) => triggerDetail(t, e, summary, at)).find((d) => d !== null);
      if (detail) decisions.push({ at, event: e.name, entered: false, reason: detail });
      continue;
    }
    const earlier = [...runs].sort((a, b) => b.enteredAt - a.enteredAt)[0];
    decisions.push({ at, event: e.name, entered: false, reason: refusal(result.reason, flow, earlier, at, userKey, e) });
  }

  const reasons: WhyReason[] = [];
  const seen = new Set<string>();
  for (const d of [...decisions].reverse()) {
    const r = d.reason;
    const key = `${r.code}:${r.nodeId ?? ""}:${r.predicate ? JSON.stringify(r.predicate) : ""}:${r.runId ?? ""}`;
    if (seen.has(key) && !d.entered) continue;
    seen.add(key);
    reasons.push(r);
  }

  const live = versionAt(input.versions, input.now);
  if (!decisions.length && live) {
    const names = [...new Set(live.triggers.flatMap((t) => (t.kind === "event" || t.kind === "behavior" ? [t.event] : t.kind === "identify" ? ["an identify"] : [])))];
    if (names.length) {
      reasons.push({
        code: "event_name",
        message: `The flow starts on ${names.map((n) => `"${n}"`).join(" or ")}; none of the ${input.events.length} events looked at was one.`,
      });
    }
  }

  // Time-based triggers hold now, not at an event.
  if (live) {
    for (const t of live.triggers) {
      if (t.kind !== "inactivity") continue;
      const last = input.lastEventAt ?? null;
      if (last === null) continue;
      const silent = input.now - last;
      if (silent < t.afterMs) {
        reasons.push({ code: "inactivity_not_reached", nodeId: t.nodeId, message: `The flow lets users in after ${human(t.afterMs)} without events; this user has been silent for ${human(silent)} (since ${iso(last)}).` });
        continue;
      }
      const runs = input.runs.map((r) => asRun(r, input.now, input.profile.profileId));
      const res = dispatch(singleFlow(live), runs, { ...input.profile, summary }, { kind: "inactivity", flowId: live.flowId, lastEventAt: last, at: input.now }, { frozen: new Set(runs.map((r) => r.id)), walk: false });
      const result = res.entries[0]?.result;
      if (result?.entered) reasons.push({ code: "inactivity_due", nodeId: t.nodeId, message: `Silent for ${human(silent)} (at least ${human(t.afterMs)}): the next inactivity check lets the user in.` });
      else if (result && result.reason !== "no_trigger") {
        const earlier = [...runs].sort((a, b) => b.enteredAt - a.enteredAt)[0];
        reasons.push(refusal(result.reason, live, earlier, input.now, userKey, { type: "track", name: "inactivity", properties: {}, timestamp: input.now }));
      }
    }
  }

  return { entered: decisions.some((d) => d.entered), decisions, reasons };
}

const SHORT: Record<string, string> = {
  event_name: "no trigger event",
  where: "a trigger condition failed",
  behavior_count: "not enough repeats",
  inactivity_not_reached: "not silent long enough",
  identify_not_first: "not the first identify",
  already_in_flow: "already in the flow",
  reentry_never: "re-entry: never",
  reentry_too_soon: "re-entry: too soon",
  rollout: "outside the rollout",
  already_entered_for_inactivity: "already entered for this silence",
  paused: "the flow was paused",
  not_live: "the flow was not published yet",
};

/** One line: "would enter: yes" or "would enter: no — re-entry: never". */
export function whySummary(entered: boolean, reasons: WhyReason[]): string {
  if (entered) return reasons.some((r) => r.code === "holdout") ? "would enter: yes — in the holdout group" : "would enter: yes";
  const first = reasons.find((r) => r.code !== "entered" && r.code !== "holdout");
  return first ? `would enter: no — ${SHORT[first.code] ?? first.code}` : "would enter: no";
}
