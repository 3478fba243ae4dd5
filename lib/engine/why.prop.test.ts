// Property: for random flows and histories, the why-answer (a replay of the history through the
// dispatcher, with who was inside rebuilt from the stored runs) enters exactly where the executor did.
import fc from "fast-check";
import { describe, it } from "vitest";
import { assertSeeded } from "@/tests/property/support";
import type { On, SettingsInput } from "@/lib/flow/schema";
import { compileFlow } from "./compile-flow";
import { simulate, SIMULATION_DEFAULT_START } from "./simulate";
import { graph, n } from "@/lib/testing/builders";
import { explainEntry, type WhyEvent } from "./why";

const ON: Record<string, On[]> = {
  event: [{ type: "event", event: "Viewed", where: [{ property: "sku", op: "eq", value: "A" }] }],
  behavior: [{ type: "behavior", event: "Viewed", count: { gte: 2 }, within: "PT1H" }],
  both: [
    { type: "event", event: "Bought" },
    { type: "behavior", event: "Viewed", where: [{ property: "sku", op: "in", value: ["A", "B"] }], count: { gte: 3 }, within: "PT2H" },
  ],
};

const arbFlow = fc.record({
  on: fc.constantFrom("event", "behavior", "both"),
  reentry: fc.constantFrom("never", "always", "PT30M", "PT3H"),
  rollout: fc.constantFrom(100, 100, 60),
  holdout: fc.constantFrom(0, 0, 40),
  goal: fc.boolean(),
  wait: fc.constantFrom("PT10M", "PT1H"),
});

const arbHistory = fc.array(
  fc.record({
    minute: fc.integer({ min: 0, max: 400 }),
    name: fc.constantFrom("Viewed", "Viewed", "Bought", "Other"),
    sku: fc.constantFrom("A", "B", "C", undefined),
  }),
  { maxLength: 14 },
);

describe("why agrees with the executor", () => {
  it("on 1,000 random histories: entered exactly when the executor entered, at the same events", async () => {
    await assertSeeded(
      fc.asyncProperty(arbFlow, arbHistory, fc.integer({ min: 1, max: 500 }), async (f, history, user) => {
        const triggers = ON[f.on].map((on, i) => n.trigger(`t${i}`, on));
        const g = graph([...triggers, n.waitFor("w1", f.wait), n.inApp("m1", "hi")], [...triggers.map((t) => `${t.id}->w1`), "w1->m1"]);
        const settings: SettingsInput = { reentry: f.reentry, rollout: f.rollout, holdout: f.holdout, ...(f.goal ? { goal: { event: "Bought" }, exitOnGoal: true } : {}) };
        // Distinct minutes: two events at one instant have no order the stored history could tell.
        const events = [...new Map(history.map((h) => [h.minute, h])).values()];
        const userId = `u${user}`;
        const sim = simulate(
          { graph: g, settings, flowId: "f1" },
          { profile: { userId }, events: events.map((e) => ({ at: `PT${e.minute}M`, type: "track" as const, event: e.name, properties: e.sku ? { sku: e.sku } : {} })), until: "PT500M" },
        );
        const ordered = [...events].sort((a, b) => a.minute - b.minute);
        const whyEvents: WhyEvent[] = ordered.map((e) => ({ type: "track", name: e.name, properties: e.sku ? { sku: e.sku } : {}, timestamp: SIMULATION_DEFAULT_START + e.minute * 60_000 }));
        const flow = compileFlow({ flowId: "f1", flowName: "f", versionId: "simulation", version: 0, graph: g, settings });
        const why = explainEntry({ flowId: "f1", versions: [{ flow, liveFrom: -Infinity }], events: whyEvents, runs: sim.runs, profile: { userId, profileId: userId, traits: {} }, now: SIMULATION_DEFAULT_START + 500 * 60_000 });
        const executorEntered = sim.runs.length > 0;
        const executorAt = sim.entries.filter((e) => e.entered).map((e) => Date.parse(e.at));
        const whyAt = why.decisions.filter((d) => d.entered).map((d) => d.at);
        if (why.entered !== executorEntered || JSON.stringify(whyAt) !== JSON.stringify(executorAt)) {
          throw new Error(`why entered=${why.entered} at ${whyAt.map((t) => new Date(t).toISOString())}; executor entered=${executorEntered} at ${executorAt.map((t) => new Date(t).toISOString())}`);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
