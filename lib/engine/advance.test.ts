// Tests of the executor's node semantics: every node type and handle, waits, cycles, goals and guards.
import { describe, expect, it } from "vitest";
import { advance } from "./advance";
import { bucket } from "./hash";
import { DAY, Driver, flowOf, graph, HOUR, MIN, n, T0 } from "@/lib/testing/builders";
import type { Effect, Run } from "./types";

describe("condition node", () => {
  //   t1 ──▶ c1 {plan eq pro} ──yes──▶ m1
  //              ├──no──────▶ m2
  //              └──missing─▶ m3
  const g = graph(
    [n.onEvent("t1", "Signed In"), n.condition("c1", { trait: "plan", op: "eq", value: "pro" }), n.inApp("m1", "pro"), n.inApp("m2", "not pro"), n.inApp("m3", "unknown")],
    ["t1->c1", "c1-yes->m1", "c1-no->m2", "c1-missing->m3"],
  );

  it.each([
    [{ plan: "pro" }, "yes", "m1", "pro"],
    [{ plan: "free" }, "no", "m2", "not pro"],
    [{}, "missing", "m3", "unknown"],
  ])("traits %j take %s to %s", (traits, result, node, content) => {
    const d = new Driver(flowOf(g), traits);
    d.track("Signed In", {}, T0);
    expect(d.steps()).toEqual(["t1:next", `c1:${result}`, `${node}:sent`]);
    expect(d.messages().map((m) => m.channel === "in_app" && m.content)).toEqual([content]);
    expect(d.run.status).toBe("completed");
    expect(d.run.endReason).toBe("no_edge");
  });

  //   t1 ──▶ c1 ──yes──▶ m1
  //              └──no──▶ m2          (no missing edge: absent data goes to no)
  it("falls back to no without a missing edge, and says so", () => {
    const g2 = graph([n.onEvent("t1", "Signed In"), n.condition("c1", { trait: "plan", op: "eq", value: "pro" }), n.inApp("m1", "pro"), n.inApp("m2", "other")], ["t1->c1", "c1-yes->m1", "c1-no->m2"]);
    const d = new Driver(flowOf(g2), {});
    d.track("Signed In", {}, T0);
    expect(d.steps()).toEqual(["t1:next", "c1:missing", "m2:sent"]);
    const step = d.effects.find((e) => e.type === "step" && e.nodeId === "c1");
    expect(step).toMatchObject({ reason: { fellBack: "no", seen: { traits: { plan: null } } } });
  });

  //   t1 ──▶ c1 {event "Product Viewed" sku=A within P7D} ──yes──▶ m1
  it("answers event-window conditions from the summary including the entering event", () => {
    const g3 = graph(
      [n.onEvent("t1", "Cart Viewed"), n.condition("c1", { event: "Product Viewed", where: [{ property: "sku", op: "eq", value: "A" }], within: "P7D" }), n.inApp("m1", "A!")],
      ["t1->c1", "c1-yes->m1"],
    );
    const d = new Driver(flowOf(g3));
    d.track("Product Viewed", { sku: "A" }, T0 - 8 * DAY);
    d.track("Cart Viewed", {}, T0);
    expect(d.steps()).toEqual(["t1:next", "c1:no"]);
    const d2 = new Driver(flowOf(g3));
    d2.track("Product Viewed", { sku: "A" }, T0 - 6 * DAY);
    d2.track("Cart Viewed", {}, T0);
    expect(d2.steps()).toEqual(["t1:next", "c1:yes", "m1:sent"]);
  });
});

describe("update node", () => {
  //   t1 ──▶ u1 {tier = "gold-{{ event.properties.level }}"} ──▶ c1 {tier starts_with gold} ──yes──▶ m1
  it("sets traits and later nodes in the same walk see them", () => {
    const g = graph(
      [n.onEvent("t1", "Level Up"), n.update("u1", { tier: "gold-{{ event.properties.level }}", score: 10 }), n.condition("c1", { trait: "tier", op: "starts_with", value: "gold" }), n.inApp("m1", "Hi {{ user.tier }} {{ user.score }}")],
      ["t1->u1", "u1->c1", "c1-yes->m1"],
    );
    const d = new Driver(flowOf(g), {});
    d.track("Level Up", { level: 3 }, T0);
    expect(d.steps()).toEqual(["t1:next", "u1:updated", "c1:yes", "m1:sent"]);
    expect(d.effects.find((e) => e.type === "set_traits")).toMatchObject({ traits: { tier: "gold-3", score: 10 } });
    expect(d.messages()[0]).toMatchObject({ content: "Hi gold-3 10" });
  });
});

