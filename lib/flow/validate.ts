// Flow validation in two kinds (docs/api.md §5): shape errors, which refuse the document, and graph
// problems, which are stored with the draft and block publishing. Errors are values, never thrown.
import { z } from "zod";
import { parseDuration } from "@/lib/conditions/duration";
import {
  FETCH_MAX_TIMEOUT,
  FlowEdge,
  FlowNode,
  Graph,
  handleOf,
  NODE_DATA,
  NODE_TYPES,
  Settings,
  type Condition,
  type Problem,
  type SettingsInput,
} from "./schema";
import { canConnect, type ConnectContext } from "./connect";

export type ShapeDetail = { path: string; message: string; nodeId?: string; edgeId?: string };
export type ShapeResult<T> = { ok: true; value: T } | { ok: false; details: ShapeDetail[] };

export function zodDetails(error: z.ZodError, prefix = ""): ShapeDetail[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join("."),
    message: issue.message,
  }));
}

/** Parses a graph node by node, so that each shape error names the node or edge it is about. */
export function parseGraph(input: unknown): ShapeResult<Graph> {
  if (input === undefined) return { ok: true, value: { nodes: [], edges: [] } };
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { ok: false, details: [{ path: "graph", message: "graph must be an object with nodes and edges" }] };
  }
  const raw = input as { nodes?: unknown; edges?: unknown };
  const details: ShapeDetail[] = [];
  const nodesIn = raw.nodes ?? [];
  const edgesIn = raw.edges ?? [];
  if (!Array.isArray(nodesIn)) details.push({ path: "graph.nodes", message: "graph.nodes must be an array" });
  if (!Array.isArray(edgesIn)) details.push({ path: "graph.edges", message: "graph.edges must be an array" });
  if (details.length) return { ok: false, details };

  const nodes: FlowNode[] = [];
  (nodesIn as unknown[]).forEach((n, i) => {
    const nodeId = typeof n === "object" && n && typeof (n as { id?: unknown }).id === "string" ? (n as { id: string }).id : undefined;
    const type = typeof n === "object" && n ? (n as { type?: unknown }).type : undefined;
    if (typeof type !== "string" || !(NODE_TYPES as string[]).includes(type)) {
      details.push({
        path: `graph.nodes.${i}.type`,
        message: `Unknown node type ${JSON.stringify(type)}; expected one of ${NODE_TYPES.join(", ")}`,
        nodeId,
      });
      return;
    }
    const parsed = FlowNode.safeParse(n);
    if (parsed.success) nodes.push(parsed.data);
    else details.push(...zodDetails(parsed.error, `graph.nodes.${i}`).map((d) => ({ ...d, nodeId })));
  });
  const edges: FlowEdge[] = [];
  (edgesIn as unknown[]).forEach((e, i) => {
    const parsed = FlowEdge.safeParse(e);
    const edgeId = typeof e === "object" && e && typeof (e as { id?: unknown }).id === "string" ? (e as { id: string }).id : undefined;
    if (parsed.success) edges.push(parsed.data);
    else details.push(...zodDetails(parsed.error, `graph.edges.${i}`).map((d) => ({ ...d, edgeId })));
  });
  if (details.length) return { ok: false, details };
  return { ok: true, value: { nodes, edges } };
}

export function parseSettings(input: unknown): ShapeResult<Settings> {
  const parsed = Settings.safeParse(input ?? {});
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, details: zodDetails(parsed.error, "settings") };
}

/** Settings as stored: defaults filled in, unknown keys dropped. */
export function normalizeSettings(input: SettingsInput | undefined): Settings {
  return Settings.parse(input ?? {});
}

function conditionVariants(c: Condition, out: { node: string; branch: string }[]) {
  if ("all" in c) c.all.forEach((x) => conditionVariants(x, out));
  else if ("any" in c) c.any.forEach((x) => conditionVariants(x, out));
  else if ("not" in c) conditionVariants(c.not, out);
  else if ("variant" in c) out.push(c.variant);
}

