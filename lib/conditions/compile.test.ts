// Tests of the compiled condition language: operators, type rules, missing data and event windows.
import { describe, expect, it } from "vitest";
import type { Condition } from "@/lib/flow/schema";
import { compileCondition, type ProfileContext } from "./compile";
import { countEvents, emptySummary, updateSummary, type EventSummary } from "./summary";

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 0, 31);

function ctx(traits: Record<string, unknown>, summary: EventSummary = emptySummary(), extra: Partial<ProfileContext> = {}): ProfileContext {
  return { profileId: "p1", userId: "u1", traits, summary, now: NOW, ...extra };
}
const run = (c: Condition, traits: Record<string, unknown>, summary?: EventSummary, extra?: Partial<ProfileContext>) =>
  compileCondition(c)(ctx(traits, summary, extra));

describe("trait operators", () => {
  const cases: [Condition, Record<string, unknown>, string][] = [
    [{ trait: "plan", op: "eq", value: "pro" }, { plan: "pro" }, "yes"],
    [{ trait: "plan", op: "eq", value: "pro" }, { plan: "Pro" }, "no"], // case-sensitive
    [{ trait: "age", op: "eq", value: 42 }, { age: "42" }, "yes"], // numeric string vs number
    [{ trait: "zip", op: "eq", value: "007" }, { zip: "7" }, "no"], // two strings compare as text
    [{ trait: "plan", op: "neq", value: "pro" }, { plan: "free" }, "yes"],
    [{ trait: "age", op: "gt", value: 18 }, { age: "21" }, "yes"],
    [{ trait: "age", op: "gt", value: "9" }, { age: 10 }, "yes"], // numeric, not lexicographic
    [{ trait: "age", op: "gte", value: 21 }, { age: 21 }, "yes"],
    [{ trait: "age", op: "lt", value: 21 }, { age: 21 }, "no"],
    [{ trait: "age", op: "lte", value: 21 }, { age: 21 }, "yes"],
    [{ trait: "signup", op: "lt", value: "2024-06-01" }, { signup: "2024-05-31T23:00:00Z" }, "yes"],
    [{ trait: "signup", op: "gt", value: "2024-06-01T00:00:00+02:00" }, { signup: "2024-05-31T23:00:00Z" }, "yes"],
    [{ trait: "flag", op: "gt", value: 1 }, { flag: true }, "no"],
    [{ trait: "plan", op: "in", value: ["pro", "team"] }, { plan: "team" }, "yes"],
    [{ trait: "plan", op: "in", value: ["pro", "team"] }, { plan: "free" }, "no"],
    [{ trait: "plan", op: "nin", value: ["pro", "team"] }, { plan: "free" }, "yes"],
    [{ trait: "tags", op: "in", value: ["vip"] }, { tags: ["new", "vip"] }, "yes"],
    [{ trait: "age", op: "in", value: [41, 42] }, { age: "42" }, "yes"],
    [{ trait: "age", op: "in", value: ["42"] }, { age: 42 }, "yes"],
    [{ trait: "zip", op: "in", value: ["007"] }, { zip: "7" }, "no"],
    [{ trait: "age", op: "nin", value: [41, 42] }, { age: 43 }, "yes"],
    [{ trait: "tags", op: "contains", value: 3 }, { tags: ["3"] }, "yes"],
    [{ trait: "email", op: "contains", value: "@acme" }, { email: "a@acme.io" }, "yes"],
    [{ trait: "tags", op: "contains", value: "vip" }, { tags: ["vip"] }, "yes"],
    [{ trait: "tags", op: "contains", value: "vi" }, { tags: ["vip"] }, "no"], // membership, not substring
    [{ trait: "tags", op: "eq", value: ["a", "b"] }, { tags: ["a", "b"] }, "yes"],
    [{ trait: "tags", op: "eq", value: ["a", "b"] }, { tags: ["b", "a"] }, "no"],
    [{ trait: "email", op: "starts_with", value: "ad" }, { email: "admin@x" }, "yes"],
    [{ trait: "email", op: "starts_with", value: "Ad" }, { email: "admin@x" }, "no"],
    [{ trait: "email", op: "exists" }, { email: "x" }, "yes"],
    [{ trait: "email", op: "exists" }, {}, "no"],
    [{ trait: "email", op: "not_exists" }, { email: null }, "yes"],
    [{ trait: "company.plan", op: "eq", value: "pro" }, { company: { plan: "pro" } }, "yes"],
    [{ trait: "company.plan", op: "eq", value: "pro" }, { "company.plan": "pro" }, "yes"],
    [{ trait: "constructor", op: "exists" }, {}, "no"], // prototype is never read
  ];
  it.each(cases)("%j on %j is %s", (c, traits, expected) => {
    expect(run(c, traits)).toBe(expected);
  });
});

