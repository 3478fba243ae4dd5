// What the canvas says to assistive technology and in which order it is read: the flow order of the
// nodes (Tab and a screen reader's reading order), each node's accessible name, branch names, and the
// sentences announced in the live region after a change.
import { describeNode } from "@/lib/flow/describe";
import { canvasHandles, type CanvasEdge, type CanvasNode } from "@/lib/flow/canvas-mapping";
import type { NodeBody } from "@/lib/flow/schema";
import { handleLabel, kindOf } from "./node-kinds";

type Identified = NodeBody & { id: string };
type Positioned = Identified & Pick<CanvasNode, "position">;
type Wire = Pick<CanvasEdge, "source" | "target" | "sourceHandle">;

const byPlace = (a: Positioned, b: Positioned) => a.position.y - b.position.y || a.position.x - b.position.x || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Node ids in the order a person reads the flow: each trigger (top to bottom, then left to right)
 * followed depth-first by what it leads to, branch by branch in the node's own handle order (yes before
 * no, variant A before B); nodes no trigger reaches come last, by position.
 */
export function flowOrder(nodes: readonly Positioned[], edges: readonly Wire[]): string[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out = new Map<string, Wire[]>();
  for (const e of edges) if (byId.has(e.source) && byId.has(e.target)) out.set(e.source, [...(out.get(e.source) ?? []), e]);
  const seen = new Set<string>();
  const order: string[] = [];
  const visit = (start: string) => {
    // Iterative, so a long chain cannot overflow the stack.
    const stack = [start];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      order.push(id);
      const node = byId.get(id)!;
      const handles = canvasHandles(node);
      const rank = (h: string | null | undefined) => {
        const i = handles.indexOf(h ?? "next");
        return i < 0 ? handles.length : i;
      };
      const next = [...(out.get(id) ?? [])].sort((a, b) => rank(a.sourceHandle) - rank(b.sourceHandle));
      for (let i = next.length - 1; i >= 0; i--) if (!seen.has(next[i].target)) stack.push(next[i].target);
    }
  };
  const sorted = [...nodes].sort(byPlace);
  for (const n of sorted) if (n.type === "trigger") visit(n.id);
  for (const n of sorted) if (!seen.has(n.id)) visit(n.id);
  return order;
}

/** The summary a card shows; half-edited data must not break the canvas. */
export function summaryOf(node: Identified): string {
  try {
    return describeNode(node);
  } catch {
    return "Incomplete — open the inspector";
  }
}

/** What a handle is called on the card: a split branch by its label and weight, others by their word. */
export function branchName(node: NodeBody, handle: string): string {
  if (node.type === "split" && Array.isArray(node.data.branches)) {
    const b = node.data.branches.find((x) => x.id === handle);
    if (b) return `${b.label || b.id} · ${b.weight}%`;
  }
  return handleLabel(handle);
}

/** "Wait w1" — how announcements and dialogs name a node. */
export function nodeName(node: Identified): string {
  return `${kindOf(node.type ?? "exit", node.data).label} ${node.id}`;
}

/**
 * The accessible name of a node on the canvas: its kind, label, id and summary (what the card shows),
 * where each branch leads, its problems and the failing test cases that no longer reach it — what a
 * sighted person reads off the card, its badges and its wires.
 */
export function nodeAriaLabel(
  node: Identified,
  edges: readonly Wire[],
  problems?: readonly string[],
  extra: { label?: string; lostBy?: readonly string[] } = {},
): string {
  const handles = canvasHandles(node);
  const wires = handles.map((h) => {
    const to = edges.filter((e) => e.source === node.id && (e.sourceHandle ?? "next") === h).map((e) => e.target);
    const where = to.length ? `leads to ${to.join(", ")}` : "not connected";
    return handles.length === 1 && h === "next" ? `Next ${where}` : `${branchName(node, h)}: ${where}`;
  });
  const kind = kindOf(node.type ?? "exit", node.data).label;
  const parts = [`${kind} ${extra.label ? `“${extra.label}” ` : ""}${node.id}: ${summaryOf(node)}`, ...wires];
  if (problems?.length) parts.push(`Problems: ${problems.join("; ")}`);
  if (extra.lostBy?.length) parts.push(`No longer reached by failing test cases: ${extra.lostBy.join(", ")}`);
  return parts.join(". ");
}

/** The accessible name of an edge: "Connection from c1 (yes) to w1". */
export function edgeAriaLabel(edge: Wire, source?: NodeBody): string {
  const h = edge.sourceHandle ?? "next";
  const branch = h === "next" || !source ? (h === "next" ? "" : ` (${h})`) : ` (${branchName(source, h)})`;
  return `Connection from ${edge.source}${branch} to ${edge.target}`;
}

type Doc = { nodes: readonly Pick<CanvasNode, "id">[]; edges: readonly (Wire & { id: string })[] };

const list = (words: string[]) => (words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`);

/** What changed between two drafts, in a phrase: "wait-1 removed; connection trigger-1 to exit-1 added". */
export function describeChange(before: Doc, after: Doc): string {
  const had = new Set(before.nodes.map((n) => n.id));
  const has = new Set(after.nodes.map((n) => n.id));
  const hadE = new Map(before.edges.map((e) => [e.id, e]));
  const hasE = new Map(after.edges.map((e) => [e.id, e]));
  const wire = (e: Wire) => `${e.source} to ${e.target}`;
  const parts: string[] = [];
  const addedN = after.nodes.filter((n) => !had.has(n.id)).map((n) => n.id);
  const removedN = before.nodes.filter((n) => !has.has(n.id)).map((n) => n.id);
  // Edges that come and go with their nodes are not worth a word of their own.
  const addedE = after.edges.filter((e) => !hadE.has(e.id) && had.has(e.source) && had.has(e.target)).map(wire);
  const removedE = before.edges.filter((e) => !hasE.has(e.id) && has.has(e.source) && has.has(e.target)).map(wire);
  if (addedN.length) parts.push(`${list(addedN)} added`);
  if (removedN.length) parts.push(`${list(removedN)} removed`);
  if (addedE.length) parts.push(`connection ${list(addedE)} added`);
  if (removedE.length) parts.push(`connection ${list(removedE)} removed`);
  return parts.length ? parts.join("; ") : "a change to a step's settings or position";
}
