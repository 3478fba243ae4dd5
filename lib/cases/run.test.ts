// The case runner: expectations checked against the sandbox, bad cases answered with clear failures.
import { describe, expect, it } from "vitest";
import type { FlowNode, Graph } from "@/lib/flow/schema";
import { MAX_SIMULATION_STEPS } from "@/lib/engine";
import { graph, n } from "@/lib/testing/builders";
import { TEMPLATES } from "@/lib/flow/templates";
import { caseFromRun, runCase, runCases } from "./run";
import { TestCase, TestSuiteBody, MAX_CASE_EVENTS, type TestCaseInput } from "./schema";

const label = (node: FlowNode, l: string): FlowNode => ({ ...node, label: l });
const tc = (c: TestCaseInput) => TestCase.parse(c);

//   t (Signed Up) ─▶ role {role eq admin} ──yes──▶ admin "Welcome, {{ user.name }}" ─▶ w (P1D) ─▶ mail "Checklist"
//                                        └──no──▶ member "Find your projects"
const onboarding: Graph = graph(
  [
    label(n.onEvent("t", "Signed Up"), "Signed up"),
    label(n.condition("role", { trait: "role", op: "eq", value: "admin" }), "Is admin?"),
    label(n.inApp("admin", "Welcome, {{ user.name }}"), "Admin tour"),
    label(n.inApp("member", "Find your projects"), "Member tour"),
    n.waitFor("w", "P1D"),
    label(n.message("mail", { channel: "email", subject: "Checklist", body: "Three steps left, {{ user.name }}" }), "Checklist email"),
  ],
  ["t->role", "role-yes->admin", "role-no->member", "admin->w", "w->mail"],
);
const settings = { goal: { event: "Order Completed", within: "P7D" } };
const flow = { graph: onboarding, settings, flowId: "f1", flowName: "Onboarding" };

const adminCase = tc({
  name: "Admin gets the admin tour",
  profile: { traits: { role: "admin", name: "Ada" } },
  events: [{ at: "PT1M", type: "track", event: "Signed Up" }],
  expect: {
    enters: true,
    steps: ["Signed up", "Is admin?", "Admin tour", "Checklist email"],
    messages: [{ step: "Admin tour", contains: "Welcome, Ada" }, { step: "Checklist email", channel: "email", contains: "Three steps left" }],
    converts: false,
  },
});

