// Satisfaction and time in flow for the results page (docs/api.md §6, §5).
//
// Satisfaction: the answers of survey steps (outcomes of type `answered`, score in details) per flow,
// per step and per variant of each split, as the mean score with a 95% interval and, for 0–10
// surveys, the Net Promoter Score with its interval (lib/stats). One aggregate query grouped by
// step, scale and the touchpoint's variants; the per-flow and per-variant figures are sums of its rows.
//
// Time in flow: the median and 90th percentile of how long runs took from entering to converting,
// completing or exiting, computed by PostgreSQL (percentile_cont) over the runs that entered in the
// range, by the flow's (flow_id, entered_at) index.
import { z } from "zod";
import type { Sql } from "@/lib/db/sql";
import { meanScore, nps } from "@/lib/stats";
import type { Range } from "./counters";

const IntervalS = z.object({ low: z.number(), high: z.number() });
export const ScoreSummary = z
  .object({
    scale: z.enum(["nps", "rating"]).describe("nps: 0–10 answers; rating: 1–5"),
    answers: z.number().int(),
    mean: z.number().nullable(),
    meanInterval: IntervalS,
    nps: z.number().nullable().describe("0–10 surveys: % promoters (9–10) − % detractors (0–6)"),
    npsInterval: IntervalS.nullable(),
    distribution: z.record(z.string(), z.number().int()).describe("score -> answers"),
  })
  .meta({ id: "ScoreSummary" });
export type ScoreSummary = z.infer<typeof ScoreSummary>;

export const Satisfaction = z
  .object({
    flow: z.array(ScoreSummary).describe("One summary per scale the flow's surveys use"),
    steps: z.array(z.object({ nodeId: z.string(), summary: ScoreSummary })),
    variants: z.array(z.object({ splitNodeId: z.string(), branchId: z.string(), summary: ScoreSummary })),
  })
  .meta({ id: "Satisfaction" });
export type Satisfaction = z.infer<typeof Satisfaction>;

const Quantiles = z.object({ runs: z.number().int(), medianSeconds: z.number().nullable(), p90Seconds: z.number().nullable() });
export const TimeInFlow = z
  .object({
    all: Quantiles.describe("Every run that converted, completed or exited"),
    converted: Quantiles.describe("Entry to the goal event"),
    completed: Quantiles.describe("Entry to the end of the path, without converting"),
    exited: Quantiles.describe("Entry to leaving early (goal exit of another run, an exit node, a removal), without converting"),
  })
  .meta({ id: "TimeInFlow" });
export type TimeInFlow = z.infer<typeof TimeInFlow>;

type Acc = { scale: "nps" | "rating"; n: number; sum: number; sumSq: number; promoters: number; detractors: number; dist: Record<string, number> };

function acc(scale: "nps" | "rating"): Acc {
  return { scale, n: 0, sum: 0, sumSq: 0, promoters: 0, detractors: 0, dist: {} };
}

function add(a: Acc, r: { n: number; sum: number; sum_sq: number; promoters: number; detractors: number; dist: Record<string, number> }): void {
  a.n += r.n;
  a.sum += r.sum;
  a.sumSq += r.sum_sq;
  a.promoters += r.promoters;
  a.detractors += r.detractors;
  for (const [k, v] of Object.entries(r.dist)) a.dist[k] = (a.dist[k] ?? 0) + v;
}

function summary(a: Acc): ScoreSummary {
  const m = meanScore(a.n, a.sum, a.sumSq, a.scale === "nps" ? { min: 0, max: 10 } : { min: 1, max: 5 });
  const n = a.scale === "nps" ? nps(a.promoters, a.detractors, a.n) : null;
  return { scale: a.scale, answers: a.n, mean: m.mean, meanInterval: m.interval, nps: n?.score ?? null, npsInterval: n ? n.interval : null, distribution: a.dist };
}

