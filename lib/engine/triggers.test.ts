// Tests of entry into a flow: triggers of every kind, re-entry, rollout and holdout.
import { describe, expect, it } from "vitest";
import { bucket } from "./hash";
import { inactivityDueAt, triggerEntries } from "./triggers";
import { DAY, Driver, flowOf, graph, HOUR, n, T0 } from "@/lib/testing/builders";

//   t1 (event "Go" where plan=pro) ──▶ m1
const simple = (settings = {}) =>
  flowOf(graph([n.onEvent("t1", "Go", [{ property: "plan", op: "eq", value: "pro" }]), n.inApp("m1", "hi")], ["t1->m1"]), settings);

describe("event triggers and re-entry", () => {
  it("enters on a matching event only", () => {
    const d = new Driver(simple());
    expect(d.track("Go", { plan: "free" }, T0)).toEqual({ entered: false, reason: "no_trigger" });
    expect(d.track("Other", { plan: "pro" }, T0)).toEqual({ entered: false, reason: "no_trigger" });
    const r = d.track("Go", { plan: "pro" }, T0);
    expect(r.entered).toBe(true);
    expect(d.effects[0]).toMatchObject({ type: "enter", runId: "f1:p1:1", entry: 1, triggerNodeId: "t1", holdout: false, version: 1 });
  });

  it("never: enters once", () => {
    const d = new Driver(simple({ reentry: "never" }));
    d.track("Go", { plan: "pro" }, T0);
    expect(d.track("Go", { plan: "pro" }, T0 + 30 * DAY)).toMatchObject({ entered: false, reason: "reentry_never" });
    expect(d.runs).toHaveLength(1);
  });

  it("always: enters again once the earlier run has ended", () => {
    const d = new Driver(simple({ reentry: "always" }));
    d.track("Go", { plan: "pro" }, T0);
    d.track("Go", { plan: "pro" }, T0 + 1);
    expect(d.runs.map((r) => [r.id, r.entry])).toEqual([
      ["f1:p1:1", 1],
      ["f1:p1:2", 2],
    ]);
  });

  it("a Duration: enters again only after that long since the last entry", () => {
    const d = new Driver(simple({ reentry: "P7D" }));
    d.track("Go", { plan: "pro" }, T0);
    expect(d.track("Go", { plan: "pro" }, T0 + 6 * DAY)).toMatchObject({ entered: false, reason: "reentry_too_soon" });
    expect(d.track("Go", { plan: "pro" }, T0 + 7 * DAY).entered).toBe(true);
    expect(d.runs).toHaveLength(2);
  });

  //   t1 ──▶ w1 (for P1D)
  it("does not enter while a run of the flow is active or waiting", () => {
    const d = new Driver(flowOf(graph([n.onEvent("t1", "Go"), n.waitFor("w1", "P1D")], ["t1->w1"]), { reentry: "always" }));
    d.track("Go", {}, T0);
    expect(d.track("Go", {}, T0 + HOUR)).toMatchObject({ entered: false, reason: "already_in_flow" });
    d.fireNext();
    expect(d.track("Go", {}, T0 + 2 * DAY).entered).toBe(true);
  });
});

describe("rollout and holdout", () => {
  it("rollout lets in only the users whose bucket is below the share, deterministically", () => {
    const flow = simple({ rollout: 30 });
    let entered = 0;
    for (let i = 0; i < 1000; i++) {
      const user = `user-${i}`;
      const d = new Driver(flow, {}, user, `p-${i}`);
      const r = d.track("Go", { plan: "pro" }, T0);
      expect(r.entered).toBe(bucket("f1", "rollout", user) < 30);
      if (r.entered) entered++;
      else expect(r).toMatchObject({ reason: "rollout" });
    }
    expect(Math.abs(entered - 300)).toBeLessThan(50);
    expect(new Driver(simple({ rollout: 0 })).track("Go", { plan: "pro" }, T0)).toMatchObject({ entered: false, reason: "rollout" });
  });

  //   t1 ──▶ m1 ──▶ u1 {seen=true}
  it("holdout users enter and are counted, but their messages are suppressed", () => {
    const flow = flowOf(graph([n.onEvent("t1", "Go"), n.inApp("m1", "offer"), n.update("u1", { seen: true })], ["t1->m1", "m1->u1"]), { holdout: 20 });
    let held = 0;
    for (let i = 0; i < 500; i++) {
      const user = `user-${i}`;
      const d = new Driver(flow, {}, user, `p-${i}`);
      d.track("Go", {}, T0);
      const expectHeld = bucket("f1", "holdout", user) < 20;
      expect(d.run.holdout).toBe(expectHeld);
      expect(d.effects[0]).toMatchObject({ type: "enter", holdout: expectHeld });
      const [m] = d.messages();
      if (expectHeld) {
        held++;
        expect(m.suppressed).toBe("holdout");
        expect(d.steps()).toEqual(["t1:next", "m1:suppressed", "u1:updated"]);
      } else {
        expect(m.suppressed).toBeUndefined();
        expect(d.steps()).toEqual(["t1:next", "m1:sent", "u1:updated"]);
      }
    }
    expect(Math.abs(held - 100)).toBeLessThan(35);
  });

  it("rollout and holdout use different buckets", () => {
    const users = Array.from({ length: 200 }, (_, i) => `u${i}`);
    const same = users.filter((u) => bucket("f1", "rollout", u) === bucket("f1", "holdout", u));
    expect(same).toHaveLength(0);
  });
});

