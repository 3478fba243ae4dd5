// Every "New flow" template is a whole, valid flow: right shape and no graph problems.
import { describe, expect, it } from "vitest";
import { TEMPLATES } from "./templates";
import { checkFlow } from "./validate";

describe("templates", () => {
  it("includes the case-study templates", () => {
    expect(TEMPLATES.map((t) => t.id)).toEqual(
      expect.arrayContaining(["role-onboarding", "abandoned-cart", "product-view-discount", "inactivity-winback", "pricing-intent", "ab-banner"]),
    );
  });

  it.each(TEMPLATES.map((t) => [t.id, t] as const))("%s validates with no problems", (_id, t) => {
    const checked = checkFlow(t.graph, t.settings);
    expect(checked.ok ? [] : checked.details).toEqual([]);
    expect(checked.ok && checked.problems).toEqual([]);
    expect(new Set(t.graph.nodes.map((n) => n.id)).size).toBe(t.graph.nodes.length);
  });

  it("covers the features each template is about", () => {
    const byId = Object.fromEntries(TEMPLATES.map((t) => [t.id, t]));
    expect(byId["role-onboarding"].graph.edges.some((e) => e.sourceHandle === "missing")).toBe(true);
    expect(byId["abandoned-cart"].graph.nodes.some((n) => n.type === "wait" && "until" in n.data)).toBe(true);
    expect(byId["pricing-intent"].graph.nodes.some((n) => n.type === "trigger" && n.data.on.type === "behavior" && n.data.on.count.gte === 3 && n.data.on.within === "P1D")).toBe(true);
    expect(byId["inactivity-winback"].graph.nodes.some((n) => n.type === "trigger" && n.data.on.type === "inactivity" && n.data.on.after === "PT24H")).toBe(true);
    expect(byId["ab-banner"].graph.nodes.some((n) => n.type === "split")).toBe(true);
    expect(byId["ab-banner"].settings.holdout).toBeGreaterThan(0);
  });
});
