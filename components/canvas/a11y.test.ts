// The canvas's reading order, accessible names and change announcements.
import { describe, expect, it } from "vitest";
import { describeChange, edgeAriaLabel, flowOrder, nodeAriaLabel } from "./a11y";
import type { CanvasNode } from "@/lib/flow/canvas-mapping";

const at = (x: number, y: number) => ({ x, y });
const trigger = (id: string, x = 0, y = 0): CanvasNode => ({ id, type: "trigger", position: at(x, y), data: { on: { type: "event", event: "Signed Up" } } });
const cond = (id: string, x = 0, y = 0): CanvasNode => ({ id, type: "condition", position: at(x, y), data: { if: { trait: "plan", op: "eq", value: "pro" } } });
const exit = (id: string, x = 0, y = 0): CanvasNode => ({ id, type: "exit", position: at(x, y), data: {} });
const wait = (id: string, x = 0, y = 0): CanvasNode => ({ id, type: "wait", position: at(x, y), data: { for: "P1D" } });

describe("flowOrder", () => {
  it("follows each branch in handle order, depth first, whatever the array order", () => {
    //   t ─▶ c ─yes▶ y1 ─▶ y2
    //        └─no──▶ n1
    const nodes = [exit("n1", 300, 200), exit("y2", 0, 300), wait("y1", 0, 200), cond("c", 0, 100), trigger("t")];
    const edges = [
      { source: "c", target: "n1", sourceHandle: "no" },
      { source: "t", target: "c", sourceHandle: null },
      { source: "y1", target: "y2", sourceHandle: "next" },
      { source: "c", target: "y1", sourceHandle: "yes" },
    ];
    expect(flowOrder(nodes, edges)).toEqual(["t", "c", "y1", "y2", "n1"]);
  });

  it("puts triggers top to bottom, then nodes nothing reaches by position, and survives loops", () => {
    const nodes = [exit("loose-b", 50, 900), wait("w", 0, 100), trigger("t2", 400, 0), exit("loose-a", 0, 900), trigger("t1", 0, 0)];
    const edges = [
      { source: "t1", target: "w" },
      { source: "w", target: "w" },
      { source: "t2", target: "w" },
    ];
    expect(flowOrder(nodes, edges)).toEqual(["t1", "w", "t2", "loose-a", "loose-b"]);
  });

  it("ignores edges to nodes that are gone", () => {
    expect(flowOrder([trigger("t")], [{ source: "t", target: "ghost" }])).toEqual(["t"]);
  });
});

describe("nodeAriaLabel", () => {
  it("names the node as its card does and says where each branch leads", () => {
    const label = nodeAriaLabel(cond("c"), [{ source: "c", target: "y1", sourceHandle: "yes" }], ["c: no edge on no"]);
    expect(label).toBe("Condition c: plan is pro. yes: leads to y1. no: not connected. missing: not connected. Problems: c: no edge on no");
  });

  it("reads a single next handle and split branches by their labels", () => {
    expect(nodeAriaLabel(trigger("t"), [{ source: "t", target: "x" }])).toMatch(/^Trigger t: .*Signed Up.*\. Next leads to x$/);
    const split = { id: "s", type: "split" as const, data: { branches: [{ id: "a", weight: 70, label: "Control" }, { id: "b", weight: 30, label: "" }] } };
    expect(nodeAriaLabel(split, [])).toContain("Control · 70%: not connected. b · 30%: not connected");
    expect(nodeAriaLabel(exit("e"), [])).toMatch(/^Exit e: [^.]+$/); // no branches to read out
  });

  it("reads the node's label and the failing test cases that no longer reach it", () => {
    expect(nodeAriaLabel(exit("e"), [], undefined, { label: "Goodbye", lostBy: ["vip path"] })).toMatch(/^Exit “Goodbye” e: .*\. No longer reached by failing test cases: vip path$/);
  });

  it("falls back on half-edited data instead of throwing", () => {
    // Data the types rule out, as a stored draft from an older editor might hold.
    const halfEdited: unknown = JSON.parse('{"id":"t","type":"trigger","data":{}}');
    expect(nodeAriaLabel(halfEdited as CanvasNode, [])).toContain("Incomplete");
  });
});

describe("edgeAriaLabel", () => {
  it("names the branch an edge leaves from", () => {
    expect(edgeAriaLabel({ source: "c", target: "w", sourceHandle: "yes" }, cond("c"))).toBe("Connection from c (yes) to w");
    expect(edgeAriaLabel({ source: "t", target: "w", sourceHandle: "next" }, trigger("t"))).toBe("Connection from t to w");
  });
});

describe("describeChange", () => {
  const a = { nodes: [{ id: "t" }, { id: "w" }], edges: [{ id: "e1", source: "t", target: "w" }] };
  it("names nodes and connections that came and went", () => {
    const b = { nodes: [{ id: "t" }], edges: [] };
    expect(describeChange(a, b)).toBe("w removed");
    expect(describeChange(b, a)).toBe("w added");
    const unwired = { nodes: a.nodes, edges: [] };
    expect(describeChange(a, unwired)).toBe("connection t to w removed");
    expect(describeChange(unwired, a)).toBe("connection t to w added");
  });
  it("says something even when only data or positions changed", () => {
    expect(describeChange(a, a)).toBe("a change to a step's settings or position");
  });
});