describe("behavior triggers", () => {
  //   t1 (behavior: 3× "Pricing Viewed" within P1D) ──▶ m1
  const flow = flowOf(
    graph([n.trigger("t1", { type: "behavior", event: "Pricing Viewed", count: { gte: 3 }, within: "P1D" }), n.inApp("m1", "need help?")], ["t1->m1"]),
    { reentry: "always" },
  );

  it("enters at the crossing, not before and not on later events", () => {
    const d = new Driver(flow);
    expect(d.track("Pricing Viewed", {}, T0).entered).toBe(false);
    expect(d.track("Pricing Viewed", {}, T0 + HOUR).entered).toBe(false);
    expect(d.track("Pricing Viewed", {}, T0 + 2 * HOUR).entered).toBe(true);
    expect(d.track("Pricing Viewed", {}, T0 + 3 * HOUR)).toEqual({ entered: false, reason: "no_trigger" });
    expect(d.runs).toHaveLength(1);
  });

  it("does not count events outside the window", () => {
    const d = new Driver(flow);
    d.track("Pricing Viewed", {}, T0);
    d.track("Pricing Viewed", {}, T0 + 20 * HOUR);
    expect(d.track("Pricing Viewed", {}, T0 + 25 * HOUR).entered).toBe(false); // the first one left the window
    expect(d.track("Pricing Viewed", {}, T0 + 26 * HOUR).entered).toBe(true);
  });

  //   t1 (behavior: 2× "Product Viewed" sku=A within P7D) ──▶ m1
  it("counts only events passing where", () => {
    const f = flowOf(
      graph([n.trigger("t1", { type: "behavior", event: "Product Viewed", where: [{ property: "sku", op: "eq", value: "A" }], count: { gte: 2 }, within: "P7D" }), n.inApp("m1", "x")], ["t1->m1"]),
    );
    const d = new Driver(f);
    d.track("Product Viewed", { sku: "A" }, T0);
    expect(d.track("Product Viewed", { sku: "B" }, T0 + HOUR).entered).toBe(false);
    expect(d.track("Product Viewed", { sku: "A" }, T0 + 2 * HOUR).entered).toBe(true);
  });
});

describe("inactivity triggers", () => {
  //   t1 (inactivity P3D) ──▶ m1 "we miss you"
  const flow = flowOf(graph([n.trigger("t1", { type: "inactivity", after: "P3D" }), n.inApp("m1", "we miss you")], ["t1->m1"]), { reentry: "always" });

  it("tells when the check is due", () => {
    expect(inactivityDueAt(flow, T0)).toBe(T0 + 3 * DAY);
    expect(inactivityDueAt(flow, T0, T0 + 3 * DAY)).toBeNull();
    expect(inactivityDueAt(simple(), T0)).toBeNull();
  });

  it("enters only after the silence, once per silence", () => {
    const d = new Driver(flow);
    expect(d.enter({ kind: "inactivity", lastEventAt: T0 }, T0 + 2 * DAY)).toEqual({ entered: false, reason: "no_trigger" });
    expect(d.enter({ kind: "inactivity", lastEventAt: T0 }, T0 + 3 * DAY).entered).toBe(true);
    expect(d.enter({ kind: "inactivity", lastEventAt: T0 }, T0 + 4 * DAY)).toMatchObject({ entered: false, reason: "already_entered_for_inactivity" });
    // a new event starts a new silence
    expect(d.enter({ kind: "inactivity", lastEventAt: T0 + 5 * DAY }, T0 + 8 * DAY).entered).toBe(true);
    expect(d.runs).toHaveLength(2);
  });
});

describe("identify triggers", () => {
  //   t1 (identify) ──▶ m1 "welcome {{ user.name }}"
  it("enters on the first identify only", () => {
    const flow = flowOf(graph([n.trigger("t1", { type: "identify" }), n.inApp("m1", "welcome {{ user.name }}")], ["t1->m1"]), { reentry: "always" });
    const d = new Driver(flow, { name: "Ann" });
    expect(d.enter({ kind: "identify", first: true }, T0).entered).toBe(true);
    expect(d.enter({ kind: "identify", first: false }, T0 + 1)).toEqual({ entered: false, reason: "no_trigger" });
    expect(d.messages()[0]).toMatchObject({ content: "welcome Ann" });
  });
});

describe("several triggers", () => {
  //   t1 (event A) ──▶ m1
  //   t2 (event B) ──▶ m2
  it("the matching trigger's path is walked", () => {
    const flow = flowOf(graph([n.onEvent("t1", "A"), n.onEvent("t2", "B"), n.inApp("m1", "a"), n.inApp("m2", "b")], ["t1->m1", "t2->m2"]));
    const d = new Driver(flow);
    const r = d.track("B", {}, T0);
    expect(r).toMatchObject({ entered: true, triggerNodeId: "t2" });
    expect(d.steps()).toEqual(["t2:next", "m2:sent"]);
  });

  it("uses a custom run id when given", () => {
    const d = new Driver(simple());
    const r = triggerEntries(d.flow, d.ctx(T0), { kind: "event", event: { name: "Go", properties: { plan: "pro" } } }, [], T0, { runId: (e) => `run-${e}` });
    expect(r.entered && r.run.id).toBe("run-1");
  });
});