/** Every graph problem of docs/api.md §5, each naming its node or edge. An empty list is a valid flow. */
export function graphProblems(graph: Graph, settings?: Settings): Problem[] {
  const problems: Problem[] = [];
  const byId = new Map<string, FlowNode>();
  for (const node of graph.nodes) {
    if (byId.has(node.id)) problems.push({ code: "duplicate_node_id", message: `Two nodes share the id "${node.id}"`, nodeId: node.id });
    byId.set(node.id, node);
  }
  const edgeIds = new Set<string>();
  const out = new Map<string, string[]>();
  const usedHandles = new Map<string, string>();
  const ctx: ConnectContext = { node: (id) => byId.get(id), taken: (source, handle) => usedHandles.has(`${source}\u0000${handle}`) };
  for (const edge of graph.edges) {
    if (edgeIds.has(edge.id)) problems.push({ code: "duplicate_edge_id", message: `Two edges share the id "${edge.id}"`, edgeId: edge.id });
    edgeIds.add(edge.id);
    // The same rules the canvas asks while a wire is drawn (lib/flow/connect.ts), against the edges
    // seen so far; loops are looked for over the whole graph below.
    const refusal = canConnect(ctx, edge);
    const handle = handleOf(edge);
    if (refusal) {
      switch (refusal.code) {
        case "edge_source_missing":
          problems.push({ code: refusal.code, message: `Edge ${edge.id} leaves from a node that does not exist ("${edge.source}")`, edgeId: edge.id });
          break;
        case "edge_target_missing":
          problems.push({ code: refusal.code, message: `Edge ${edge.id} goes to a node that does not exist ("${edge.target}")`, edgeId: edge.id, nodeId: edge.source });
          break;
        case "edge_handle_missing": {
          const source = byId.get(edge.source)!;
          problems.push({
            code: refusal.code,
            message: refusal.handles.length
              ? `Edge ${edge.id} leaves "${source.id}" by "${handle}", which a ${source.type} node does not have (it has ${refusal.handles.join(", ")})`
              : `Edge ${edge.id} leaves "${source.id}", but a ${source.type} node ends the flow and has no outgoing handle`,
            edgeId: edge.id,
            nodeId: source.id,
          });
          break;
        }
        case "handle_has_two_edges":
          problems.push({ code: refusal.code, message: `"${edge.source}" has two edges leaving by "${handle}"; keep one`, edgeId: edge.id, nodeId: edge.source });
          break;
        case "edge_into_trigger":
          usedHandles.set(`${edge.source}\u0000${handle}`, edge.id);
          problems.push({ code: refusal.code, message: `Edge ${edge.id} goes into the trigger "${edge.target}"; triggers only start a flow`, edgeId: edge.id, nodeId: edge.target });
          break;
        case "cycle_without_wait":
          break; // not asked here (no loopsBack): reported with the whole loop below
      }
      continue;
    }
    usedHandles.set(`${edge.source}\u0000${handle}`, edge.id);
    out.set(edge.source, [...(out.get(edge.source) ?? []), edge.target]);
  }

  const triggers = graph.nodes.filter((n) => n.type === "trigger");
  if (triggers.length === 0) problems.push({ code: "no_trigger", message: "The flow has no trigger, so nobody can enter it" });

  // Reachability from the triggers.
  const reached = new Set<string>();
  const stack = triggers.map((t) => t.id);
  while (stack.length) {
    const id = stack.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    for (const next of out.get(id) ?? []) stack.push(next);
  }
  if (triggers.length) {
    for (const node of graph.nodes) {
      if (!reached.has(node.id)) problems.push({ code: "unreachable_node", message: `"${node.id}" cannot be reached from any trigger`, nodeId: node.id });
    }
  }

  // Cycles that do not pass through a wait: search the graph without wait nodes for a cycle.
  const color = new Map<string, 0 | 1 | 2>();
  const reportedCycle = new Set<string>();
  const visit = (id: string, path: string[]) => {
    color.set(id, 1);
    for (const next of out.get(id) ?? []) {
      if (byId.get(next)?.type === "wait") continue;
      const c = color.get(next) ?? 0;
      if (c === 1) {
        const cycle = path.slice(path.indexOf(next));
        const key = [...cycle].sort().join(",");
        if (!reportedCycle.has(key)) {
          reportedCycle.add(key);
          problems.push({
            code: "cycle_without_wait",
            message: `A loop through ${cycle.map((c) => `"${c}"`).join(" → ")} has no wait, so a user would circle it forever`,
            nodeId: next,
          });
        }
      } else if (c === 0) visit(next, [...path, next]);
    }
    color.set(id, 2);
  };
  for (const node of graph.nodes) {
    if (node.type !== "wait" && (color.get(node.id) ?? 0) === 0) visit(node.id, [node.id]);
  }

  for (const node of graph.nodes) {
    if (node.type === "split") {
      const total = node.data.branches.reduce((s, b) => s + b.weight, 0);
      if (Math.abs(total - 100) > 1e-9) {
        problems.push({ code: "split_weights", message: `Split weights of "${node.id}" total ${total}, not 100`, nodeId: node.id });
      }
      const ids = new Set<string>();
      for (const b of node.data.branches) {
        if (ids.has(b.id)) problems.push({ code: "duplicate_branch_id", message: `Split "${node.id}" has two branches named "${b.id}"`, nodeId: node.id });
        ids.add(b.id);
      }
    }
    if (node.type === "message" && node.data.channel === "webhook") {
      // Only http(s) is ever delivered; say so in the draft rather than fail every delivery later.
      // A URL that starts with a template ({{ ... }}) is checked when rendered, at delivery.
      const url = node.data.url.trim();
      if (!/^(\{\{|\{%)/.test(url) && !/^https?:\/\/[^\s/?#]/i.test(url)) {
        problems.push({ code: "webhook_url_scheme", message: `Webhook "${node.id}" must call an http:// or https:// URL, not "${url.slice(0, 60)}"`, nodeId: node.id });
      }
    }
    if (node.type === "fetch") {
      const url = node.data.url.trim();
      if (!/^(\{\{|\{%)/.test(url) && !/^https?:\/\/[^\s/?#]/i.test(url)) {
        problems.push({ code: "fetch_url_scheme", message: `Fetch "${node.id}" must call an http:// or https:// URL, not "${url.slice(0, 60)}"`, nodeId: node.id });
      }
      const timeout = node.data.timeout !== undefined ? parseDuration(node.data.timeout) : null;
      if (timeout !== null && timeout > parseDuration(FETCH_MAX_TIMEOUT)!) {
        problems.push({ code: "fetch_timeout", message: `Fetch "${node.id}" waits at most ${FETCH_MAX_TIMEOUT} for an answer, not ${node.data.timeout}`, nodeId: node.id });
      }
      if (node.data.body !== undefined && (node.data.method ?? "GET") === "GET") {
        problems.push({ code: "fetch_body_with_get", message: `Fetch "${node.id}" has a body but uses GET, which sends none; use POST`, nodeId: node.id });
      }
    }
    if (node.type === "condition") {
      const refs: { node: string; branch: string }[] = [];
      conditionVariants(node.data.if, refs);
      for (const ref of refs) {
        const split = byId.get(ref.node);
        if (!split || split.type !== "split") {
          problems.push({ code: "variant_unknown_split", message: `"${node.id}" asks about split "${ref.node}", which is not a split of this flow`, nodeId: node.id });
        } else if (!split.data.branches.some((b) => b.id === ref.branch)) {
          problems.push({ code: "variant_unknown_branch", message: `"${node.id}" asks about branch "${ref.branch}", which split "${ref.node}" does not have`, nodeId: node.id });
        }
      }
    }
  }
  if (settings && settings.holdout + 0 > 100) {
    problems.push({ code: "holdout_range", message: "Holdout must be between 0 and 100" });
  }
  return problems;
}

/** The whole check of a stored draft: shape first; if the shape is right, the graph problems. */
export function checkFlow(graphIn: unknown, settingsIn: unknown):
  | { ok: true; graph: Graph; settings: Settings; problems: Problem[] }
  | { ok: false; details: ShapeDetail[] } {
  const g = parseGraph(graphIn);
  const s = parseSettings(settingsIn);
  const details = [...(g.ok ? [] : g.details), ...(s.ok ? [] : s.details)];
  if (!g.ok || !s.ok) return { ok: false, details };
  return { ok: true, graph: g.value, settings: s.value, problems: graphProblems(g.value, s.value) };
}

export { NODE_DATA };
