// Explain: a profile's runs with every step and its reason (the values a condition saw, the split
// bucket, how a wait ended), newest run first. GET /api/v1/users/:id shows these.
import type { Sql } from "@/lib/db/sql";
import type { StepReason } from "@/lib/engine";

export type ExplainedStep = {
  nodeId: string;
  nodeType: string | null;
  /** true: the run reached the node; false: a later step of the same node (how a wait was left) */
  entered: boolean;
  result: string;
  reason: StepReason;
  at: string;
};

export type ExplainedRun = {
  id: string;
  flowId: string;
  flowName: string | null;
  version: number;
  entry: number;
  status: string;
  nodeId: string | null;
  holdout: boolean;
  variants: Record<string, string>;
  enteredAt: string;
  endedAt: string | null;
  convertedAt: string | null;
  endReason: string | null;
  /** While waiting: when the wait's timer is due. */
  waitingUntil: string | null;
  steps: ExplainedStep[];
};

export async function listRunsWithSteps(sql: Sql, profileId: string, opts: { limit?: number } = {}): Promise<ExplainedRun[]> {
  const runs = await sql.query<{
    id: string;
    flow_id: string;
    name: string | null;
    version: number;
    entry: number;
    status: string;
    node_id: string | null;
    holdout: boolean;
    state: { variants?: Record<string, string>; endReason?: string; wait?: { until?: number } } | null;
    entered_at: Date;
    ended_at: Date | null;
    converted_at: Date | null;
  }>(
    `SELECT r.id, r.flow_id, f.name, r.version, r.entry, r.status, r.node_id, r.holdout, r.state, r.entered_at, r.ended_at, r.converted_at
       FROM runs r LEFT JOIN flows f ON f.id = r.flow_id
      WHERE r.profile_id = $1 ORDER BY r.entered_at DESC, r.entry DESC LIMIT $2`,
    [profileId, opts.limit ?? 100],
  );
  if (!runs.length) return [];
  const steps = await sql.query<{ run_id: string; node_id: string; node_type: string | null; entered: boolean; result: string; reason: StepReason; at: Date }>(
    `SELECT run_id, node_id, node_type, entered, result, reason, at FROM steps WHERE run_id = ANY($1::text[]) ORDER BY run_id, at, id`,
    [runs.map((r) => r.id)],
  );
  const byRun = new Map<string, ExplainedStep[]>();
  for (const s of steps) {
    const list = byRun.get(s.run_id) ?? [];
    list.push({ nodeId: s.node_id, nodeType: s.node_type, entered: s.entered, result: s.result, reason: s.reason ?? {}, at: s.at.toISOString() });
    byRun.set(s.run_id, list);
  }
  return runs.map((r) => ({
    id: r.id,
    flowId: r.flow_id,
    flowName: r.name,
    version: r.version,
    entry: r.entry,
    status: r.status,
    nodeId: r.node_id,
    holdout: r.holdout,
    variants: r.state?.variants ?? {},
    enteredAt: r.entered_at.toISOString(),
    endedAt: r.ended_at?.toISOString() ?? null,
    convertedAt: r.converted_at?.toISOString() ?? null,
    endReason: r.state?.endReason ?? null,
    waitingUntil: r.status === "waiting" && r.state?.wait?.until ? new Date(r.state.wait.until).toISOString() : null,
    steps: byRun.get(r.id) ?? [],
  }));
}
