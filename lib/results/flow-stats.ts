// GET /api/v1/flows/:id/stats (docs/api.md §5) from the rollups.
//
// Semantics (all for the cohort of runs that ENTERED in [from, to); either bound may be absent):
// - entered: runs that entered; active: of those, runs now active or waiting; completed: runs that
//   ended (completed or exited); converted: runs with a conversion (the goal event), at any time.
// - nodes[id].entered: distinct runs with a step at the node; nodes[id].outcomes: outcome records
//   (sent, failed, shown, clicked, dismissed) of those runs' touchpoints at the node.
// - variants[split][branch]: runs outside the holdout assigned to that branch; holdout: control runs.
// - conversionRate = converted / entered (0 when nothing entered).
import { z } from "zod";
import type { Sql } from "@/lib/db/sql";
import { dict, own } from "@/lib/dict";
import { badRequest } from "@/lib/http/errors";
import { cohortCounts, get, splitKey, type Counts, type Range } from "./rollups";
import { loadResultsFlow, type ResultsFlow } from "./flow-graph";

const Rate = z.object({ entered: z.number().int(), converted: z.number().int(), conversionRate: z.number() });

export const FlowStats = z
  .object({
    entered: z.number().int(),
    active: z.number().int(),
    completed: z.number().int(),
    converted: z.number().int(),
    conversionRate: z.number(),
    nodes: z.record(z.string(), z.object({ entered: z.number().int(), outcomes: z.record(z.string(), z.number().int()) })),
    variants: z.record(z.string(), z.record(z.string(), Rate)),
    holdout: Rate,
  })
  .meta({ id: "FlowStats" });
export type FlowStats = z.infer<typeof FlowStats>;

const ratio = (x: number, n: number) => (n > 0 ? x / n : 0);

/** Parses ?from=&to= (ISO 8601 dates or times); a bad value is the caller's error. */
export function parseRange(url: URL): Range {
  const read = (name: string): Date | undefined => {
    const v = url.searchParams.get(name);
    if (v === null || v === "") return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw badRequest(`${name} must be an ISO 8601 date or time`, [{ path: name, message: "Invalid date" }]);
    return d;
  };
  const range = { from: read("from"), to: read("to") };
  if (range.from && range.to && range.from > range.to) throw badRequest("from must not be after to", [{ path: "from", message: "after to" }]);
  return range;
}

export function statsFromCounts(counts: Counts, flow: Pick<ResultsFlow, "graph">): FlowStats {
  const entered = get(counts, "entered");
  const converted = get(counts, "converted");
  // Node and branch ids are chosen by the flow's author: dictionaries without a prototype.
  const nodes: FlowStats["nodes"] = dict();
  const nodeOf = (id: string) => (own(nodes, id) ?? (nodes[id] = { entered: 0, outcomes: dict() }));
  for (const n of flow.graph.nodes) nodes[n.id] = { entered: 0, outcomes: dict() };
  const variants: FlowStats["variants"] = dict();
  const branchOf = (split: string, branch: string) => {
    const s = own(variants, split) ?? (variants[split] = dict());
    return own(s, branch) ?? (s[branch] = { entered: 0, converted: 0, conversionRate: 0 });
  };
  for (const n of flow.graph.nodes) {
    if (n.type !== "split") continue;
    variants[n.id] = dict();
    for (const b of n.data.branches) branchOf(n.id, b.id);
  }
  for (const [k, v] of counts) {
    const [metric, d1, d2] = splitKey(k);
    if (metric === "node") nodeOf(d1).entered += v;
    else if (metric === "outcome") {
      const node = nodeOf(d1);
      node.outcomes[d2] = (own(node.outcomes, d2) ?? 0) + v;
    } else if (metric === "variant_entered") branchOf(d1, d2).entered += v;
    else if (metric === "variant_converted") branchOf(d1, d2).converted += v;
  }
  for (const split of Object.values(variants)) for (const b of Object.values(split)) b.conversionRate = ratio(b.converted, b.entered);
  const hEntered = get(counts, "holdout_entered");
  const hConverted = get(counts, "holdout_converted");
  return {
    entered,
    active: get(counts, "status", "active") + get(counts, "status", "waiting"),
    completed: get(counts, "status", "completed") + get(counts, "status", "exited"),
    converted,
    conversionRate: ratio(converted, entered),
    nodes,
    variants,
    holdout: { entered: hEntered, converted: hConverted, conversionRate: ratio(hConverted, hEntered) },
  };
}

export async function getFlowStats(sql: Sql, flowId: string, range: Range): Promise<FlowStats> {
  const flow = await loadResultsFlow(sql, flowId);
  return statsFromCounts(await cohortCounts(sql, flowId, range), flow);
}
