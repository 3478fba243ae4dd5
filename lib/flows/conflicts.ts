// The conflicts among active flows (lib/flow/conflicts.ts) read from the store: each active flow's
// published graph, priority and creation time. Also hands the canvas the same inputs, so it can add the
// draft it is editing and call the same pure function.
import { z } from "zod";
import type { Sql } from "@/lib/db/sql";
import { findConflicts, type Conflict, type ConflictFlow } from "@/lib/flow/conflicts";
import { Graph, type FlowNode } from "@/lib/flow/schema";

export const ConflictView = z
  .object({
    placement: z.string(),
    trigger: z.string(),
    triggerKey: z.string().describe("The trigger in a canonical form: equal keys are the same trigger"),
    flows: z.array(z.object({ id: z.string(), name: z.string(), priority: z.number().int() })).describe("Winner first"),
    winner: z.object({ id: z.string(), name: z.string() }),
    reason: z.enum(["priority", "newest"]),
    message: z.string(),
  })
  .meta({ id: "FlowConflict" });

const ActiveFlowView = z.object({ id: z.string(), name: z.string(), priority: z.number().int(), createdAt: z.string(), graph: z.object({ nodes: Graph.shape.nodes }) });
export const ConflictsResult = z.object({ conflicts: z.array(ConflictView), flows: z.array(ActiveFlowView).describe("The active flows compared (triggers and in-app messages only)") }).meta({ id: "FlowConflicts" });

/** Active flows with only the nodes conflicts read (triggers, in-app messages). */
export async function activeFlowsForConflicts(sql: Sql): Promise<ConflictFlow[]> {
  const rows = await sql.query<{ id: string; name: string; priority: number; created_at: Date; graph: { nodes?: FlowNode[] } }>(
    `SELECT f.id, f.name, f.priority, f.created_at, v.graph FROM flows f JOIN flow_versions v ON v.id = f.active_version_id WHERE f.status = 'active' ORDER BY f.created_at, f.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    priority: r.priority,
    createdAt: r.created_at.toISOString(),
    graph: { nodes: (r.graph?.nodes ?? []).filter((n) => n.type === "trigger" || (n.type === "message" && n.data?.channel === "in_app")) },
  }));
}

export async function listConflicts(sql: Sql): Promise<{ conflicts: Conflict[]; flows: ConflictFlow[] }> {
  const flows = await activeFlowsForConflicts(sql);
  return { conflicts: findConflicts(flows), flows };
}
