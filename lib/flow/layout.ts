// Auto-layout of a flow with elkjs (layered, top to bottom), keeping each node's outgoing handles in
// their drawn order (yes before no, branches in order) so edges do not cross needlessly.
import ELK from "elkjs/lib/elk.bundled.js";
import type { ElkNode } from "elkjs/lib/elk-api";
import { handleOf, handlesOf, type FlowNode, type Graph } from "./schema";
import { NODE_HEIGHT, NODE_WIDTH } from "./canvas-mapping";

let elk: InstanceType<typeof ELK> | null = null;

export type Sizes = Map<string, { width: number; height: number }>;

/** New positions for every node; measured sizes are used when given, else the default card size. */
export async function layoutGraph(graph: Graph, sizes: Sizes = new Map()): Promise<Map<string, { x: number; y: number }>> {
  elk ??= new ELK();
  const root: ElkNode = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.layered.spacing.nodeNodeBetweenLayers": "80",
      "elk.spacing.nodeNode": "50",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
      "elk.layered.crossingMinimization.semiInteractive": "true",
    },
    children: graph.nodes.map((n: FlowNode) => {
      const size = sizes.get(n.id) ?? { width: NODE_WIDTH, height: NODE_HEIGHT };
      return {
        id: n.id,
        width: size.width,
        height: size.height,
        layoutOptions: { "elk.portConstraints": "FIXED_ORDER" },
        ports: [
          { id: `${n.id}::in`, width: 1, height: 1, layoutOptions: { "elk.port.side": "NORTH" } },
          // ELK orders ports clockwise, so on the south side the first handle gets the highest index.
          ...handlesOf(n).map((h, i, all) => ({ id: `${n.id}::${h}`, width: 1, height: 1, layoutOptions: { "elk.port.side": "SOUTH", "elk.port.index": String(all.length - i) } })),
        ],
      };
    }),
    edges: graph.edges
      .filter((e) => graph.nodes.some((n) => n.id === e.source) && graph.nodes.some((n) => n.id === e.target))
      .map((e) => {
        const source = graph.nodes.find((n) => n.id === e.source)!;
        const handle = handlesOf(source).includes(handleOf(e)) ? handleOf(e) : null;
        return { id: e.id, sources: [handle ? `${e.source}::${handle}` : e.source], targets: [`${e.target}::in`] };
      }),
  };
  const out = await elk.layout(root);
  return new Map((out.children ?? []).map((c) => [c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) }]));
}
