// The canvas's connection rules and draft checks match lib/flow/validate.
import { describe, expect, it } from "vitest";
import { connectionProblem, draftProblems, snapshotOf } from "./use-flow-editor";
import { TEMPLATES } from "@/lib/flow/templates";
import { DEFAULT_SETTINGS } from "@/lib/flow/schema";
import { graphProblems, parseGraph } from "@/lib/flow/validate";
import { toDocument } from "@/lib/flow/canvas-mapping";

const t = TEMPLATES.find((x) => x.id === "abandoned-cart")!;
const snap = snapshotOf({ name: t.name, graph: t.graph, settings: { ...DEFAULT_SETTINGS, ...t.settings } as typeof DEFAULT_SETTINGS });

describe("connection rules", () => {
  it("refuses edges into a trigger, a second edge from a handle, and loops without a wait", () => {
    expect(connectionProblem(snap, { source: "reminder", target: "cart", sourceHandle: "next" })).toMatch(/Triggers/);
    expect(connectionProblem(snap, { source: "cart", target: "reminder", sourceHandle: "next" })).toMatch(/already has an edge/);
    expect(connectionProblem(snap, { source: "discount", target: "discount", sourceHandle: "next" })).toMatch(/Only a wait/);
    expect(connectionProblem(snap, { source: "wait-1d", target: "wait-1d", sourceHandle: "matched" })).toMatch(/already/);
    expect(connectionProblem(snap, { source: "discount", target: "wait-order", sourceHandle: "next" })).toBeNull();
    expect(connectionProblem(snap, { source: "done", target: "reminder", sourceHandle: "next" })).toMatch(/Exit/);
  });

  it("allows a loop through a wait but not one without", () => {
    const s = snapshotOf({ name: "x", settings: DEFAULT_SETTINGS, graph: {
      nodes: [
        { id: "t", type: "trigger", data: { on: { type: "identify" } } },
        { id: "a", type: "update", data: { set: { x: 1 } } },
        { id: "b", type: "update", data: { set: { y: 1 } } },
        { id: "w", type: "wait", data: { for: "P1D" } },
      ],
      edges: [{ id: "e1", source: "t", target: "a" }, { id: "e2", source: "a", target: "b" }],
    } });
    expect(connectionProblem(s, { source: "b", target: "a", sourceHandle: "next" })).toMatch(/no wait/);
    expect(connectionProblem(s, { source: "b", target: "w", sourceHandle: "next" })).toBeNull();
  });
});

describe("draftProblems", () => {
  it("is empty for a valid template and names the node of a shape error", () => {
    expect(draftProblems(snap).problems).toEqual([]);
    const broken = { ...snap, nodes: snap.nodes.map((n) => (n.id === "cart" ? { ...n, data: { on: { type: "event", event: "" } } } : n)) };
    const r = draftProblems(broken);
    expect(r.shapeErrors).toBe(1);
    expect(r.problems[0].nodeId).toBe("cart");
  });

  it("finds the same graph problems as the server's full parse, for every template and a broken graph", () => {
    for (const tpl of TEMPLATES) {
      const sn = snapshotOf({ name: tpl.name, graph: tpl.graph, settings: { ...DEFAULT_SETTINGS, ...tpl.settings } as typeof DEFAULT_SETTINGS });
      const server = parseGraph(toDocument(sn));
      expect(server.ok).toBe(true);
      if (server.ok) expect(draftProblems(sn).problems).toEqual(graphProblems(server.value, sn.settings));
    }
    // An orphan node and an edge from a handle the node does not have.
    const bad = { ...snap, nodes: [...snap.nodes, { id: "orphan", type: "exit", position: { x: 0, y: 0 }, data: {} } as (typeof snap.nodes)[number]], edges: [...snap.edges, { id: "ex", source: "discount", target: "orphan", sourceHandle: "nope", targetHandle: null }] };
    const server = parseGraph(toDocument(bad));
    expect(server.ok && graphProblems(server.value, bad.settings).length).toBeGreaterThan(0);
    if (server.ok) expect(draftProblems(bad).problems).toEqual(graphProblems(server.value, bad.settings));
  });

  it("re-checks a node whose data object is reused under another type", () => {
    const data = { for: "P1D" };
    const asWait = { ...snap, nodes: snap.nodes.map((n) => (n.id === "wait-1d" ? { ...n, data } : n)) };
    expect(draftProblems(asWait).shapeErrors).toBe(0);
    const asTrigger = { ...snap, nodes: snap.nodes.map((n) => (n.id === "cart" ? { ...n, data } : n)) };
    expect(draftProblems(asTrigger).shapeErrors).toBe(1);
  });
});
