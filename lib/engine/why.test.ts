// One test per why-not reason code: the sandbox's answer for a typed-in history, and explainEntry for
// what only stored history has (versions going live, pauses).
import { describe, expect, it } from "vitest";
import type { On, SettingsInput } from "@/lib/flow/schema";
import { compileFlow } from "./compile-flow";
import { bucket } from "./hash";
import { simulate, SIMULATION_DEFAULT_START, type SimulationEvent } from "./simulate";
import { graph, n } from "@/lib/testing/builders";
import { explainEntry } from "./why";

const S = SIMULATION_DEFAULT_START;
const track = (at: string, event: string, properties: Record<string, unknown> = {}): SimulationEvent => ({ at, type: "track", event, properties });

//   t1 (on) ──▶ w1 (wait PT1H) ──▶ m1 "hi"
function run(on: On, events: SimulationEvent[], settings: SettingsInput = {}, userId = "u1", until?: string) {
  const g = graph([n.trigger("t1", on), n.waitFor("w1", "PT1H"), n.inApp("m1", "hi")], ["t1->w1", "w1->m1"]);
  return simulate({ graph: g, settings, flowId: "f1" }, { profile: { userId }, events, ...(until ? { until } : {}) }).why;
}
const viewedA: On = { type: "event", event: "Viewed", where: [{ property: "sku", op: "eq", value: "A" }, { property: "plan", op: "exists" }] };
const codes = (why: { reasons: { code: string }[] }) => why.reasons.map((r) => r.code);