describe("message node", () => {
  //   t1 ──▶ m1 (webhook) ──▶ m2 (email) ──▶ m3 (in_app, missing var, fallback) ──▶ m4 (in_app, missing var, no fallback) ──▶ x1 (exit)
  it("renders every channel, uses fallbacks, skips a broken message, and exits", () => {
    const g = graph(
      [
        n.onEvent("t1", "Signed Up"),
        n.message("m1", { channel: "webhook", url: "https://hooks.example/{{ user.id }}", headers: { "X-Plan": "{{ user.plan }}" }, body: '{"name":"{{ user.name }}"}' }),
        n.message("m2", { channel: "email", subject: "Welcome {{ user.name }}", body: "<p>{{ user.name }}</p>" }),
        n.inApp("m3", "Hi {{ user.nick }}", { fallback: "Hi there" }),
        n.inApp("m4", "Hi {{ user.nick }}"),
        n.exit("x1"),
      ],
      ["t1->m1", "m1->m2", "m2->m3", "m3->m4", "m4->x1"],
    );
    const d = new Driver(flowOf(g), { name: "A<b>", plan: "pro", email: "a@x.io" });
    d.track("Signed Up", {}, T0);
    expect(d.steps()).toEqual(["t1:next", "m1:sent", "m2:sent", "m3:sent", "m4:failed", "x1:exited"]);
    const [hook, mail, inApp] = d.messages();
    expect(hook).toMatchObject({ channel: "webhook", url: "https://hooks.example/u1", method: "POST", headers: { "X-Plan": "pro" }, body: '{"name":"A&lt;b&gt;"}' });
    expect(mail).toMatchObject({ channel: "email", subject: "Welcome A&lt;b&gt;", body: "<p>A&lt;b&gt;</p>", to: "a@x.io" });
    expect(inApp).toMatchObject({ channel: "in_app", placement: "banner", content: "Hi there", renderError: expect.stringContaining("user.nick") });
    expect(d.messages()).toHaveLength(3);
    expect(d.run).toMatchObject({ status: "exited", endReason: "exit_node", nodeId: "x1" });
    expect(d.effects.at(-1)).toMatchObject({ type: "end", status: "exited" });
    expect(hook.key).toBe(`${d.run.id}:m1:1`);
  });
});

describe("split node", () => {
  //   t1 ──▶ s1 {a:50, b:50} ──a──▶ ma
  //                        └──b──▶ mb
  const g = graph([n.onEvent("t1", "Go"), n.split("s1", [["a", 50], ["b", 50]]), n.inApp("ma", "A"), n.inApp("mb", "B")], ["t1->s1", "s1-a->ma", "s1-b->mb"]);
  const flow = flowOf(g, { reentry: "always" });

  it("splits 1000 users about 50/50", () => {
    const counts: Record<string, number> = { a: 0, b: 0 };
    for (let i = 0; i < 1000; i++) {
      const d = new Driver(flow, {}, `user-${i}`, `p-${i}`);
      d.track("Go", {}, T0);
      counts[d.run.variants.s1]++;
    }
    expect(counts.a + counts.b).toBe(1000);
    expect(Math.abs(counts.a - 500)).toBeLessThan(60);
  });

  it("gives a user the same branch every time and on every instance", () => {
    const a = new Driver(flow, {}, "user-42", "p-x");
    const b = new Driver(flow, {}, "user-42", "p-y"); // another profile row, same user
    a.track("Go", {}, T0);
    b.track("Go", {}, T0);
    expect(a.run.variants.s1).toBe(b.run.variants.s1);
    a.track("Go", {}, T0 + DAY); // a second run of the same user
    expect(a.runs.map((r) => r.variants.s1)).toEqual([b.run.variants.s1, b.run.variants.s1]);
    const expected = bucket("f1", "s1", "user-42") < 50 ? "a" : "b";
    expect(a.run.variants.s1).toBe(expected);
  });

  //   t1 ──▶ s1 {a:100, b:0} ──a──▶ w1 (PT1H) ──▶ s1 (cycle)
  it("is sticky within a run even if the weights would now say otherwise", () => {
    const cyc = graph([n.onEvent("t1", "Go"), n.split("s1", [["a", 0], ["b", 100]]), n.waitFor("w1", "PT1H")], ["t1->s1", "s1-a->w1", "s1-b->w1", "w1->s1"]);
    const d = new Driver(flowOf(cyc));
    d.track("Go", {}, T0);
    const run: Run = { ...d.run, variants: { s1: "a" } }; // bucketed under an earlier weighting
    const r = advance(d.flow, run, { kind: "timer", timerId: run.wait!.timerId }, d.ctx(T0 + HOUR), T0 + HOUR);
    expect(r.run.variants.s1).toBe("a");
    expect(r.effects.find((e) => e.type === "step" && e.nodeId === "s1")).toMatchObject({ result: "a", reason: { sticky: true } });
  });
});

