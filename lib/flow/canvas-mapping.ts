// The two mappers between the stored flow document and React Flow's editor state. The editor state
// carries selection, measured sizes, drag flags and the viewport; none of that reaches the document.
import type { Edge, Node } from "@xyflow/react";
import { handleOf, handlesOf, type FlowEdge, type FlowNode, type Graph, type NodeBody, type NodeOf, type NodeType } from "./schema";

/**
 * A node on the canvas: React Flow's node with the data of its type (derived from the node schemas, so
 * `type` narrows `data`). `label` rides beside React Flow's fields so that saving from the canvas keeps it.
 */
export type CanvasNodeOf<T extends NodeType> = Node<NodeOf<T>["data"], T> & { label?: string };
export type CanvasNode = { [T in NodeType]: CanvasNodeOf<T> }[NodeType];
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
  const { position: stored, label, ...body } = node;
  return { ...body, position: stored ?? position ?? { x: 0, y: 0 }, ...(label !== undefined ? { label } : {}) };
}

/**
 * The type and data of a node, correlated again. React Flow hands its node components `type` and
 * `data` as two separate fields; each type's data is recognised by its required keys, so data that
 * does not belong to the type (never expected) gives null rather than a mistyped node.
 */
type AnyData = FlowNode["data"];
/** Data that has the key `k`: the node data types that require it. */
// (An exit's data, `{}`, is typed as a record of nothing and so would match any key: it is left out.)
type Keyed<K extends string> = Exclude<Extract<AnyData, Record<K, unknown>>, NodeOf<"exit">["data"]>;
const has = <K extends string>(data: AnyData, k: K): data is Keyed<K> => k in data;

export function bodyOf(type: NodeType, data: AnyData): NodeBody | null {
  switch (type) {
    case "trigger":
      return has(data, "on") ? { type, data } : null;
    case "condition":
      return has(data, "if") ? { type, data } : null;
    case "split":
      return has(data, "branches") ? { type, data } : null;
    case "wait":
      return has(data, "for") || has(data, "until") ? { type, data } : null;
    case "message":
      return has(data, "channel") ? { type, data } : null;
    case "update":
      return has(data, "set") ? { type, data } : null;
    case "fetch":
      return has(data, "as") ? { type, data } : null;
    case "exit":
      return { type, data: {} };
  }
}

/** The node with new data of its own type (what the inspector edits); null if the data is of another type. */
export function withData(node: CanvasNode, data: FlowNode["data"]): CanvasNode | null {
  const body = bodyOf(node.type, data);
  return body ? { ...node, ...body } : null;
}

/** The document form of one canvas node: only id, type, label, position and data. */
export function toFlowNode(n: CanvasNode): FlowNode {
  const base = { id: n.id, ...(n.label !== undefined ? { label: n.label } : {}), position: { x: Math.round(n.position.x), y: Math.round(n.position.y) } };
  switch (n.type) {
    case "trigger":
      return { ...base, type: n.type, data: n.data };
    case "condition":
      return { ...base, type: n.type, data: n.data };
    case "split":
      return { ...base, type: n.type, data: n.data };
    case "wait":
      return { ...base, type: n.type, data: n.data };
    case "message":
      return { ...base, type: n.type, data: n.data };
    case "update":
      return { ...base, type: n.type, data: n.data };
    case "fetch":
      return { ...base, type: n.type, data: n.data };
    case "exit":
      return { ...base, type: n.type, data: n.data };
  }
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
    nodes: state.nodes.map(toFlowNode),
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
export function canvasHandles(node: NodeBody): string[] {
  return handlesOf(node);
}
