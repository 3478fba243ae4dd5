// Tests of the placement resolver: priority first, then the newest, then a stable tie-break.
import { describe, expect, it } from "vitest";
import { rankPlacement, resolvePlacement } from "./priority";

describe("resolvePlacement", () => {
  it("prefers the higher priority even when older", () => {
    const winner = resolvePlacement([
      { flowId: "a", priority: 0, at: 300 },
      { flowId: "b", priority: 5, at: 100 },
      { flowId: "c", priority: 1, at: 200 },
    ]);
    expect(winner?.flowId).toBe("b");
  });

  it("takes the newest on equal priority, then the later seq, then the flow id", () => {
    expect(resolvePlacement([{ flowId: "a", priority: 1, at: new Date(100) }, { flowId: "b", priority: 1, at: new Date(200) }])?.flowId).toBe("b");
    expect(resolvePlacement([{ flowId: "a", priority: 1, at: 100, seq: 2 }, { flowId: "b", priority: 1, at: 100, seq: 1 }])?.flowId).toBe("a");
    expect(rankPlacement([{ flowId: "b", priority: 1, at: 1 }, { flowId: "a", priority: 1, at: 1 }]).map((c) => c.flowId)).toEqual(["a", "b"]);
  });

  it("answers null for no candidates and does not reorder its input", () => {
    expect(resolvePlacement([])).toBeNull();
    const input = [{ flowId: "a", priority: 0, at: 1 }, { flowId: "b", priority: 9, at: 1 }];
    rankPlacement(input);
    expect(input[0].flowId).toBe("a");
  });
});
