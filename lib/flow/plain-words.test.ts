// Shape errors in a marketer's words, never zod's ("Too small: expected string to have >=1 characters")
// nor a path ("on.where.0.property").
import { describe, expect, it } from "vitest";
import { NODE_DATA } from "./schema";
import { plainIssue } from "./plain-words";

const first = (type: keyof typeof NODE_DATA, data: unknown) => {
  const r = NODE_DATA[type].safeParse(data);
  if (r.success) throw new Error("expected a shape error");
  return plainIssue(type, r.error.issues[0]);
};

describe("plainIssue", () => {
  it("names what to fill in, in words", () => {
    expect(first("trigger", { on: { type: "event", event: "Signed Up", where: [{ property: "", op: "eq", value: "x" }] } })).toBe("Give this condition a property");
    expect(first("trigger", { on: { type: "event", event: "" } })).toBe("Name the event");
    expect(first("condition", { if: { trait: "", op: "eq", value: "pro" } })).toBe("Name the trait");
    expect(first("message", { channel: "in_app", placement: "", content: "x" })).toBe("Choose where the message shows (its placement)");
    expect(first("wait", { for: "soon" })).toBe("Set a duration such as 30 minutes, 24 hours or 7 days");
    expect(first("split", { branches: [{ id: "", weight: 50 }] })).toBe("Give every branch a name");
    expect(first("split", { branches: [{ id: "a", weight: 150 }] })).toBe("A branch's weight is between 0 and 100");
  });

  it("never shows zod's wording or a raw path", () => {
    for (const [type, data] of [
      ["trigger", { on: { type: "behavior", event: "x", count: { gte: 0 }, within: "P1D" } }],
      ["update", { set: { "": 1 } }],
      ["message", { channel: "webhook", url: "" }],
    ] as const) {
      const text = first(type, data);
      expect(text).not.toMatch(/Too small|expected|Invalid|\.\d+\./);
    }
  });
});
