// Two active flows filling the same placement from the same trigger, and which one wins.
import { describe, expect, it } from "vitest";
import type { FlowNode } from "./schema";
import { conflictsOf, findConflicts, triggerKey, type ConflictFlow } from "./conflicts";

const onEvent = (event: string, where?: unknown[]): FlowNode => ({ id: "t", type: "trigger", data: { on: { type: "event", event, ...(where ? { where } : {}) } } }) as FlowNode;
const banner = (placement: string, id = "m"): FlowNode => ({ id, type: "message", data: { channel: "in_app", placement, content: "x" } });
const flow = (id: string, nodes: FlowNode[], priority = 0, createdAt = "2026-01-01T00:00:00Z"): ConflictFlow => ({ id, name: `Flow ${id}`, priority, createdAt, graph: { nodes } });

describe("findConflicts", () => {
  it("flags two flows with the same trigger and placement; the higher priority wins", () => {
    const c = findConflicts([flow("a", [onEvent("Signed Up"), banner("hero")], 1), flow("b", [onEvent("Signed Up"), banner("hero")], 5)]);
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ placement: "hero", winner: { id: "b" }, reason: "priority", flows: [{ id: "b" }, { id: "a" }] });
    expect(c[0].message).toBe("“Flow b” and “Flow a” both fill “hero” when Signed Up. “Flow b” wins: its priority (5) is higher.");
  });

  it("with equal priorities the newest flow wins", () => {
    const c = findConflicts([flow("old", [onEvent("Go"), banner("hero")], 0, "2026-01-01T00:00:00Z"), flow("new", [onEvent("Go"), banner("hero")], 0, "2026-02-01T00:00:00Z")]);
    expect(c[0]).toMatchObject({ winner: { id: "new" }, reason: "newest" });
    expect(c[0].message).toContain("same priority (0), and it is the newest");
  });

  it("is no conflict when the placement or the trigger differs", () => {
    expect(findConflicts([flow("a", [onEvent("Go"), banner("hero")]), flow("b", [onEvent("Go"), banner("footer")])])).toEqual([]);
    expect(findConflicts([flow("a", [onEvent("Go"), banner("hero")]), flow("b", [onEvent("Stop"), banner("hero")])])).toEqual([]);
    expect(findConflicts([flow("a", [onEvent("Go", [{ property: "plan", op: "eq", value: "pro" }]), banner("hero")]), flow("b", [onEvent("Go"), banner("hero")])])).toEqual([]);
  });

  it("reads the same trigger written with keys in another order, and an empty where as none", () => {
    expect(triggerKey({ type: "event", event: "Go", where: [] })).toBe(triggerKey({ event: "Go", type: "event" } as never));
    expect(findConflicts([flow("a", [onEvent("Go", []), banner("hero")]), flow("b", [onEvent("Go"), banner("hero")])])).toHaveLength(1);
  });

  it("lists three flows once, winner first, and conflictsOf picks one flow's", () => {
    const all = findConflicts([flow("a", [onEvent("Go"), banner("hero")]), flow("b", [onEvent("Go"), banner("hero"), banner("hero", "m2")], 3), flow("c", [onEvent("Go"), banner("hero")], 1), flow("d", [onEvent("X"), banner("side")])]);
    expect(all).toHaveLength(1);
    expect(all[0].flows.map((f) => f.id)).toEqual(["b", "c", "a"]);
    expect(conflictsOf("a", all)).toHaveLength(1);
    expect(conflictsOf("d", all)).toHaveLength(0);
  });
});
