// Node summaries read like sentences a marketer would write.
import { describe, expect, it } from "vitest";
import { describeCondition, describeNode, describeOn } from "./describe";

describe("describe", () => {
  it("summarises an event-window condition", () => {
    expect(describeCondition({ event: "Product Viewed", where: [{ property: "name", op: "eq", value: "Product A" }], within: "P7D" })).toBe(
      "Viewed Product A in the last 7 days",
    );
    expect(describeCondition({ event: "Order Completed", count: { gte: 2 }, within: "PT24H" })).toBe("Order Completed at least 2 times in the last 24 hours");
  });

  it("summarises a wait until with a timeout", () => {
    expect(describeNode({ id: "w", type: "wait", data: { until: { event: "Order Completed" }, timeout: "P3D" } })).toBe("Wait until Order Completed, at most 3 days");
    expect(describeNode({ id: "w", type: "wait", data: { for: "PT30M" } })).toBe("Wait 30 minutes");
  });

  it("summarises groups, negation and traits", () => {
    expect(
      describeCondition({ all: [{ trait: "role", op: "eq", value: "admin" }, { any: [{ trait: "plan", op: "in", value: ["pro", "team"] }, { not: { trait: "email", op: "exists" } }] }] }),
    ).toBe("role is admin and (plan is one of pro, team or not (email is set))");
    expect(describeCondition({ variant: { node: "s1", branch: "a" } })).toBe("in branch a of s1");
  });

  it("summarises triggers and messages", () => {
    expect(describeOn({ type: "behavior", event: "Page Viewed", where: [{ property: "path", op: "eq", value: "/pricing" }], count: { gte: 3 }, within: "P1D" })).toBe(
      "When Page Viewed where path is /pricing happens 3 times within 1 day",
    );
    expect(describeOn({ type: "inactivity", after: "PT24H" })).toBe("When inactive for 24 hours");
    expect(describeNode({ id: "m", type: "message", data: { channel: "in_app", placement: "banner", content: "<b>10% off</b> {{ user.name }}" } })).toBe(
      "Show in “banner”: 10% off {{ user.name }}",
    );
    expect(describeNode({ id: "s", type: "split", data: { branches: [{ id: "a", weight: 50, label: "Control" }, { id: "b", weight: 50 }] } })).toBe("Control 50% · b 50%");
  });
});

describe("counts read as people say them", () => {
  it("says never, at least once, and other than n instead of 'not 1 time' or 'exactly 0 times'", () => {
    expect(describeCondition({ event: "Onboarding Completed", count: { neq: 1 } })).toBe("Onboarding Completed a number of times other than 1");
    expect(describeCondition({ event: "Onboarding Completed", count: { eq: 0 } })).toBe("Onboarding Completed never");
    expect(describeCondition({ event: "Onboarding Completed", count: { gte: 1 }, within: "P7D" })).toBe("Onboarding Completed at least once in the last 7 days");
    expect(describeCondition({ event: "Onboarding Completed", count: { neq: 0 } })).toBe("Onboarding Completed at least once");
  });
});