export async function getSatisfaction(sql: Sql, flowId: string, range: Range): Promise<Satisfaction> {
  const rows = await sql.query<{ node_id: string; scale: "nps" | "rating"; variants: Record<string, string> | null; n: number; sum: number; sum_sq: number; promoters: number; detractors: number; dist: Record<string, number> }>(
    `SELECT node_id, scale, variants, sum(n)::int AS n, sum(s)::float8 AS sum, sum(ss)::float8 AS sum_sq,
            sum(n) FILTER (WHERE score >= 9)::int AS promoters, sum(n) FILTER (WHERE score <= 6)::int AS detractors,
            jsonb_object_agg(score::text, n) AS dist
       FROM (SELECT o.node_id, coalesce(o.details->>'scale', 'nps') AS scale, t.payload->'variants' AS variants, (o.details->>'score')::int AS score,
                    count(*) AS n, sum((o.details->>'score')::int) AS s, sum(((o.details->>'score')::int)^2) AS ss
               FROM outcomes o JOIN touchpoints t ON t.profile_id = o.profile_id AND t.id = o.touchpoint_id
              WHERE o.flow_id = $1 AND o.type = 'answered' AND ($2::timestamptz IS NULL OR o.at >= $2) AND ($3::timestamptz IS NULL OR o.at < $3)
              GROUP BY 1, 2, 3, 4) x
      GROUP BY node_id, scale, variants`,
    [flowId, range.from ?? null, range.to ?? null],
  );
  const flow = new Map<string, Acc>();
  const steps = new Map<string, Acc>();
  const variants = new Map<string, Acc & { split: string; branch: string }>();
  for (const r of rows) {
    const row = { ...r, n: Number(r.n), sum: Number(r.sum), sum_sq: Number(r.sum_sq), promoters: Number(r.promoters ?? 0), detractors: Number(r.detractors ?? 0) };
    add(flow.get(r.scale) ?? flow.set(r.scale, acc(r.scale)).get(r.scale)!, row);
    const sk = `${r.node_id}\u0000${r.scale}`;
    add(steps.get(sk) ?? steps.set(sk, acc(r.scale)).get(sk)!, row);
    for (const [split, branch] of Object.entries(r.variants ?? {})) {
      const vk = `${split}\u0000${branch}\u0000${r.scale}`;
      add(variants.get(vk) ?? variants.set(vk, { ...acc(r.scale), split, branch }).get(vk)!, row);
    }
  }
  return {
    flow: [...flow.values()].map(summary),
    steps: [...steps.entries()].map(([k, a]) => ({ nodeId: k.split("\u0000")[0], summary: summary(a) })).sort((a, b) => a.nodeId.localeCompare(b.nodeId)),
    variants: [...variants.values()].map((a) => ({ splitNodeId: a.split, branchId: a.branch, summary: summary(a) })).sort((a, b) => `${a.splitNodeId}/${a.branchId}`.localeCompare(`${b.splitNodeId}/${b.branchId}`)),
  };
}

export async function getTimeInFlow(sql: Sql, flowId: string, range: Range): Promise<TimeInFlow> {
  // Both quantiles from one sort per group (the array form of percentile_cont).
  const rows = await sql.query<{ kind: string | null; runs: number; q: number[] | null }>(
    `SELECT kind, count(*)::int AS runs,
            percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY secs) AS q
       FROM (SELECT CASE WHEN converted_at IS NOT NULL THEN 'converted' WHEN status = 'completed' THEN 'completed' ELSE 'exited' END AS kind,
                    greatest(0, extract(epoch FROM coalesce(converted_at, ended_at) - entered_at))::float8 AS secs
               FROM runs
              WHERE flow_id = $1 AND (converted_at IS NOT NULL OR (ended_at IS NOT NULL AND status IN ('completed', 'exited')))
                AND ($2::timestamptz IS NULL OR entered_at >= $2) AND ($3::timestamptz IS NULL OR entered_at < $3)) x
      GROUP BY ROLLUP (kind)`,
    [flowId, range.from ?? null, range.to ?? null],
  );
  const pick = (kind: string | null) => {
    const r = rows.find((x) => x.kind === kind);
    return r && r.q ? { runs: Number(r.runs), medianSeconds: Number(r.q[0]), p90Seconds: Number(r.q[1]) } : { runs: r ? Number(r.runs) : 0, medianSeconds: null, p90Seconds: null };
  };
  return { all: pick(null), converted: pick("converted"), completed: pick("completed"), exited: pick("exited") };
}
