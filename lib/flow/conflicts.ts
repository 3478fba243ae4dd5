// Conflicts between flows: two active flows that fill the same in-app placement from the same trigger.
// Both reach the user at the same moment and only one message can show there; /decide shows the one of
// the higher priority, then of the newest flow (created last: it is dispatched last, so its message is
// the newest). The canvas and Home both call findConflicts, so they always agree.
//
//   findConflicts(flows) => Conflict[]
//     flows: {id, name, priority, createdAt, graph} of the flows to compare (active ones, and on the
//            canvas the draft being edited as if it were active)
//     -> one Conflict per (placement, trigger) shared by two or more flows, flows listed winner first
import type { FlowNode, Graph, On } from "./schema";
import { describeOn } from "./describe";

export type ConflictFlow = { id: string; name: string; priority: number; createdAt: string; graph: Pick<Graph, "nodes"> };

export type Conflict = {
  placement: string;
  /** The trigger both flows enter on, in words. */
  trigger: string;
  /** Its canonical key (triggerKey). */
  triggerKey: string;
  /** Winner first. */
  flows: { id: string; name: string; priority: number }[];
  winner: { id: string; name: string };
  /** "priority": the winner's priority is higher; "newest": equal priorities, the winner was created last. */
  reason: "priority" | "newest";
  /** The sentence the UI shows. */
  message: string;
};

/** A canonical key of a trigger: the same `on` written with keys in another order is the same trigger. */
export function triggerKey(on: On): string {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canon);
    if (v && typeof v === "object") return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]));
    return v;
  };
  const copy: Record<string, unknown> = { ...on };
  // An empty `where` filters nothing.
  if (Array.isArray(copy.where) && copy.where.length === 0) delete copy.where;
  return JSON.stringify(canon(copy));
}

const placementsOf = (nodes: readonly FlowNode[]) =>
  new Set(nodes.flatMap((n) => (n.type === "message" && n.data.channel === "in_app" && n.data.placement ? [n.data.placement] : [])));

/** Higher priority first, then the newest (created last); id breaks an exact tie so the order is stable. */
function beats(a: ConflictFlow, b: ConflictFlow): number {
  return b.priority - a.priority || (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function findConflicts(flows: readonly ConflictFlow[]): Conflict[] {
  const groups = new Map<string, { placement: string; on: On; key: string; flows: ConflictFlow[] }>();
  for (const f of flows) {
    const placements = placementsOf(f.graph.nodes);
    if (!placements.size) continue;
    const triggers = new Map<string, On>();
    for (const n of f.graph.nodes) if (n.type === "trigger") triggers.set(triggerKey(n.data.on), n.data.on);
    for (const p of placements) {
      for (const [key, on] of triggers) {
        const k = `${p}\u0000${key}`;
        const g = groups.get(k) ?? groups.set(k, { placement: p, on, key, flows: [] }).get(k)!;
        if (!g.flows.some((x) => x.id === f.id)) g.flows.push(f);
      }
    }
  }
  const out: Conflict[] = [];
  for (const g of groups.values()) {
    if (g.flows.length < 2) continue;
    const sorted = [...g.flows].sort(beats);
    const [w, second] = sorted;
    const reason = w.priority > second.priority ? "priority" : "newest";
    const trigger = describeOn(g.on);
    const others = sorted.slice(1).map((f) => `“${f.name}”`).join(", ");
    out.push({
      placement: g.placement,
      trigger,
      triggerKey: g.key,
      flows: sorted.map((f) => ({ id: f.id, name: f.name, priority: f.priority })),
      winner: { id: w.id, name: w.name },
      reason,
      message: `“${w.name}” and ${others} both fill “${g.placement}” ${trigger.charAt(0).toLowerCase()}${trigger.slice(1)}. “${w.name}” wins: ${
        reason === "priority" ? `its priority (${w.priority}) is higher` : `same priority (${w.priority}), and it is the newest`
      }.`,
    });
  }
  return out.sort((a, b) => (a.placement < b.placement ? -1 : a.placement > b.placement ? 1 : a.trigger < b.trigger ? -1 : 1));
}

/** The conflicts that involve one flow (the canvas). */
export function conflictsOf(flowId: string, conflicts: readonly Conflict[]): Conflict[] {
  return conflicts.filter((c) => c.flows.some((f) => f.id === flowId));
}