describe("why (not): reason codes", () => {
  it("entered", () => {
    const why = run(viewedA, [track("PT0S", "Viewed", { sku: "A", plan: "pro" })]);
    expect(why).toMatchObject({ wouldEnter: true, summary: "would enter: yes" });
    expect(why.reasons[0]).toMatchObject({ code: "entered", nodeId: "t1", at: new Date(S).toISOString() });
  });

  it("holdout: entered in the control group", () => {
    const why = run(viewedA, [track("PT0S", "Viewed", { sku: "A", plan: "pro" })], { holdout: 100 });
    expect(why.summary).toBe("would enter: yes — in the holdout group");
    expect(why.reasons[0]).toMatchObject({ code: "holdout" });
  });

  it("event_name: no event was the trigger's", () => {
    const why = run(viewedA, [track("PT0S", "Searched")]);
    expect(why).toMatchObject({ wouldEnter: false, summary: "would enter: no — no trigger event" });
    expect(why.reasons[0].message).toContain('"Viewed"');
    expect(codes(why)).toEqual(["event_name"]);
  });

  it("where: each predicate in order, with the value seen", () => {
    const first = run(viewedA, [track("PT0S", "Viewed", { sku: "B", plan: "pro" })]);
    expect(first.reasons[0]).toMatchObject({ code: "where", predicate: { property: "sku", op: "eq", value: "A" }, seen: "B" });
    expect(first.reasons[0].message).toContain('sku was "B"');
    const second = run(viewedA, [track("PT0S", "Viewed", { sku: "A" })]);
    expect(second.reasons[0]).toMatchObject({ code: "where", predicate: { property: "plan", op: "exists" }, seen: null });
    expect(second.reasons[0].message).toContain("nothing (absent)");
  });

  it("behavior_count: reached vs needed, and already past the threshold", () => {
    const on: On = { type: "behavior", event: "Viewed", count: { gte: 3 }, within: "PT1H" };
    const short = run(on, [track("PT0S", "Viewed"), track("PT10M", "Viewed")]);
    expect(short.reasons[0]).toMatchObject({ code: "behavior_count", reached: 2, needed: 3 });
    const past = run(on, [track("PT0S", "Viewed"), track("PT1M", "Viewed"), track("PT2M", "Viewed"), track("PT3M", "Viewed")], { reentry: "always" });
    // The third visit entered; the fourth is past the crossing, which lets users in once.
    expect(past.wouldEnter).toBe(true);
    expect(past.reasons[0]).toMatchObject({ code: "behavior_count", reached: 4, needed: 3 });
  });

  it("inactivity_not_reached and inactivity_due", () => {
    const on: On = { type: "inactivity", after: "P2D" };
    const g = graph([n.trigger("t1", on), n.inApp("m1", "hi")], ["t1->m1"]);
    const flow = compileFlow({ flowId: "f1", flowName: "f", versionId: "v1", version: 1, graph: g });
    const base = { flowId: "f1", versions: [{ flow, liveFrom: 0 }], events: [], runs: [], profile: { userId: "u1", profileId: "p1", traits: {} }, lastEventAt: S };
    const early = explainEntry({ ...base, now: S + 86_400_000 });
    expect(early.reasons).toEqual([expect.objectContaining({ code: "inactivity_not_reached" })]);
    expect(early.reasons[0].message).toContain("silent for 1d");
    expect(explainEntry({ ...base, now: S + 3 * 86_400_000 }).reasons).toEqual([expect.objectContaining({ code: "inactivity_due" })]);
  });

  it("identify_not_first", () => {
    const g = graph([n.trigger("t1", { type: "identify" }), n.inApp("m1", "hi")], ["t1->m1"]);
    const flow = compileFlow({ flowId: "f1", flowName: "f", versionId: "v1", version: 1, graph: g });
    const why = explainEntry({ flowId: "f1", versions: [{ flow, liveFrom: 0 }], events: [{ type: "identify", name: "Identify", properties: {}, timestamp: S, firstIdentify: false }], runs: [], profile: { profileId: "p1", traits: {} }, now: S });
    expect(codes(why)).toEqual(["identify_not_first"]);
  });

  it("already_in_flow, with the run the user is in", () => {
    const why = run(viewedA, [track("PT0S", "Viewed", { sku: "A", plan: "x" }), track("PT10M", "Viewed", { sku: "A", plan: "x" })], { reentry: "always" });
    expect(why.reasons[0]).toMatchObject({ code: "already_in_flow", runId: "f1:u1:1", runEnteredAt: new Date(S).toISOString() });
  });

  it("reentry_never, with the earlier run", () => {
    const why = run(viewedA, [track("PT0S", "Viewed", { sku: "A", plan: "x" }), track("PT2H", "Viewed", { sku: "A", plan: "x" })]);
    expect(why.reasons[0]).toMatchObject({ code: "reentry_never", runId: "f1:u1:1" });
    // The sandbox answers the same question for a typed-in history (before the first entry counts).
    const never = run(viewedA, [track("PT2H", "Viewed", { sku: "A", plan: "x" })], { reentry: "never" });
    expect(never.wouldEnter).toBe(true);
  });

  it("reentry_too_soon says when the user may enter again", () => {
    const why = run(viewedA, [track("PT0S", "Viewed", { sku: "A", plan: "x" }), track("PT2H", "Viewed", { sku: "A", plan: "x" })], { reentry: "P1D" });
    expect(why.reasons[0]).toMatchObject({ code: "reentry_too_soon", allowedAt: new Date(S + 86_400_000).toISOString() });
  });

  it("rollout, with the user's bucket", () => {
    const user = Array.from({ length: 100 }, (_, i) => `r${i}`).find((u) => bucket("f1", "rollout", u) >= 50)!;
    const why = run(viewedA, [track("PT0S", "Viewed", { sku: "A", plan: "x" })], { rollout: 50 }, user);
    expect(why).toMatchObject({ wouldEnter: false, summary: "would enter: no — outside the rollout" });
    expect(why.reasons[0]).toMatchObject({ code: "rollout", percent: 50 });
    expect(why.reasons[0].bucket).toBeGreaterThanOrEqual(50);
  });

  it("paused and not_live come from the stored history of the flow", () => {
    const g = graph([n.trigger("t1", viewedA), n.inApp("m1", "hi")], ["t1->m1"]);
    const flow = compileFlow({ flowId: "f1", flowName: "f", versionId: "v1", version: 1, graph: g });
    const ev = (t: number) => ({ type: "track" as const, name: "Viewed", properties: { sku: "A", plan: "x" }, timestamp: t });
    const why = explainEntry({
      flowId: "f1",
      versions: [{ flow, liveFrom: S + 1000 }],
      pauses: [{ from: S + 5000, to: S + 9000 }],
      events: [ev(S), ev(S + 6000)],
      runs: [],
      profile: { userId: "u1", profileId: "p1", traits: {} },
      now: S + 10_000,
    });
    expect(why.decisions.map((d) => d.reason.code)).toEqual(["not_live", "paused"]);
    expect(why.entered).toBe(false);
  });
});