describe("missing data", () => {
  it("a trait rule on an absent trait is missing, except exists/not_exists", () => {
    expect(run({ trait: "plan", op: "eq", value: "pro" }, {})).toBe("missing");
    expect(run({ trait: "plan", op: "neq", value: "pro" }, { plan: null })).toBe("missing");
    expect(run({ trait: "company.plan", op: "eq", value: "pro" }, { company: {} })).toBe("missing");
  });
  it("not keeps missing; all is decided by a no; any by a yes", () => {
    const absent: Condition = { trait: "plan", op: "eq", value: "pro" };
    const yes: Condition = { trait: "age", op: "gt", value: 1 };
    const no: Condition = { trait: "age", op: "lt", value: 1 };
    const t = { age: 5 };
    expect(run({ not: absent }, t)).toBe("missing");
    expect(run({ not: yes }, t)).toBe("no");
    expect(run({ all: [absent, yes] }, t)).toBe("missing");
    expect(run({ all: [absent, no] }, t)).toBe("no");
    expect(run({ all: [] }, t)).toBe("yes");
    expect(run({ any: [absent, yes] }, t)).toBe("yes");
    expect(run({ any: [absent, no] }, t)).toBe("missing");
    expect(run({ any: [] }, t)).toBe("no");
  });
  it("explain reports what the condition read", () => {
    const c = compileCondition({ all: [{ trait: "plan", op: "eq", value: "pro" }, { trait: "company.size", op: "gt", value: 10 }] });
    expect(c.traits).toEqual(["plan", "company.size"]);
    expect(c.explain(ctx({ plan: "pro" }))).toEqual({ traits: { plan: "pro", "company.size": null } });
  });
});

describe("variant rules", () => {
  it("reads the run's buckets", () => {
    const c: Condition = { variant: { node: "s1", branch: "b" } };
    expect(run(c, {}, undefined, { variants: { s1: "b" } })).toBe("yes");
    expect(run(c, {}, undefined, { variants: { s1: "a" } })).toBe("no");
    expect(run(c, {}, undefined, {})).toBe("no");
  });
});

describe("event windows from the summary", () => {
  let s = emptySummary();
  s = updateSummary(s, { name: "Product Viewed", properties: { sku: "A", price: 10 }, timestamp: NOW - 10 * DAY });
  s = updateSummary(s, { name: "Product Viewed", properties: { sku: "A", price: 12 }, timestamp: NOW - 3 * DAY });
  s = updateSummary(s, { name: "Product Viewed", properties: { sku: "B" }, timestamp: NOW - 2 * DAY });
  for (let h = 1; h <= 3; h++) s = updateSummary(s, { name: "Pricing Viewed", timestamp: NOW - h * 3_600_000 });

  it("viewed product A in the last 7 days", () => {
    expect(run({ event: "Product Viewed", where: [{ property: "sku", op: "eq", value: "A" }], within: "P7D" }, {}, s)).toBe("yes");
    expect(run({ event: "Product Viewed", where: [{ property: "sku", op: "eq", value: "C" }], within: "P7D" }, {}, s)).toBe("no");
    expect(run({ event: "Product Viewed", where: [{ property: "price", op: "gt", value: 11 }] }, {}, s)).toBe("yes");
  });
  it("counts in a window with count ops", () => {
    expect(run({ event: "Pricing Viewed", within: "P1D", count: { gte: 3 } }, {}, s)).toBe("yes");
    expect(run({ event: "Pricing Viewed", within: "PT150M", count: { gte: 3 } }, {}, s)).toBe("no");
    expect(run({ event: "Product Viewed", within: "P7D", count: { eq: 2 } }, {}, s)).toBe("yes");
    expect(run({ event: "Product Viewed", count: { gt: 2, lt: 4 } }, {}, s)).toBe("yes");
    expect(run({ event: "Signed Up" }, {}, s)).toBe("no");
    expect(run({ event: "Signed Up", count: { eq: 0 } }, {}, s)).toBe("yes");
  });
  it("never reads missing", () => {
    expect(run({ event: "Nothing" }, {}, emptySummary())).toBe("no");
  });
  it("explain shows counts", () => {
    const c = compileCondition({ event: "Pricing Viewed", within: "P1D", count: { gte: 3 } });
    expect(c.explain(ctx({}, s))).toEqual({ events: { "Pricing Viewed (P1D)": 3 } });
  });
  it("counts only up to now", () => {
    expect(countEvents(s, "Product Viewed", -Infinity, NOW - 5 * DAY)).toBe(1);
  });
});
