// Tests of the send gate alone and inside the engine: caps across flows, quiet hours, drop and delay.
import { describe, expect, it } from "vitest";
import { Driver, flowOf, graph, HOUR, n } from "@/lib/testing/builders";
import type { Effect } from "@/lib/engine/types";
import { createGate, decideSend, SendCounts } from "./gate";
import { Policies, type PoliciesInput } from "./schema";
import { windowAt, zonedTime } from "./time";

const NY = "America/New_York";
const ny = (d: number, h: number, m = 0) => zonedTime(NY, 2025, 3, d, h, m);
const iso = (ms: number) => new Date(ms).toISOString();
const pol = (p: PoliciesInput) => Policies.parse(p);

describe("decideSend", () => {
  it("sends at once when nothing applies", () => {
    expect(decideSend(pol({}), NY, "email", ny(1, 2), new SendCounts())).toEqual({ action: "send", at: ny(1, 2) });
  });

  it("delays email and webhook in quiet hours, not in-app", () => {
    const p = pol({ quietHours: { start: "22:00", end: "08:00" } });
    expect(decideSend(p, NY, "email", ny(1, 2), new SendCounts())).toEqual({ action: "send", at: ny(1, 8), held: "quiet_hours" });
    expect(decideSend(p, NY, "webhook", ny(1, 23), new SendCounts())).toEqual({ action: "send", at: ny(2, 8), held: "quiet_hours" });
    expect(decideSend(p, NY, "in_app", ny(1, 2), new SendCounts())).toEqual({ action: "send", at: ny(1, 2) });
  });

  it("drops over a dropping cap and delays over a delaying one to the next window", () => {
    const counts = new SendCounts([{ channel: "email", period: windowAt(ny(1, 12), NY, "day").key, count: 2 }]);
    const drop = pol({ caps: [{ channel: "email", limit: 2, window: "day", action: "drop" }] });
    expect(decideSend(drop, NY, "email", ny(1, 12), counts)).toMatchObject({ action: "drop", reason: "frequency_cap", cap: { limit: 2, window: "day" } });
    expect(decideSend(drop, NY, "in_app", ny(1, 12), counts)).toEqual({ action: "send", at: ny(1, 12) });
    const delay = pol({ caps: [{ channel: "email", limit: 2, window: "day", action: "delay" }] });
    expect(decideSend(delay, NY, "email", ny(1, 12), counts)).toMatchObject({ action: "send", at: ny(2, 0), held: "frequency_cap" });
  });

  it("a delayed send landing at midnight then waits for the end of quiet hours", () => {
    const counts = new SendCounts([{ channel: "email", period: windowAt(ny(1, 12), NY, "day").key, count: 1 }]);
    const p = pol({ caps: [{ channel: "email", limit: 1, window: "day", action: "delay" }], quietHours: { start: "22:00", end: "08:00" } });
    expect(decideSend(p, NY, "email", ny(1, 12), counts)).toMatchObject({ action: "send", at: ny(2, 8), held: "frequency_cap" });
  });

  it("a week cap delays to next Monday in the user's zone", () => {
    // 2025-03-05 is a Wednesday.
    const counts = new SendCounts([{ channel: "in_app", period: windowAt(ny(5, 12), NY, "week").key, count: 5 }]);
    const p = pol({ caps: [{ channel: "in_app", limit: 5, window: "week", action: "delay" }] });
    expect(decideSend(p, NY, "in_app", ny(5, 12), counts)).toMatchObject({ action: "send", at: ny(10, 0) });
  });

  it("a limit of zero drops even with delay", () => {
    const p = pol({ caps: [{ channel: "webhook", limit: 0, window: "week", action: "delay" }] });
    expect(decideSend(p, NY, "webhook", ny(1, 12), new SendCounts())).toMatchObject({ action: "drop" });
  });

  it("refuses two caps on one channel and window, and unknown zones", () => {
    expect(Policies.safeParse({ caps: [{ channel: "email", limit: 1, window: "day" }, { channel: "email", limit: 2, window: "day" }] }).success).toBe(false);
    expect(Policies.safeParse({ timezone: "Not/AZone" }).success).toBe(false);
  });
});

