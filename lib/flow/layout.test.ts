// Auto-layout puts every node below the one that leads to it, and keeps yes to the left of no.
import { describe, expect, it } from "vitest";
import { layoutGraph } from "./layout";
import { TEMPLATES } from "./templates";

describe("layoutGraph", () => {
  it("lays a template out top to bottom without overlaps", async () => {
    const t = TEMPLATES.find((x) => x.id === "role-onboarding")!;
    const pos = await layoutGraph(t.graph);
    expect(pos.size).toBe(t.graph.nodes.length);
    for (const e of t.graph.edges) expect(pos.get(e.target)!.y).toBeGreaterThan(pos.get(e.source)!.y);
    expect(pos.get("admin-tour")!.x).toBeLessThan(pos.get("is-manager")!.x);
    const boxes = [...pos.values()];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const overlap = Math.abs(boxes[i].x - boxes[j].x) < 260 && Math.abs(boxes[i].y - boxes[j].y) < 96;
        expect(overlap).toBe(false);
      }
  });
});
