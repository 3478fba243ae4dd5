// The simulate panel's starting timeline and the notice when an event's traits replace the profile's.
import { describe, expect, it } from "vitest";
import type { Graph } from "@/lib/flow/schema";
import { defaultRows, traitOverrides } from "./simulate-rows";

const withTrigger = (on: unknown): Graph => ({ nodes: [{ id: "t1", type: "trigger", data: { on } } as Graph["nodes"][number]], edges: [] });

describe("defaultRows", () => {
  it("starts an identify-triggered flow with an identify that sets no trait, so the profile box decides", () => {
    // Bug: the default identify carried {"role":"admin"}, silently replacing the profile's role.
    const rows = defaultRows(withTrigger({ type: "identify" }));
    expect(rows).toHaveLength(1);
    expect(rows[0].type).toBe("identify");
    expect(JSON.parse(rows[0].props)).toEqual({});
    expect(traitOverrides({ role: "member" }, rows)).toEqual([]);
  });

  it("starts a trait-triggered flow with an identify that makes the test true", () => {
    expect(JSON.parse(defaultRows(withTrigger({ type: "trait", trait: "plan", op: "eq", value: "pro" }))[0].props)).toEqual({ plan: "pro" });
    expect(JSON.parse(defaultRows(withTrigger({ type: "trait", trait: "engagement_score", op: "lt", value: 20 }))[0].props)).toEqual({ engagement_score: 19 });
  });
});

describe("traitOverrides", () => {
  it("names each profile trait an identify row replaces with another value", () => {
    const rows = [
      { at: "PT0S", type: "identify" as const, name: "", props: '{"role":"admin","name":"Ada"}' },
      { at: "PT1H", type: "track" as const, name: "X", props: '{"role":"x"}' },
    ];
    expect(traitOverrides({ role: "member", name: "Ada" }, rows)).toEqual([{ event: 1, trait: "role", from: "member", to: "admin" }]);
  });
  it("ignores rows whose JSON does not parse (the run reports that)", () => {
    expect(traitOverrides({ role: "member" }, [{ at: "PT0S", type: "identify", name: "", props: "{" }])).toEqual([]);
  });
});
