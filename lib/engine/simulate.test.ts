// End-to-end tests of the sandbox: the same engine on a virtual clock, nothing stored or sent.
import { describe, expect, it } from "vitest";
import { simulate, SIMULATION_DEFAULT_START } from "./simulate";
import { graph, n } from "@/lib/testing/builders";

const at = (ms: number) => new Date(SIMULATION_DEFAULT_START + ms).toISOString();
const H = 3_600_000;
const D = 24 * H;

describe("simulate", () => {
  //   t1 (Product Viewed sku=A) ──▶ c1 {plan eq pro} ──yes──▶ m1 "Welcome back {{ user.name }}"
  //                                    ├──no──▶ w1 (until Order Completed, P2D) ──matched──▶ x1
  //                                    │                                     └──timeout──▶ m2 "10% off {{ event.properties.sku }}"
  //                                    └──missing──▶ x1
  const g = graph(
    [
      n.onEvent("t1", "Product Viewed", [{ property: "sku", op: "eq", value: "A" }]),
      n.condition("c1", { trait: "plan", op: "eq", value: "pro" }),
      n.inApp("m1", "Welcome back {{ user.name }}"),
      n.waitUntil("w1", "Order Completed", "P2D"),
      n.inApp("m2", "10% off {{ event.properties.sku }}", { placement: "offer" }),
      n.exit("x1"),
    ],
    ["t1->c1", "c1-yes->m1", "c1-no->w1", "c1-missing->x1", "w1-matched->x1", "w1-timeout->m2"],
  );
  const settings = { goal: { event: "Order Completed", within: "P7D" } };

  it("walks the timeout path on the virtual clock and renders the message", () => {
    const r = simulate({ graph: g, settings }, { profile: { traits: { plan: "free" }, userId: "u1" }, events: [{ at: "PT1H", type: "track", event: "Product Viewed", properties: { sku: "A" } }] });
    expect(r.trace.map((s) => [s.nodeId, s.result, s.at])).toEqual([
      ["t1", "next", at(H)],
      ["c1", "no", at(H)],
      ["w1", "waiting", at(H)],
      ["w1", "timeout", at(H + 2 * D)],
      ["m2", "sent", at(H + 2 * D)],
    ]);
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0]).toMatchObject({ nodeId: "m2", channel: "in_app", placement: "offer", content: "10% off A", at: at(H + 2 * D) });
    expect(r.converted).toBe(false);
    expect(r.until).toBe(at(H + 2 * D));
    expect(r.problems).toEqual([]);
  });

  it("matches the wait with a later event and converts", () => {
    const r = simulate(
      { graph: g, settings },
      {
        profile: { traits: { plan: "free" } },
        events: [
          { at: "PT5H", type: "track", event: "Order Completed" }, // out of order on purpose
          { at: "PT1H", type: "track", event: "Product Viewed", properties: { sku: "A" } },
        ],
      },
    );
    expect(r.trace.map((s) => `${s.nodeId}:${s.result}`)).toEqual(["t1:next", "c1:no", "w1:waiting", "w1:matched", "x1:exited"]);
    expect(r.trace[3].at).toBe(at(5 * H));
    expect(r.converted).toBe(true);
    expect(r.messages).toEqual([]);
  });

  it("applies identify traits before later events", () => {
    const r = simulate(
      { graph: g },
      {
        profile: { traits: {} },
        events: [
          { at: "PT2H", type: "track", event: "Product Viewed", properties: { sku: "A" } },
          { at: "PT1H", type: "identify", traits: { plan: "pro", name: "Ann" }, userId: "u9" },
        ],
      },
    );
    expect(r.trace.map((s) => `${s.nodeId}:${s.result}`)).toEqual(["t1:next", "c1:yes", "m1:sent"]);
    expect(r.messages[0]).toMatchObject({ content: "Welcome back Ann" });
    expect(r.traits).toMatchObject({ plan: "pro", name: "Ann" });
  });

  it("takes the missing path when the trait is absent", () => {
    const r = simulate({ graph: g }, { profile: { traits: {} }, events: [{ at: "PT0S", type: "track", event: "Product Viewed", properties: { sku: "A" } }] });
    expect(r.trace.map((s) => `${s.nodeId}:${s.result}`)).toEqual(["t1:next", "c1:missing", "x1:exited"]);
  });

  //   t1 (inactivity P3D) ──▶ m1 "we miss you"
  it("fires inactivity triggers on the virtual clock after the last event", () => {
    const ig = graph([n.trigger("t1", { type: "inactivity", after: "P3D" }), n.inApp("m1", "we miss you")], ["t1->m1"]);
    const r = simulate({ graph: ig }, { profile: { traits: {} }, events: [{ at: "PT0S", type: "track", event: "A" }, { at: "P2D", type: "page", name: "Home", properties: { path: "/" } }] });
    expect(r.trace.map((s) => [s.nodeId, s.at])).toEqual([
      ["t1", at(5 * D)],
      ["m1", at(5 * D)],
    ]);
    expect(r.until).toBe(at(5 * D));
  });

  //   t1 (page "Page Viewed" path starts_with /pricing) ──▶ u1 {visits="{{ event.properties.name }}"} ──▶ m1 (webhook)
  it("turns page calls into Page Viewed events and renders webhooks", () => {
    const pg = graph(
      [
        n.onEvent("t1", "Page Viewed", [{ property: "path", op: "starts_with", value: "/pricing" }]),
        n.update("u1", { lastPage: "{{ event.properties.name }}" }),
        n.message("m1", { channel: "webhook", url: "https://x.test/hook", body: "{{ user.lastPage }}" }),
      ],
      ["t1->u1", "u1->m1"],
    );
    const r = simulate({ graph: pg }, { profile: { traits: {} }, events: [{ at: "PT1M", type: "page", name: "Pricing", properties: { path: "/pricing/teams", url: "https://a.test/pricing/teams" } }] });
    expect(r.trace.map((s) => `${s.nodeId}:${s.result}`)).toEqual(["t1:next", "u1:updated", "m1:sent"]);
    expect(r.messages[0]).toMatchObject({ channel: "webhook", url: "https://x.test/hook", method: "POST", body: "Pricing" });
    expect(r.traits.lastPage).toBe("Pricing");
  });

  //   t1 ──▶ m1 ──▶ w1 (for P1D) ──▶ m1 …  (a reminder every day)
  it("cycles through waits until `until`, with a visit count in each key", () => {
    const cg = graph([n.onEvent("t1", "Go"), n.inApp("m1", "reminder"), n.waitFor("w1", "P1D")], ["t1->m1", "m1->w1", "w1->m1"]);
    const r = simulate({ graph: cg }, { profile: { traits: {} }, events: [{ at: "PT0S", type: "track", event: "Go" }], until: "P3D" });
    expect(r.messages.map((m) => [m.key, m.at])).toEqual([
      ["simulation:simulated-profile:1:m1:1", at(0)],
      ["simulation:simulated-profile:1:m1:2", at(D)],
      ["simulation:simulated-profile:1:m1:3", at(2 * D)],
      ["simulation:simulated-profile:1:m1:4", at(3 * D)],
    ]);
    expect(r.runs[0].status).toBe("waiting");
  });

  //   t1 ──▶ m1 ──▶ w1 (for PT0S) ──▶ m1 …  (a loop whose wait takes no time)
  it("stops a loop that never lets the clock move", () => {
    const lg = graph([n.onEvent("t1", "Go"), n.inApp("m1", "again"), n.waitFor("w1", "PT0S")], ["t1->m1", "m1->w1", "w1->m1"]);
    const r = simulate({ graph: lg }, { profile: { traits: {} }, events: [{ at: "PT0S", type: "track", event: "Go" }] });
    expect(r.trace.length).toBeGreaterThanOrEqual(5000);
    expect(r.trace.length).toBeLessThan(5010);
    expect(r.problems).toEqual(["The simulation stopped after 5000 steps"]);
  });

  it("reports bad offsets instead of throwing", () => {
    const r = simulate({ graph: g }, { profile: { traits: {} }, events: [{ at: "soon", type: "track", event: "Product Viewed" }] });
    expect(r.trace).toEqual([]);
    expect(r.problems[0]).toMatch(/not a duration/);
  });

  it("splits a holdout user's messages off as suppressed and still counts the conversion", () => {
    const hg = graph([n.onEvent("t1", "Go"), n.inApp("m1", "offer")], ["t1->m1"]);
    const r = simulate(
      { graph: hg, settings: { holdout: 100, goal: { event: "Buy" } } },
      { profile: { traits: {} }, events: [{ at: "PT0S", type: "track", event: "Go" }, { at: "PT1H", type: "track", event: "Buy" }] },
    );
    expect(r.entries).toEqual([{ at: at(0), entered: true, trigger: "t1", runId: "simulation:simulated-profile:1", holdout: true }]);
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0].suppressed).toBe("holdout");
    expect(r.converted).toBe(true);
  });

  //   t1 (Signed Up) ──▶ w1 (PT1H) ──▶ c1 {group.plan eq enterprise} ──yes──▶ m1 "Call us, {{ group.name }}"
  //                                                                  ├──no──▶ m2 "Self-serve"
  //                                                                  └──missing──▶ m2
  it("reads group traits in conditions and Liquid, from the profile or from group events, as they are when read", () => {
    const b2b = graph(
      [
        n.onEvent("t1", "Signed Up"),
        n.waitFor("w1", "PT1H"),
        n.condition("c1", { trait: "group.plan", op: "eq", value: "enterprise" }),
        n.inApp("m1", "Call us, {{ group.name }} ({{ group.id }})"),
        n.inApp("m2", "Self-serve"),
      ],
      ["t1->w1", "w1->c1", "c1-yes->m1", "c1-no->m2", "c1-missing->m2"],
    );
    const run = (input: Parameters<typeof simulate>[1]) => simulate({ graph: b2b }, input).messages.map((m) => (m as { content?: string }).content);
    expect(run({ profile: { userId: "u1" }, events: [{ at: "PT0S", type: "track", event: "Signed Up" }] })).toEqual(["Self-serve"]);
    expect(run({ profile: { userId: "u1", group: { id: "acme", name: "Acme", plan: "enterprise" } }, events: [{ at: "PT0S", type: "track", event: "Signed Up" }] })).toEqual(["Call us, Acme (acme)"]);
    // The group upgrades during the wait: the condition reads it after the wait.
    const upgraded = run({
      profile: { userId: "u1" },
      events: [
        { at: "PT0S", type: "group", groupId: "acme", traits: { name: "Acme", plan: "free" } },
        { at: "PT1M", type: "track", event: "Signed Up" },
        { at: "PT10M", type: "group", groupId: "acme", traits: { plan: "enterprise" } },
      ],
    });
    expect(upgraded).toEqual(["Call us, Acme (acme)"]);
    expect(simulate({ graph: b2b }, { profile: {}, events: [{ at: "PT0S", type: "group", traits: {} }] }).problems).toEqual(['events.0: a group event needs "groupId"; skipped']);
  });
});
