// Trait triggers and the global control group, through the one dispatcher (lib/engine/dispatch.ts).
import { describe, expect, it } from "vitest";
import { emptySummary } from "@/lib/conditions/summary";
import { dispatch, inGlobalControl, MAX_TRAIT_ROUNDS, type FlowSet } from "./dispatch";
import { bucket } from "./hash";
import { DAY, flowOf, graph, n, T0 } from "@/lib/testing/builders";
import type { Run } from "./types";

//   t1 (trait engagement_score < 20) ──▶ m1 (email)
const reengage = (settings = {}, flowId = "f1") =>
  flowOf(
    graph([n.trigger("t1", { type: "trait", trait: "engagement_score", op: "lt", value: 20 }), n.message("m1", { channel: "email", subject: "We miss you", body: "Come back" })], ["t1->m1"]),
    settings,
    flowId,
  );
const set = (...flows: ReturnType<typeof reengage>[]): FlowSet => ({ flows: flows.map((f) => ({ id: f.flowId, status: "active", active: f })), version: (id) => flows.find((f) => f.versionId === id) });
const profile = (traits: Record<string, unknown>, userId = "u1") => ({ userId, profileId: "p1", traits, group: null, summary: emptySummary() });

describe("trait trigger", () => {
  it("enters when the test goes from false to true, not while it stays true, not when it was true already", () => {
    const flows = set(reengage({ reentry: "always" }));
    const drop = dispatch(flows, [], profile({ engagement_score: 12 }), { kind: "traits", before: { engagement_score: 35 }, at: T0 });
    expect(drop.entries[0].result.entered).toBe(true);
    expect(drop.effects.map((e) => e.type)).toContain("message");
    // Still below 20, moving 12 -> 8: no new entry (one per crossing).
    const stays = dispatch(flows, drop.runs, profile({ engagement_score: 8 }), { kind: "traits", before: { engagement_score: 12 }, at: T0 + DAY });
    expect(stays.entries[0].result).toEqual({ entered: false, reason: "no_trigger" });
    // Up again, then down again: a second crossing enters again (re-entry "always").
    const again = dispatch(flows, drop.runs, profile({ engagement_score: 5 }), { kind: "traits", before: { engagement_score: 40 }, at: T0 + 2 * DAY });
    expect(again.entries[0].result.entered).toBe(true);
    expect(again.runs).toHaveLength(2);
  });

  it("an absent trait does not satisfy lt: a trait that appears below the bound is a crossing", () => {
    const res = dispatch(set(reengage()), [], profile({ engagement_score: 3 }), { kind: "traits", before: {}, at: T0 });
    expect(res.entries[0].result.entered).toBe(true);
  });

  it("events and identifies never enter a trait flow by themselves", () => {
    const flows = set(reengage());
    expect(dispatch(flows, [], profile({ engagement_score: 3 }), { kind: "event", event: { name: "Page Viewed" }, at: T0 }).entries[0].result).toEqual({ entered: false, reason: "no_trigger" });
    expect(dispatch(flows, [], profile({ engagement_score: 3 }), { kind: "identify", first: true, at: T0 }).entries[0].result).toEqual({ entered: false, reason: "no_trigger" });
  });

  it("an update node of another flow that changes the trait lets the user in within the same input", () => {
    //   f0: t0 (event "Downgrade") ──▶ u0 (set plan = "free")
    //   f1: t1 (trait plan eq "free") ──▶ m1
    const downgrade = flowOf(graph([n.onEvent("t0", "Downgrade"), n.update("u0", { plan: "free" })], ["t0->u0"]), {}, "f0");
    const onFree = flowOf(graph([n.trigger("t1", { type: "trait", trait: "plan", op: "eq", value: "free" }), n.inApp("m1", "Sorry to see you go")], ["t1->m1"]), {}, "f1");
    const flows: FlowSet = { flows: [downgrade, onFree].map((f) => ({ id: f.flowId, status: "active" as const, active: f })), version: () => undefined };
    const res = dispatch(flows, [], profile({ plan: "pro" }), { kind: "event", event: { name: "Downgrade" }, at: T0 });
    expect(res.traits.plan).toBe("free");
    expect(res.runs.map((r: Run) => r.flowId)).toEqual(["f0", "f1"]);
    expect(res.effects.some((e) => e.type === "message" && e.nodeId === "m1")).toBe(true);
  });

  it("two flows flipping each other's trait stop after a few rounds", () => {
    const a = flowOf(graph([n.trigger("ta", { type: "trait", trait: "x", op: "eq", value: 1 }), n.update("ua", { x: 2 })], ["ta->ua"]), { reentry: "always" }, "fa");
    const b = flowOf(graph([n.trigger("tb", { type: "trait", trait: "x", op: "eq", value: 2 }), n.update("ub", { x: 1 })], ["tb->ub"]), { reentry: "always" }, "fb");
    const flows: FlowSet = { flows: [a, b].map((f) => ({ id: f.flowId, status: "active" as const, active: f })), version: () => undefined };
    const res = dispatch(flows, [], profile({ x: 1 }), { kind: "traits", before: { x: 0 }, at: T0 });
    expect(res.runs.length).toBeLessThanOrEqual(1 + 2 * MAX_TRAIT_ROUNDS);
    expect(res.runs.length).toBeGreaterThanOrEqual(2);
  });
});

