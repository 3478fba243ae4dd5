// Tests of version migration: auto mapping, moving waiting runs, the dry run, and no message twice.
import { describe, expect, it } from "vitest";
import { advance } from "@/lib/engine/advance";
import { compileFlow, type CompiledFlow } from "@/lib/engine/compile-flow";
import { Driver, graph, HOUR, n, T0 } from "@/lib/testing/builders";
import type { Effect, Run } from "@/lib/engine";
import type { Graph } from "@/lib/flow/schema";
import { autoMapping, completeMapping, mappingProblems, migrateRun, planMigration } from "./run-migration";

const version = (g: Graph, v: number): CompiledFlow => compileFlow({ flowId: "f1", flowName: "F", versionId: `v${v}`, version: v, graph: g, settings: {} });
const ctx = (now: number) => ({ userId: "u1", profileId: "p1", traits: {}, summary: { events: {} } as never, now });

//   v1:  t1 (Visited) ──▶ m1 "hello" ──▶ w1 (P1D) ──▶ m2 "reminder"
const v1g = graph([n.onEvent("t1", "Visited"), n.inApp("m1", "hello"), n.waitFor("w1", "P1D"), n.inApp("m2", "reminder")], ["t1->m1", "m1->w1", "w1->m2"]);

/** A run of v1 waiting at w1 (m1 received), entered at T0. */
function waitingRun(profileId = "p1"): Run {
  const d = new Driver(version(v1g, 1), {}, profileId, profileId);
  d.track("Visited", {}, T0);
  expect(d.run.status).toBe("waiting");
  return d.run;
}

/** Fires the run's pending timer on `flow` and returns the messages and steps that follow. */
function fire(flow: CompiledFlow, run: Run) {
  const r = advance(flow, run, { kind: "timer", timerId: run.wait!.timerId }, ctx(run.wait!.until!), run.wait!.until!);
  const messages = r.effects.filter((e): e is Extract<Effect, { type: "message" }> => e.type === "message");
  const steps = r.effects.filter((e) => e.type === "step").map((e) => (e.type === "step" ? `${e.nodeId}:${e.result}` : ""));
  return { run: r.run, messages, steps, ignored: r.ignored };
}

describe("mapping", () => {
  it("maps by id when the type is the same", () => {
    //   v2:  t1 ──▶ m1 ──▶ w1 (a message now: different type) ──▶ m3
    const v2g = graph([n.onEvent("t1", "Visited"), n.inApp("m1", "hello"), n.inApp("w1", "x"), n.inApp("m3", "new")], ["t1->m1", "m1->w1", "w1->m3"]);
    expect(autoMapping(v1g, v2g)).toEqual({ t1: "t1", m1: "m1", w1: null, m2: null });
    expect(completeMapping(v1g, v2g, { w1: "m3" })).toMatchObject({ w1: "m3", m1: "m1" });
  });

  it("names unknown nodes and triggers as targets", () => {
    expect(mappingProblems(v1g, v1g, { nope: "m1", w1: "gone", m2: "t1" }).map((p) => p.code)).toEqual(["unknown_old_node", "unknown_new_node", "mapped_to_trigger"]);
    expect(mappingProblems(v1g, v1g, { w1: "w1", m2: null })).toEqual([]);
  });
});