describe("runCase", () => {
  it("passes a case whose expectations hold, with the path by label and the rendered messages", () => {
    const r = runCase(flow, adminCase);
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.path).toEqual(["Signed up", "Is admin?", "Admin tour", "w", "Checklist email"]);
    expect(r.messages.map((m) => [m.step, m.channel, m.text])).toEqual([
      ["Admin tour", "in_app", "Welcome, Ada"],
      ["Checklist email", "email", "Checklist\nThree steps left, Ada"],
    ]);
    expect(r.entered).toBe(true);
  });

  it("fails a case the flow no longer satisfies and names the steps it no longer reaches", () => {
    // The condition now asks for "owner": admins go down the member branch.
    const edited = { ...onboarding, nodes: onboarding.nodes.map((x) => (x.id === "role" ? ({ ...x, data: { if: { trait: "role", op: "eq", value: "owner" } } } as FlowNode) : x)) };
    const r = runCase({ ...flow, graph: edited }, adminCase);
    expect(r.passed).toBe(false);
    expect(r.failures[0]).toMatch(/expected to pass step “Admin tour” after “Is admin\?”, but it was not reached \(path: Signed up → Is admin\? → Member tour\)/);
    expect(r.failures.some((f) => /message “Admin tour”.*not received/.test(f))).toBe(true);
    expect(r.unreached.sort()).toEqual(["admin", "mail"]);
  });

  it("fails with “step … was removed” when a named step no longer exists, instead of crashing", () => {
    const without = { ...onboarding, nodes: onboarding.nodes.filter((x) => x.id !== "mail"), edges: onboarding.edges.filter((e) => e.target !== "mail") };
    const r = runCase({ ...flow, graph: without }, adminCase);
    expect(r.passed).toBe(false);
    expect(r.failures).toContain("step “Checklist email” was removed (no step has that label or id)");
    expect(r.failures.filter((f) => f.includes("was removed"))).toHaveLength(2); // the step and the message
  });

  it("checks message content", () => {
    const r = runCase(flow, tc({ ...adminCase, expect: { messages: [{ step: "Admin tour", contains: "Hello" }] } }));
    expect(r.failures).toEqual(["message “Admin tour” was received, but its content “Welcome, Ada” does not contain “Hello”"]);
  });

  it("checks “does not enter” and conversion", () => {
    const noEntry = runCase(flow, tc({ name: "no signup", events: [{ at: "PT1M", type: "track", event: "Page Viewed" }], expect: { enters: false } }));
    expect(noEntry.passed).toBe(true);
    expect(noEntry.path).toEqual([]);
    const entered = runCase(flow, tc({ name: "signup", events: [{ at: "PT1M", type: "track", event: "Signed Up" }], expect: { enters: false, converts: true } }));
    expect(entered.failures).toEqual([expect.stringMatching(/^expected not to enter the flow, but entered/), "expected to convert, but did not"]);
    const converts = runCase(flow, tc({ name: "buys", events: [{ at: "PT1M", type: "track", event: "Signed Up" }, { at: "PT2H", type: "track", event: "Order Completed" }], expect: { converts: true } }));
    expect(converts.passed).toBe(true);
  });

  it("sorts events given out of order and says so", () => {
    const r = runCase(flow, tc({ name: "late first", profile: { traits: { role: "admin", name: "Ada" } }, events: [{ at: "PT2H", type: "track", event: "Order Completed" }, { at: "PT1M", type: "track", event: "Signed Up" }], expect: { converts: true } }));
    expect(r.notes).toContain("The events were out of order; they were run in time order");
    expect(r.passed).toBe(true);
    expect(r.steps[0].at).toBe("2025-01-01T00:01:00.000Z");
  });

  it("counts past events in event conditions and reads group traits as group.<trait>", () => {
    //   t (Pricing Viewed) ─▶ c {Demo Requested within P30D, and group.plan = enterprise} ──yes──▶ m
    const g = graph(
      [n.onEvent("t", "Pricing Viewed"), n.condition("c", { all: [{ event: "Demo Requested", within: "P30D" }, { trait: "group.plan", op: "eq", value: "enterprise" }] }), label(n.inApp("m", "Talk to sales"), "Sales nudge")],
      ["t->c", "c-yes->m"],
    );
    const base = { name: "warm lead", events: [{ at: "PT1M", type: "track" as const, event: "Pricing Viewed" }], expect: { steps: ["Sales nudge"] } };
    const warm = runCase({ graph: g }, tc({ ...base, profile: { groupTraits: { plan: "enterprise" }, pastEvents: [{ ago: "P3D", event: "Demo Requested" }] } }));
    expect(warm.failures).toEqual([]);
    const stale = runCase({ graph: g }, tc({ ...base, profile: { groupTraits: { plan: "enterprise" }, pastEvents: [{ ago: "P45D", event: "Demo Requested" }] } }));
    expect(stale.passed).toBe(false);
    const smallGroup = runCase({ graph: g }, tc({ ...base, profile: { groupTraits: { plan: "starter" }, pastEvents: [{ ago: "P3D", event: "Demo Requested" }] } }));
    expect(smallGroup.passed).toBe(false);
  });

  it("forces a split bucket and checks the variant, by branch id or label", () => {
    //   t ─▶ s {a: Control 50, b: Discount 50} ──a──▶ ma "Hello"  ──b──▶ mb "10% off"
    const g = graph(
      [n.onEvent("t", "Visited"), label(n.split("s", [["a", 50], ["b", 50]]), "Offer test"), n.inApp("ma", "Hello"), n.inApp("mb", "10% off")],
      ["t->s", "s-a->ma", "s-b->mb"],
    );
    (g.nodes[1] as Extract<FlowNode, { type: "split" }>).data.branches[1].label = "Discount";
    const events = [{ at: "PT1M", type: "track" as const, event: "Visited" }];
    for (const branch of ["a", "b"]) {
      const r = runCase({ graph: g }, tc({ name: `forced ${branch}`, events, variants: { "Offer test": branch }, expect: { variant: { step: "Offer test", branch } } }));
      expect(r.failures).toEqual([]);
      expect(r.variants).toEqual({ s: branch });
    }
    const byLabel = runCase({ graph: g }, tc({ name: "by label", events, variants: { s: "Discount" }, expect: { variant: { step: "Offer test", branch: "Discount" }, messages: [{ contains: "10% off" }] } }));
    expect(byLabel.failures).toEqual([]);
    const wrong = runCase({ graph: g }, tc({ name: "wrong", events, variants: { s: "a" }, expect: { variant: { step: "Offer test", branch: "Discount" } } }));
    expect(wrong.failures).toEqual(["expected variant “Discount” of split “Offer test”, but landed in “a”"]);
    const gone = runCase({ graph: g }, tc({ name: "gone", events, variants: { "Old test": "a" } }));
    expect(gone.failures).toEqual(["step “Old test” was removed (no step has that label or id): its bucket cannot be forced"]);
  });

  it("stops a case that never ends with a clear failure", () => {
    //   t ─▶ w (PT1M) ─▶ m "ping" ─▶ w   (a loop through a wait: valid, and endless)
    const g = graph([n.onEvent("t", "Go"), n.waitFor("w", "PT1M"), n.inApp("m", "ping")], ["t->w", "w->m", "m->w"]);
    const r = runCase({ graph: g }, tc({ name: "endless", events: [{ at: "PT0S", type: "track", event: "Go" }], until: "P3650D" }));
    expect(r.passed).toBe(false);
    expect(r.failures).toEqual([`the case never ended: the flow kept looping and was stopped after ${MAX_SIMULATION_STEPS} steps`]);
  });

  it("gives the same result on every run", () => {
    expect(runCase(flow, adminCase)).toEqual(runCase(flow, adminCase));
  });
});