describe("global control group", () => {
  it("is deterministic per user, about the share asked for, and independent of the flow", () => {
    const users = Array.from({ length: 4000 }, (_, i) => `user-${i}`);
    const held = users.filter((u) => inGlobalControl(10, u));
    expect(held.length / users.length).toBeGreaterThan(0.08);
    expect(held.length / users.length).toBeLessThan(0.12);
    expect(users.filter((u) => inGlobalControl(10, u))).toEqual(held);
    expect(inGlobalControl(0, held[0])).toBe(false);
    expect(inGlobalControl(undefined, held[0])).toBe(false);
    // The same bucket as hash.ts gives: stable across processes and versions.
    expect(held.every((u) => bucket("workspace", "global_control", u) < 10)).toBe(true);
  });

  it("enters its users as holdout marked global: counted, messages suppressed as global_control", () => {
    const user = Array.from({ length: 200 }, (_, i) => `g-${i}`).find((u) => inGlobalControl(20, u))!;
    const other = Array.from({ length: 200 }, (_, i) => `g-${i}`).find((u) => !inGlobalControl(20, u))!;
    const flows = { ...set(reengage()), globalControl: 20 };
    const held = dispatch(flows, [], profile({ engagement_score: 1 }, user), { kind: "traits", before: {}, at: T0 });
    expect(held.runs[0]).toMatchObject({ holdout: true, control: "global" });
    expect(held.effects.find((e) => e.type === "message")).toMatchObject({ suppressed: "global_control" });
    const treated = dispatch(flows, [], profile({ engagement_score: 1 }, other), { kind: "traits", before: {}, at: T0 });
    expect(treated.runs[0].holdout).toBe(false);
    expect(treated.runs[0].control).toBeUndefined();
    expect(treated.effects.find((e) => e.type === "message")).not.toHaveProperty("suppressed");
  });
});

describe("simulate with a trait trigger", () => {
  it("enters when an identify in the timeline makes the trait cross, and not when the profile starts there", async () => {
    const { simulate } = await import("./simulate");
    const g = graph([n.trigger("t1", { type: "trait", trait: "plan", op: "eq", value: "pro" }), n.inApp("m1", "Welcome to Pro")], ["t1->m1"]);
    const crossed = simulate({ graph: g }, { profile: { traits: { plan: "free" } }, events: [{ at: "PT1H", type: "identify", traits: { plan: "pro" } }] });
    expect(crossed.trace.map((t) => t.nodeId)).toEqual(["t1", "m1"]);
    const already = simulate({ graph: g }, { profile: { traits: { plan: "pro" } }, events: [{ at: "PT1H", type: "identify", traits: { plan: "pro" } }] });
    expect(already.trace).toEqual([]);
  });
});
