// The connection rules of docs/api.md §5, in one place: the canvas asks them while a wire is dragged
// (and before any edge it makes itself), and lib/flow/validate applies them to every stored edge.
import { handlesOf, type NodeBody } from "./schema";

export type Wire = { source: string; target: string; sourceHandle?: string | null };

/** Why an edge may not be drawn. */
export type Refusal =
  | { code: "edge_source_missing" | "edge_target_missing" }
  | { code: "edge_handle_missing"; handle: string; handles: string[] }
  | { code: "handle_has_two_edges"; handle: string }
  | { code: "edge_into_trigger" }
  | { code: "cycle_without_wait" };

/** What the rules need of a graph; validate passes its indexes, the canvas its draft. */
export type ConnectContext = {
  node(id: string): NodeBody | undefined;
  /** Whether an edge already leaves `source` by `handle`. */
  taken(source: string, handle: string): boolean;
  /** Whether `to` leads back to `from` without passing a wait. Left out, loops are not checked here. */
  loopsBack?(from: string, to: string): boolean;
};

/** null when the edge may be drawn, else the first rule it breaks. */
export function canConnect(ctx: ConnectContext, c: Wire): Refusal | null {
  const source = ctx.node(c.source);
  if (!source) return { code: "edge_source_missing" };
  const target = ctx.node(c.target);
  if (!target) return { code: "edge_target_missing" };
  const handle = c.sourceHandle ?? "next";
  const handles = handlesOf(source);
  if (!handles.includes(handle)) return { code: "edge_handle_missing", handle, handles };
  if (ctx.taken(c.source, handle)) return { code: "handle_has_two_edges", handle };
  if (target.type === "trigger") return { code: "edge_into_trigger" };
  if (ctx.loopsBack) {
    if (c.source === c.target ? source.type !== "wait" : ctx.loopsBack(c.source, c.target)) return { code: "cycle_without_wait" };
  }
  return null;
}

/** The refusal in the words of someone drawing the wire. */
export function refusalMessage(r: Refusal): string {
  switch (r.code) {
    case "edge_source_missing":
    case "edge_target_missing":
      return "Both ends must be steps";
    case "edge_handle_missing":
      return r.handles.length ? `This step has no "${r.handle}" branch` : "Exit ends the flow; nothing leaves it";
    case "handle_has_two_edges":
      return `"${r.handle}" already has a connection`;
    case "edge_into_trigger":
      return "Triggers only start a flow; nothing can lead into one";
    case "cycle_without_wait":
      return "This loop has no wait, so a user would circle it forever";
  }
}

/** The rules over a whole draft (the canvas): indexes built once per call. */
export function draftContext(nodes: readonly (NodeBody & { id: string })[], edges: readonly Wire[]): ConnectContext {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const used = new Set(edges.map((e) => `${e.source}\u0000${e.sourceHandle ?? "next"}`));
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  return {
    node: (id) => byId.get(id),
    taken: (source, handle) => used.has(`${source}\u0000${handle}`),
    loopsBack(from, to) {
      // A wait at either end breaks the loop; otherwise search from `to` for `from`, not through waits.
      if (byId.get(from)?.type === "wait" || byId.get(to)?.type === "wait") return false;
      const seen = new Set<string>();
      const stack = [to];
      while (stack.length) {
        const id = stack.pop()!;
        if (id === from) return true;
        if (seen.has(id) || byId.get(id)?.type === "wait") continue;
        seen.add(id);
        stack.push(...(out.get(id) ?? []));
      }
      return false;
    },
  };
}

/** The canvas's question: the reason a wire may not be drawn, in words, or null. */
export function connectionProblem(nodes: readonly (NodeBody & { id: string })[], edges: readonly Wire[], c: Wire): string | null {
  const r = canConnect(draftContext(nodes, edges), c);
  return r ? refusalMessage(r) : null;
}
