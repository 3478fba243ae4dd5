// What publishing would change: nodes and edges added, removed or changed between the live version
// and the draft, for the publish confirmation. Moving a node is not a change of behaviour.
import { handleOf, type FlowNode, type Graph, type Settings } from "./schema";

export type FlowDiff = {
  added: FlowNode[];
  removed: FlowNode[];
  changed: { before: FlowNode; after: FlowNode }[];
  edgesAdded: number;
  edgesRemoved: number;
  settingsChanged: string[];
  /** True when nothing that affects users differs. */
  empty: boolean;
};

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

const wire = (e: Graph["edges"][number]) => `${e.source}\u0000${handleOf(e)}\u0000${e.target}`;

export function diffFlows(live: { graph: Graph; settings?: Partial<Settings> } | null, draft: { graph: Graph; settings?: Partial<Settings> }): FlowDiff {
  const before = new Map((live?.graph.nodes ?? []).map((n) => [n.id, n]));
  const after = new Map(draft.graph.nodes.map((n) => [n.id, n]));
  const added = draft.graph.nodes.filter((n) => !before.has(n.id));
  const removed = (live?.graph.nodes ?? []).filter((n) => !after.has(n.id));
  const changed = draft.graph.nodes.flatMap((n) => {
    const b = before.get(n.id);
    return b && (b.type !== n.type || stable(b.data) !== stable(n.data)) ? [{ before: b, after: n }] : [];
  });
  const liveWires = new Set((live?.graph.edges ?? []).map(wire));
  const draftWires = new Set(draft.graph.edges.map(wire));
  const edgesAdded = [...draftWires].filter((w) => !liveWires.has(w)).length;
  const edgesRemoved = [...liveWires].filter((w) => !draftWires.has(w)).length;
  const keys = new Set([...Object.keys(live?.settings ?? {}), ...Object.keys(draft.settings ?? {})]) as Set<keyof Settings>;
  const settingsChanged = live ? [...keys].filter((k) => stable(live.settings?.[k]) !== stable(draft.settings?.[k])).sort() : [];
  return {
    added,
    removed,
    changed,
    edgesAdded,
    edgesRemoved,
    settingsChanged,
    empty: !added.length && !removed.length && !changed.length && !edgesAdded && !edgesRemoved && !settingsChanged.length,
  };
}