describe("caseFromRun", () => {
  it("turns what a run showed into expectations that pass on the same flow and fail once it changes", () => {
    const c = caseFromRun(flow, { name: "observed", profile: { traits: { role: "member", name: "Bo" } }, events: [{ at: "PT1M", type: "track", event: "Signed Up" }] });
    expect(c.expect).toEqual({ enters: true, steps: ["Signed up", "Is admin?", "Member tour"], messages: [{ step: "Member tour", contains: "Find your projects" }], converts: false });
    expect(runCase(flow, c).passed).toBe(true);
    const edited = { ...onboarding, nodes: onboarding.nodes.map((x) => (x.id === "member" ? ({ ...x, data: { channel: "in_app", placement: "banner", content: "Explore" } } as FlowNode) : x)) };
    expect(runCase({ ...flow, graph: edited }, c).passed).toBe(false);
  });
});

describe("runCases and the case shape", () => {
  it("counts passes and failures", () => {
    const r = runCases(flow, [adminCase, tc({ name: "fails", expect: { enters: true } })]);
    expect([r.passed, r.failed]).toEqual([1, 1]);
    expect(r.results[1].failures).toEqual(["expected to enter the flow, but did not"]);
  });

  it("refuses a case over the event limit and two cases with one name", () => {
    const events = Array.from({ length: MAX_CASE_EVENTS + 1 }, () => ({ at: "PT1M", type: "track", event: "x" }));
    expect(TestCase.safeParse({ name: "big", events }).success).toBe(false);
    expect(TestCase.safeParse({ name: "ok", events: events.slice(1) }).success).toBe(true);
    expect(TestSuiteBody.safeParse({ cases: [{ name: "a" }, { name: "a" }] }).success).toBe(false);
  });

  it("every template ships with cases that pass", () => {
    for (const t of TEMPLATES) {
      if (t.id === "blank") continue;
      expect(t.tests?.length, t.id).toBeGreaterThan(0);
      const r = runCases({ graph: t.graph, settings: t.settings, flowName: t.name }, t.tests!.map((c) => TestCase.parse(c)));
      expect(r.results.filter((x) => !x.passed).map((x) => [x.name, x.failures]), t.id).toEqual([]);
    }
  });
});