describe("the gate in the engine", () => {
  const email = (id: string) => n.message(id, { channel: "email", subject: `s-${id}`, body: "b" });
  //   f1: t1 (Visited) ──▶ m1 email      f2: t1 (Visited) ──▶ m1 email      f3: t1 (Visited) ──▶ m1 email
  const flows = ["f1", "f2", "f3"].map((id) => flowOf(graph([n.onEvent("t1", "Visited"), email("m1")], ["t1->m1"]), {}, id));

  it("a user who meets three flows in one day gets no more than the cap", () => {
    const p = pol({ caps: [{ channel: "email", limit: 2, window: "day", action: "drop" }] });
    const counts = new SendCounts();
    const drivers = flows.map((f) => new Driver(f, { email: "a@example.com", timezone: NY }));
    for (const [i, d] of drivers.entries()) {
      d.opts = { gate: createGate({ policies: p, timezone: NY, counts }) };
      d.track("Visited", {}, ny(1, 9 + i));
    }
    const all = drivers.flatMap((d) => d.messages());
    expect(all.filter((m) => !m.suppressed)).toHaveLength(2);
    expect(all[2]).toMatchObject({ flowId: "f3", suppressed: "frequency_cap" });
    const step = drivers[2].effects.find((e): e is Extract<Effect, { type: "step" }> => e.type === "step" && e.nodeId === "m1");
    expect(step).toMatchObject({ result: "suppressed", reason: { suppressed: "frequency_cap", cap: { channel: "email", limit: 2, window: "day" } } });
    // The next day the counter is fresh.
    const d4 = new Driver(flowOf(graph([n.onEvent("t1", "Visited"), email("m1")], ["t1->m1"]), {}, "f4"));
    d4.opts = { gate: createGate({ policies: p, timezone: NY, counts }) };
    d4.track("Visited", {}, ny(2, 9));
    expect(d4.messages()[0].suppressed).toBeUndefined();
    expect(counts.added.filter((a) => a.period.startsWith("day:"))).toHaveLength(3);
  });

  it("an email reached at 02:00 local is marked delayed to 08:00 and the run goes on", () => {
    //   t1 ──▶ m1 email ──▶ m2 in-app
    const d = new Driver(flowOf(graph([n.onEvent("t1", "Visited"), email("m1"), n.inApp("m2", "hi")], ["t1->m1", "m1->m2"])));
    d.opts = { gate: createGate({ policies: pol({ quietHours: { start: "22:00", end: "08:00" } }), timezone: NY, counts: new SendCounts() }) };
    d.track("Visited", {}, ny(1, 2));
    expect(d.steps()).toEqual(["t1:next", "m1:delayed", "m2:sent"]);
    const [m1, m2] = d.messages();
    expect(m1).toMatchObject({ channel: "email", deliverAt: ny(1, 8), at: ny(1, 2) });
    expect(m2.deliverAt).toBeUndefined();
    const step = d.effects.find((e) => e.type === "step" && e.nodeId === "m1");
    expect(step).toMatchObject({ reason: { held: "quiet_hours", deliverAt: iso(ny(1, 8)) } });
  });

  it("holdout runs are not counted", () => {
    const counts = new SendCounts();
    const d = new Driver(flowOf(graph([n.onEvent("t1", "Visited"), email("m1")], ["t1->m1"]), { holdout: 100 }));
    d.opts = { gate: createGate({ policies: pol({}), timezone: "UTC", counts }) };
    d.track("Visited", {}, ny(1, 12) + HOUR);
    expect(d.messages()[0].suppressed).toBe("holdout");
    expect(counts.added).toEqual([]);
  });
});
