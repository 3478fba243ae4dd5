// The flow a results page describes: its live version's graph (or the draft before the first publish),
// and its nodes in graph order (breadth-first from the triggers), which is the funnel's order.
import { stepName } from "@/lib/flow/step-name";
import type { Sql } from "@/lib/db/sql";
import { checkFlow } from "@/lib/flow/validate";
import { upgradeDocument } from "@/lib/flow/upgrade";
import { handleOf, Settings, type FlowNode, type Graph } from "@/lib/flow/schema";
import { notFound } from "@/lib/http/errors";

export type ResultsFlow = { id: string; name: string; status: string; version: number; graph: Graph; settings: Settings };

export async function loadResultsFlow(sql: Sql, flowId: string): Promise<ResultsFlow> {
  const rows = await sql.query<{ id: string; name: string; status: string; version: number; draft: unknown; graph: unknown; settings: unknown }>(
    `SELECT f.id, f.name, f.status, f.version, f.draft, v.graph, v.settings
       FROM flows f LEFT JOIN flow_versions v ON v.id = f.active_version_id WHERE f.id = $1`,
    [flowId],
  );
  const row = rows[0];
  if (!row) throw notFound("Flow");
  const doc = row.graph ? { schemaVersion: 1, graph: row.graph, settings: row.settings } : upgradeDocument(row.draft);
  const checked = checkFlow(doc.graph, doc.settings);
  const graph = checked.ok ? checked.graph : { nodes: [], edges: [] };
  const settings = checked.ok ? checked.settings : Settings.parse({});
  return { id: row.id, name: row.name, status: row.status, version: row.version, graph, settings };
}

export type OrderedNode = { node: FlowNode; depth: number; parents: string[]; children: { nodeId: string; handle: string }[] };

/** Nodes breadth-first from the triggers (their order in the document breaks ties); unreachable nodes last. */
export function graphOrder(graph: Graph): OrderedNode[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const children = new Map<string, { nodeId: string; handle: string }[]>();
  const parents = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (!byId.has(e.source) || !byId.has(e.target)) continue;
    children.set(e.source, [...(children.get(e.source) ?? []), { nodeId: e.target, handle: handleOf(e) }]);
    parents.set(e.target, [...(parents.get(e.target) ?? []), e.source]);
  }
  const depth = new Map<string, number>();
  const queue = graph.nodes.filter((n) => n.type === "trigger").map((n) => n.id);
  for (const id of queue) depth.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const c of children.get(id) ?? []) {
      if (!depth.has(c.nodeId)) {
        depth.set(c.nodeId, depth.get(id)! + 1);
        queue.push(c.nodeId);
      }
    }
  }
  const unreachable = graph.nodes.filter((n) => !depth.has(n.id)).map((n) => n.id);
  return [...queue, ...unreachable].map((id) => ({
    node: byId.get(id)!,
    depth: depth.get(id) ?? -1,
    parents: parents.get(id) ?? [],
    children: children.get(id) ?? [],
  }));
}

/** A short human name for a node, for charts and the CSV: its step name (lib/flow/step-name). */
export function nodeLabel(node: FlowNode): string {
  return stepName(node);
}
