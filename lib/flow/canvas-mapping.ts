// The two mappers between the stored flow document and React Flow's editor state. The editor state
// carries selection, measured sizes, drag flags and the viewport; none of that reaches the document.
import type { Edge, Node } from "@xyflow/react";
import { handleOf, handlesOf, type FlowEdge, type FlowNode, type Graph, type NodeType } from "./schema";

/** `label` rides beside React Flow's fields so that saving from the canvas keeps it. */
export type CanvasNode = Node<Record<string, unknown>, NodeType> & { label?: string };
export type CanvasEdge = Edge;
export type CanvasState = { nodes: CanvasNode[]; edges: CanvasEdge[] };

export const NODE_WIDTH = 260;
export const NODE_HEIGHT = 96;
const GAP_X = 60;
const GAP_Y = 90;

/** Positions for nodes stored without one (the API allows that): a layer per distance from a trigger. */
export function fallbackPositions(graph: Graph): Map<string, { x: number; y: number }> {
  const out = new Map<string, string[]>();
  for (const e of graph.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const depth = new Map<string, number>();
  const queue = graph.nodes.filter((n) => n.type === "trigger").map((n) => n.id);
  queue.forEach((id) => depth.set(id, 0));
  while (queue.length) {
    const id = queue.shift()!;
    for (const next of out.get(id) ?? []) {
      if (!depth.has(next)) {
        depth.set(next, depth.get(id)! + 1);
        queue.push(next);
      }
    }
  }
  const maxDepth = Math.max(0, ...depth.values());
  const perLayer = new Map<number, number>();
  const positions = new Map<string, { x: number; y: number }>();
  for (const n of graph.nodes) {
    const d = depth.get(n.id) ?? maxDepth + 1;
    const i = perLayer.get(d) ?? 0;
    perLayer.set(d, i + 1);
    positions.set(n.id, { x: i * (NODE_WIDTH + GAP_X), y: d * (NODE_HEIGHT + GAP_Y) });
  }
  return positions;
}

export function toCanvasNode(node: FlowNode, position?: { x: number; y: number }): CanvasNode {
  return { id: node.id, type: node.type, position: node.position ?? position ?? { x: 0, y: 0 }, data: node.data as Record<string, unknown>, ...(node.label !== undefined ? { label: node.label } : {}) };
}

export function toCanvasEdge(edge: FlowEdge): CanvasEdge {
  return { id: edge.id, source: edge.source, target: edge.target, sourceHandle: handleOf(edge), targetHandle: null };
}

/** Document → editor state. */
export function toCanvas(graph: Graph): CanvasState {
  const missing = graph.nodes.some((n) => !n.position);
  const fallback = missing ? fallbackPositions(graph) : undefined;
  return { nodes: graph.nodes.map((n) => toCanvasNode(n, fallback?.get(n.id))), edges: graph.edges.map(toCanvasEdge) };
}

/** Editor state → document: only id, type, position and data of nodes; only the wiring of edges. */
export function toDocument(state: { nodes: readonly CanvasNode[]; edges: readonly CanvasEdge[] }): Graph {
  return {
    nodes: state.nodes.map(
      (n) => ({ id: n.id, type: n.type, ...(n.label !== undefined ? { label: n.label } : {}), position: { x: Math.round(n.position.x), y: Math.round(n.position.y) }, data: n.data }) as FlowNode,
    ),
    edges: state.edges.map((e) => {
      const handle = e.sourceHandle ?? "next";
      return { id: e.id, source: e.source, target: e.target, ...(handle !== "next" ? { sourceHandle: handle } : {}) };
    }),
  };
}

/** The document form toDocument produces: integer positions, `next` handles implicit. */
export function normalizeGraph(graph: Graph): Graph {
  return toDocument(toCanvas(graph));
}

/** An id not yet used: "message-3". */
export function freshId(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let i = 1; ; i++) {
    const id = `${prefix}-${i}`;
    if (!used.has(id)) return id;
  }
}

/** The handles of a canvas node (same rules as the document). */
export function canvasHandles(node: CanvasNode): string[] {
  return handlesOf({ id: node.id, type: node.type, data: node.data } as FlowNode);
}
