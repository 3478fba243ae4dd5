// The document ⇄ canvas mappers round-trip, and editor-only state never reaches the document.
import { describe, expect, it } from "vitest";
import { freshId, normalizeGraph, toCanvas, toDocument, type CanvasNode } from "./canvas-mapping";
import { TEMPLATES } from "./templates";
import type { Graph } from "./schema";

const graph: Graph = {
  nodes: [
    { id: "t", type: "trigger", position: { x: 0, y: 0 }, data: { on: { type: "event", event: "Product Viewed" } } },
    { id: "c", type: "condition", position: { x: 10, y: 150 }, data: { if: { trait: "plan", op: "eq", value: "pro" } } },
    { id: "m", type: "message", label: "Pro welcome", position: { x: -200, y: 300 }, data: { channel: "in_app", placement: "banner", content: "Hi" } },
    { id: "x", type: "exit", position: { x: 200, y: 300 }, data: {} },
  ],
  edges: [
    { id: "e1", source: "t", target: "c" },
    { id: "e2", source: "c", target: "m", sourceHandle: "yes" },
    { id: "e3", source: "c", target: "x", sourceHandle: "no" },
  ],
};

describe("canvas mapping", () => {
  it("round-trips a document", () => {
    expect(toDocument(toCanvas(graph))).toEqual(graph);
    for (const t of TEMPLATES) expect(toDocument(toCanvas(t.graph))).toEqual(normalizeGraph(t.graph));
  });

  it("keeps a node's label through the canvas", () => {
    expect(toCanvas(graph).nodes[2].label).toBe("Pro welcome");
    expect(toDocument(toCanvas(graph)).nodes[2].label).toBe("Pro welcome");
  });

  it("round-trips editor state (minus editor-only fields)", () => {
    const state = toCanvas(graph);
    expect(toCanvas(toDocument(state))).toEqual(state);
  });

  it("gives implicit handles to edges so React Flow attaches them, and drops `next` on the way back", () => {
    const state = toCanvas(graph);
    expect(state.edges[0].sourceHandle).toBe("next");
    expect(toDocument(state).edges[0]).not.toHaveProperty("sourceHandle");
  });

  it("never stores selection, measured sizes, drag flags or the viewport", () => {
    const state = toCanvas(graph);
    const decorated = {
      nodes: state.nodes.map((n): CanvasNode => ({ ...n, selected: true, dragging: true, measured: { width: 260, height: 90 }, width: 260, height: 90, position: { x: n.position.x + 0.4, y: n.position.y } })),
      edges: state.edges.map((e) => ({ ...e, selected: true, animated: true, className: "hl" })),
      viewport: { x: 10, y: 20, zoom: 1.5 },
    };
    const doc = toDocument(decorated);
    expect(doc).toEqual(graph);
    expect(JSON.stringify(doc)).not.toMatch(/selected|measured|dragging|viewport|zoom|width|animated/);
  });

  it("places nodes stored without a position in layers below their trigger", () => {
    const state = toCanvas({ nodes: graph.nodes.map((n) => ({ id: n.id, type: n.type, data: n.data })), edges: graph.edges } as Graph);
    const y = Object.fromEntries(state.nodes.map((n) => [n.id, n.position.y]));
    expect(y.t).toBeLessThan(y.c);
    expect(y.c).toBeLessThan(y.m);
    expect(y.m).toBe(y.x);
  });

  it("makes fresh ids", () => {
    expect(freshId("wait", ["wait-1", "wait-2"])).toBe("wait-3");
  });
});