describe("wait nodes", () => {
  //   t1 ──▶ w1 (for P1D) ──▶ m1
  it("wait for: a timer at now + duration, then next", () => {
    const d = new Driver(flowOf(graph([n.onEvent("t1", "Go"), n.waitFor("w1", "P1D"), n.inApp("m1", "later")], ["t1->w1", "w1->m1"])));
    d.track("Go", {}, T0);
    expect(d.run).toMatchObject({ status: "waiting", nodeId: "w1", wait: { kind: "for", until: T0 + DAY } });
    const timer = d.effects.find((e) => e.type === "timer");
    expect(timer).toMatchObject({ at: T0 + DAY, nodeId: "w1", timerId: `${d.run.id}:w1:1` });
    d.fireNext();
    expect(d.steps()).toEqual(["t1:next", "w1:waiting", "w1:next", "m1:sent"]);
    expect(d.run.status).toBe("completed");
  });

  //   t1 ──▶ w1 (until "Order Completed" total gte 50, timeout P2D) ──matched──▶ m1
  //                                                                └──timeout──▶ m2
  const until = graph(
    [n.onEvent("t1", "Cart Viewed"), n.waitUntil("w1", "Order Completed", "P2D", [{ property: "total", op: "gte", value: 50 }]), n.inApp("m1", "thanks {{ event.properties.total }}"), n.inApp("m2", "come back")],
    ["t1->w1", "w1-matched->m1", "w1-timeout->m2"],
  );

  it("wait until: a matching event leaves by matched and cancels the timer", () => {
    const d = new Driver(flowOf(until));
    d.track("Cart Viewed", {}, T0);
    d.track("Order Completed", { total: 20 }, T0 + HOUR); // where does not hold
    expect(d.run.status).toBe("waiting");
    d.track("Order Completed", { total: 80 }, T0 + 2 * HOUR);
    expect(d.steps()).toEqual(["t1:next", "w1:waiting", "w1:matched", "m1:sent"]);
    expect(d.messages()[0]).toMatchObject({ content: "thanks 80" });
    expect(d.effects.some((e) => e.type === "cancel_timer")).toBe(true);
    expect(d.timers.size).toBe(0);
  });

  it("wait until: no match before the timeout leaves by timeout", () => {
    const d = new Driver(flowOf(until));
    d.track("Cart Viewed", {}, T0);
    d.fireNext();
    expect(d.steps()).toEqual(["t1:next", "w1:waiting", "w1:timeout", "m2:sent"]);
  });

  it("ignores a stale timer and an event stamped before the wait began", () => {
    const d = new Driver(flowOf(until));
    d.track("Cart Viewed", {}, T0);
    const before = d.run;
    const stale = advance(d.flow, before, { kind: "timer", timerId: "f1:p1:1:w1:0" }, d.ctx(T0 + 3 * DAY), T0 + 3 * DAY);
    expect(stale).toEqual({ run: before, effects: [], ignored: "stale_timer" });
    const late = advance(d.flow, before, { kind: "event", event: { name: "Order Completed", properties: { total: 99 }, timestamp: T0 - HOUR } }, d.ctx(T0 + HOUR), T0 + HOUR);
    expect(late.ignored).toBe("no_match");
    // a timer for an ended run is stale too
    d.track("Order Completed", { total: 99 }, T0 + HOUR);
    const ended = advance(d.flow, d.run, { kind: "timer", timerId: before.wait!.timerId }, d.ctx(T0 + 2 * DAY), T0 + 2 * DAY);
    expect(ended.ignored).toBe("stale_timer");
  });
});

describe("cycles through waits", () => {
  //   t1 ──▶ m1 "nudge" ──▶ w1 (until "Upgraded", PT24H) ──timeout──▶ m1 (again)
  //                                                     └──matched──▶ x1
  const g = graph(
    [n.onEvent("t1", "Trial Started"), n.inApp("m1", "nudge"), n.waitUntil("w1", "Upgraded", "PT24H"), n.exit("x1")],
    ["t1->m1", "m1->w1", "w1-timeout->m1", "w1-matched->x1"],
  );

  it("revisits nodes with a new visit count in message keys and timer ids", () => {
    const d = new Driver(flowOf(g));
    d.track("Trial Started", {}, T0);
    d.fireNext();
    d.fireNext();
    const id = d.run.id;
    expect(d.messages().map((m) => m.key)).toEqual([`${id}:m1:1`, `${id}:m1:2`, `${id}:m1:3`]);
    expect(d.run.visits).toEqual({ t1: 1, m1: 3, w1: 3 });
    expect(d.run.wait?.timerId).toBe(`${id}:w1:3`);
    // the second visit's timer is stale now
    const r = advance(d.flow, d.run, { kind: "timer", timerId: `${id}:w1:2` }, d.ctx(T0 + 3 * DAY), T0 + 3 * DAY);
    expect(r.ignored).toBe("stale_timer");
    d.track("Upgraded", {}, T0 + 2 * DAY + HOUR);
    expect(d.run).toMatchObject({ status: "exited", nodeId: "x1" });
    const stepKeys = d.effects.filter((e) => e.type === "step").map((e) => (e as Extract<Effect, { type: "step" }>).key);
    expect(new Set(stepKeys).size).toBe(stepKeys.length); // every step key is unique
  });
});

