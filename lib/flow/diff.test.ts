// The publish dialog's diff: nodes added, removed, changed; moves are not changes.
import { describe, expect, it } from "vitest";
import { diffFlows } from "./diff";
import { TEMPLATES } from "./templates";
import type { Graph } from "./schema";

const live = TEMPLATES.find((t) => t.id === "product-view-discount")!;

describe("diffFlows", () => {
  it("finds nothing between a flow and itself, even when nodes moved", () => {
    const moved: Graph = { ...live.graph, nodes: live.graph.nodes.map((n) => ({ ...n, position: { x: 1, y: 2 } })) };
    expect(diffFlows({ graph: live.graph, settings: live.settings }, { graph: moved, settings: live.settings }).empty).toBe(true);
  });

  it("lists added, removed and changed nodes and rewired edges", () => {
    const draft: Graph = {
      nodes: [
        ...live.graph.nodes.filter((n) => n.id !== "not-yet").map((n) => (n.id === "discount" ? { ...n, data: { ...n.data, content: "20% off" } } : n)),
        { id: "wait-1", type: "wait", data: { for: "P1D" } },
      ] as Graph["nodes"],
      edges: [...live.graph.edges.filter((e) => e.target !== "not-yet"), { id: "e9", source: "viewed-twice", target: "wait-1", sourceHandle: "no" }],
    };
    const d = diffFlows({ graph: live.graph, settings: live.settings }, { graph: draft, settings: { ...live.settings, holdout: 5 } });
    expect(d.added.map((n) => n.id)).toEqual(["wait-1"]);
    expect(d.removed.map((n) => n.id)).toEqual(["not-yet"]);
    expect(d.changed.map((c) => c.after.id)).toEqual(["discount"]);
    expect(d.edgesAdded).toBe(1);
    expect(d.edgesRemoved).toBe(1);
    expect(d.settingsChanged).toEqual(["holdout"]);
    expect(d.empty).toBe(false);
  });

  it("treats every node as added when nothing is live yet", () => {
    const d = diffFlows(null, { graph: live.graph });
    expect(d.added).toHaveLength(live.graph.nodes.length);
  });
});
