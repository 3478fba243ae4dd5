// Small builders for engine tests: graphs from a few lines, profiles, and a run driver that feeds effects back.
import { emptySummary, updateSummary, type EventSummary } from "@/lib/conditions/summary";
import type { ProfileContext } from "@/lib/conditions/compile";
import type { Condition, FlowEdge, FlowNode, Graph, MessageDataT, On, Predicate, SettingsInput } from "@/lib/flow/schema";
import { advance } from "@/lib/engine/advance";
import { compileFlow, type CompiledFlow } from "@/lib/engine/compile-flow";
import { dispatch, singleFlow, type DispatchInput } from "@/lib/engine/dispatch";
import { triggerEntries, type EntryResult } from "@/lib/engine/triggers";
import type { AdvanceInput, AdvanceOptions, Effect, EngineEvent, EntryInput, Run } from "@/lib/engine/types";

export const T0 = Date.UTC(2025, 2, 1);
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const n = {
  trigger: (id: string, on: On): FlowNode => ({ id, type: "trigger", data: { on } }),
  onEvent: (id: string, event: string, where?: Predicate[]): FlowNode => ({ id, type: "trigger", data: { on: { type: "event", event, ...(where ? { where } : {}) } } }),
  condition: (id: string, c: Condition): FlowNode => ({ id, type: "condition", data: { if: c } }),
  split: (id: string, branches: [string, number][]): FlowNode => ({ id, type: "split", data: { branches: branches.map(([b, weight]) => ({ id: b, weight })) } }),
  waitFor: (id: string, d: string): FlowNode => ({ id, type: "wait", data: { for: d } }),
  waitUntil: (id: string, event: string, timeout: string, where?: Predicate[]): FlowNode => ({
    id,
    type: "wait",
    data: { until: { event, ...(where ? { where } : {}) }, timeout },
  }),
  inApp: (id: string, content: string, extra: { placement?: string; fallback?: string } = {}): FlowNode => ({
    id,
    type: "message",
    data: { channel: "in_app", placement: extra.placement ?? "banner", content, ...(extra.fallback !== undefined ? { fallback: extra.fallback } : {}) },
  }),
  message: (id: string, data: MessageDataT): FlowNode => ({ id, type: "message", data }),
  update: (id: string, set: Record<string, string | number | boolean | null>): FlowNode => ({ id, type: "update", data: { set } }),
  exit: (id: string): FlowNode => ({ id, type: "exit", data: {} }),
};

/** Edges written as "a->b" or "a-yes->b". */
export function edges(...specs: string[]): FlowEdge[] {
  return specs.map((s, i) => {
    const m = /^([^-]+)(?:-([^>]+))?->(.+)$/.exec(s);
    if (!m) throw new Error(`bad edge spec ${s}`);
    const [, source, handle, target] = m;
    return { id: `e${i}`, source, target, ...(handle ? { sourceHandle: handle } : {}) };
  });
}

export function graph(nodes: FlowNode[], edgeSpecs: string[]): Graph {
  return { nodes, edges: edges(...edgeSpecs) };
}

export function flowOf(g: Graph, settings: SettingsInput = {}, flowId = "f1"): CompiledFlow {
  return compileFlow({ flowId, flowName: "Test flow", versionId: "v1", version: 1, graph: g, settings });
}

/** A tiny in-memory runtime: one profile, its runs, pending timers and every effect, for driving tests. */
export class Driver {
  traits: Record<string, unknown>;
  summary: EventSummary = emptySummary();
  runs: Run[] = [];
  effects: Effect[] = [];
  timers = new Map<string, { runId: string; at: number }>();
  /** Engine options for every entry and move (e.g. a policy gate). */
  opts: AdvanceOptions = {};

  constructor(
    readonly flow: CompiledFlow,
    traits: Record<string, unknown> = {},
    readonly userId: string | undefined = "u1",
    readonly profileId = "p1",
  ) {
    this.traits = { ...traits };
  }

  ctx(now: number): ProfileContext {
    return { userId: this.userId, profileId: this.profileId, traits: this.traits, summary: this.summary, now };
  }

  private apply(effects: Effect[]) {
    this.effects.push(...effects);
    for (const fx of effects) {
      if (fx.type === "set_traits") this.traits = { ...this.traits, ...fx.traits };
      if (fx.type === "timer") this.timers.set(fx.timerId, { runId: fx.runId, at: fx.at });
      if (fx.type === "cancel_timer") this.timers.delete(fx.timerId);
    }
  }

  private store(run: Run) {
    const i = this.runs.findIndex((r) => r.id === run.id);
    if (i >= 0) this.runs[i] = run;
    else this.runs.push(run);
  }

  /** Sends one input through the dispatcher, as ingestion and the worker do. */
  dispatch(input: DispatchInput) {
    const res = dispatch(singleFlow(this.flow), this.runs, { userId: this.userId, profileId: this.profileId, traits: this.traits, summary: this.summary }, input, this.opts);
    this.runs = res.runs;
    for (const m of res.moves) this.apply(m.effects);
    return res;
  }

  /** An event: summary updated, existing runs moved, then entry tried. Returns entry's result. */
  track(name: string, properties: Record<string, unknown> = {}, now: number): EntryResult {
    const event: EngineEvent = { name, properties, timestamp: now };
    this.summary = updateSummary(this.summary, { name, properties, timestamp: now });
    return this.dispatch({ kind: "event", event, at: now }).entries[0]?.result ?? { entered: false, reason: "no_trigger" };
  }

  /** An identify or an inactivity check through the dispatcher; an event's entry alone (no run sees it). */
  enter(input: EntryInput, now: number): EntryResult {
    if (input.kind === "identify") return this.dispatch({ ...input, at: now }).entries[0]?.result ?? { entered: false, reason: "no_trigger" };
    if (input.kind === "inactivity") return this.dispatch({ ...input, flowId: this.flow.flowId, at: now }).entries[0]?.result ?? { entered: false, reason: "no_trigger" };
    const r = triggerEntries(this.flow, this.ctx(now), input, this.runs, now, this.opts);
    if (r.entered) {
      this.store(r.run);
      this.apply(r.effects);
    }
    return r;
  }

  move(run: Run, input: AdvanceInput, now: number) {
    const r = advance(this.flow, run, input, this.ctx(now), now, this.opts);
    this.store(r.run);
    this.apply(r.effects);
    return r;
  }

  /** Fires the run's pending timer (as the worker would at its due time). */
  fire(timerId: string) {
    const t = this.timers.get(timerId);
    if (!t) throw new Error(`no timer ${timerId}`);
    this.timers.delete(timerId);
    const run = this.runs.find((r) => r.id === t.runId)!;
    return this.move(run, { kind: "timer", timerId }, t.at);
  }

  fireNext() {
    const [id] = [...this.timers.entries()].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
    if (!id) throw new Error("no timers");
    return this.fire(id);
  }

  get run(): Run {
    return this.runs[this.runs.length - 1];
  }

  steps(runId = this.run?.id) {
    return this.effects.filter((e) => e.type === "step" && e.runId === runId).map((e) => (e.type === "step" ? `${e.nodeId}:${e.result}` : ""));
  }

  messages() {
    return this.effects.filter((e): e is Extract<Effect, { type: "message" }> => e.type === "message");
  }
}