describe("goals", () => {
  //   t1 ──▶ m1 ──▶ w1 (for P3D) ──▶ m2
  const g = graph([n.onEvent("t1", "Cart Viewed"), n.inApp("m1", "first"), n.waitFor("w1", "P3D"), n.inApp("m2", "second")], ["t1->m1", "m1->w1", "w1->m2"]);

  it("converts on the goal and ends the run with exitOnGoal", () => {
    const d = new Driver(flowOf(g, { goal: { event: "Order Completed", where: [{ property: "total", op: "gt", value: 0 }], within: "P7D" }, exitOnGoal: true }));
    d.track("Cart Viewed", {}, T0);
    d.track("Order Completed", { total: 0 }, T0 + HOUR); // where does not hold
    expect(d.run.convertedAt).toBeUndefined();
    d.track("Order Completed", { total: 10 }, T0 + 2 * HOUR);
    expect(d.run).toMatchObject({ status: "exited", endReason: "goal", convertedAt: T0 + 2 * HOUR });
    expect(d.effects.filter((e) => e.type === "convert")).toHaveLength(1);
    expect(d.timers.size).toBe(0);
    expect(d.messages().map((m) => m.channel === "in_app" && m.content)).toEqual(["first"]);
  });

  it("without exitOnGoal converts and keeps going; converts once; honours within from entry", () => {
    const d = new Driver(flowOf(g, { goal: { event: "Order Completed", within: "P1D" } }));
    d.track("Cart Viewed", {}, T0);
    d.track("Order Completed", {}, T0 + HOUR);
    d.track("Order Completed", {}, T0 + 2 * HOUR);
    expect(d.effects.filter((e) => e.type === "convert")).toHaveLength(1);
    expect(d.run.status).toBe("waiting");
    d.fireNext();
    expect(d.run.status).toBe("completed");

    const late = new Driver(flowOf(g, { goal: { event: "Order Completed", within: "P1D" } }));
    late.track("Cart Viewed", {}, T0);
    late.track("Order Completed", {}, T0 + DAY + MIN);
    expect(late.effects.filter((e) => e.type === "convert")).toHaveLength(0);
  });

  it("counts a conversion after the run has completed, within the window", () => {
    const g2 = graph([n.onEvent("t1", "Cart Viewed"), n.inApp("m1", "hi")], ["t1->m1"]);
    const d = new Driver(flowOf(g2, { goal: { event: "Order Completed", within: "P7D" } }));
    d.track("Cart Viewed", {}, T0);
    expect(d.run.status).toBe("completed");
    d.track("Order Completed", {}, T0 + 2 * DAY);
    expect(d.run.convertedAt).toBe(T0 + 2 * DAY);
    expect(d.run.status).toBe("completed");
  });

  it("does not count the entering event as the goal", () => {
    const g3 = graph([n.onEvent("t1", "Order Completed"), n.waitFor("w1", "P1D")], ["t1->w1"]);
    const d = new Driver(flowOf(g3, { goal: { event: "Order Completed" }, exitOnGoal: true }));
    d.track("Order Completed", {}, T0);
    expect(d.run.status).toBe("waiting");
    expect(d.run.convertedAt).toBeUndefined();
  });
});

describe("runaway guard", () => {
  //   t1 ──▶ c1 ──yes──▶ c2 ──yes──▶ c1 …   (a cycle without a wait; validation refuses it, the engine survives it)
  it("stops a walk after the step limit and records a failure", () => {
    const g = graph(
      [n.onEvent("t1", "Go"), n.condition("c1", { all: [] }), n.condition("c2", { all: [] })],
      ["t1->c1", "c1-yes->c2", "c2-yes->c1"],
    );
    const d = new Driver(flowOf(g));
    d.track("Go", {}, T0);
    expect(d.run).toMatchObject({ status: "exited", endReason: "step_limit" });
    const failed = d.effects.filter((e) => e.type === "step" && e.result === "failed");
    expect(failed).toHaveLength(1);
    expect(d.effects.filter((e) => e.type === "step")).toHaveLength(1 + 1000 + 1);
  });
});