describe("migrateRun", () => {
  it("moves a waiting run to the same wait in the new version, keeping its due time", () => {
    //   v2:  t1 ──▶ m1 ──▶ w1 (P1D) ──▶ m3 "new" ──▶ m2
    const v2g = graph([n.onEvent("t1", "Visited"), n.inApp("m1", "hello"), n.waitFor("w1", "P1D"), n.inApp("m3", "new"), n.inApp("m2", "reminder")], ["t1->m1", "m1->w1", "w1->m3", "m3->m2"]);
    const v2 = version(v2g, 2);
    const run = waitingRun();
    const r = migrateRun(run, version(v1g, 1), v2, autoMapping(v1g, v2g), T0 + HOUR);
    if (!r.moved) throw new Error("not moved");
    expect(r.run).toMatchObject({ id: run.id, versionId: "v2", version: 2, nodeId: "w1", status: "waiting", received: ["m1"] });
    expect(r.run.wait!.until).toBe(run.wait!.until);
    expect(r.run.wait!.timerId).not.toBe(run.wait!.timerId);
    expect(r.effects.map((e) => e.type)).toEqual(["cancel_timer", "step", "timer"]);
    expect(r.skipped).toEqual([]); // m1 is behind the user
    // The old timer is stale now; the new one walks the new version.
    expect(advance(v2, r.run, { kind: "timer", timerId: run.wait!.timerId }, ctx(T0 + 2 * HOUR), T0 + 2 * HOUR).ignored).toBe("stale_timer");
    const after = fire(v2, r.run);
    expect(after.steps).toEqual(["w1:next", "m3:sent", "m2:sent"]);
    expect(after.messages.map((m) => m.key)).toEqual([`${run.id}:m3:1`, `${run.id}:m2:1`]);
  });

  it("never sends a message twice when the mapping puts the user in front of it again", () => {
    //   v2:  t1 ──▶ w0 (PT1H) ──▶ m1 "hello" ──▶ w1 (P1D) ──▶ m2       mapping w1 → w0
    const v2g = graph([n.onEvent("t1", "Visited"), n.waitFor("w0", "PT1H"), n.inApp("m1", "hello"), n.waitFor("w1", "P1D"), n.inApp("m2", "reminder")], ["t1->w0", "w0->m1", "m1->w1", "w1->m2"]);
    const v2 = version(v2g, 2);
    const run = waitingRun();
    const mapping = completeMapping(v1g, v2g, { w1: "w0" });
    const r = migrateRun(run, version(v1g, 1), v2, mapping, T0 + 2 * HOUR);
    if (!r.moved) throw new Error("not moved");
    expect(r.skipped).toEqual(["m1"]);
    // w0 lasts an hour from when the user began waiting: already past, so due now.
    expect(r.run.wait!.until).toBe(T0 + 2 * HOUR);
    const after = fire(v2, r.run);
    expect(after.steps).toEqual(["w0:next", "m1:suppressed", "w1:waiting"]);
    expect(after.messages[0]).toMatchObject({ nodeId: "m1", suppressed: "already_received" });
    expect(after.run.received).toEqual([]);
    const end = fire(v2, after.run);
    expect(end.steps).toEqual(["w1:next", "m2:sent"]);
  });

  it("parks the run in front of a node that is not a wait; the timer enters it", () => {
    const v2g = graph([n.onEvent("t1", "Visited"), n.inApp("m1", "hello"), n.waitFor("w1", "P1D"), n.inApp("m2", "reminder v2")], ["t1->m1", "m1->w1", "w1->m2"]);
    const v2 = version(v2g, 2);
    const run = waitingRun();
    const r = migrateRun(run, version(v1g, 1), v2, completeMapping(v1g, v2g, { w1: "m2" }), T0 + HOUR);
    if (!r.moved) throw new Error("not moved");
    expect(r.run.wait).toMatchObject({ nodeId: "m2", resume: true, until: T0 + HOUR });
    const after = fire(v2, r.run);
    expect(after.steps).toEqual(["m2:sent"]);
    expect(after.messages[0]).toMatchObject({ content: "reminder v2" });
    expect(after.run.status).toBe("completed");
  });

  it("keeps unmapped, ended and other-version runs where they are", () => {
    const v2 = version(v1g, 2);
    const run = waitingRun();
    expect(migrateRun(run, version(v1g, 1), v2, { w1: null }, T0)).toEqual({ moved: false, reason: "unmapped" });
    expect(migrateRun({ ...run, status: "completed", wait: undefined }, version(v1g, 1), v2, { w1: "w1" }, T0)).toEqual({ moved: false, reason: "not_waiting" });
    expect(migrateRun({ ...run, versionId: "v0" }, version(v1g, 1), v2, { w1: "w1" }, T0)).toEqual({ moved: false, reason: "other_version" });
  });
});

describe("planMigration", () => {
  it("counts who moves where and what they will not receive again", () => {
    //   v2:  t1 ──▶ w0 (PT1H) ──▶ m1 ──▶ w1 (P1D) ──▶ m2       mapping w1 → w0 (back in front of m1)
    const v2g = graph([n.onEvent("t1", "Visited"), n.waitFor("w0", "PT1H"), n.inApp("m1", "hello"), n.waitFor("w1", "P1D"), n.inApp("m2", "reminder")], ["t1->w0", "w0->m1", "m1->w1", "w1->m2"]);
    const runs = [waitingRun("p1"), waitingRun("p2"), waitingRun("p3"), { ...waitingRun("p4"), status: "completed" as const, wait: undefined }];
    const from = version(v1g, 1);
    const to = version(v2g, 2);
    const plan = planMigration(runs, from, to, completeMapping(v1g, v2g, { w1: "w0" }), T0 + HOUR);
    expect(plan).toMatchObject({ fromVersion: 1, toVersion: 2, total: 3, moved: 3, kept: 0 });
    expect(plan.moves).toEqual([{ from: "w1", to: "w0", users: 3, notReceivedAgain: [{ nodeId: "m1", users: 3 }] }]);
    expect(plan.notReceivedAgain).toEqual([{ nodeId: "m1", users: 3 }]);
    const kept = planMigration(runs, from, to, completeMapping(v1g, v2g, { w1: null }), T0 + HOUR);
    expect(kept).toMatchObject({ total: 3, moved: 0, kept: 3, moves: [{ from: "w1", to: null, users: 3, notReceivedAgain: [] }] });
  });
});
