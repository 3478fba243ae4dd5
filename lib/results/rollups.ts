// Reading the results rollups (result_counters, kept by triggers) and the equivalent scan of the raw
// tables, which answers the partial hours at the edges of a date range and serves as the reference.
import type { Sql } from "@/lib/db/sql";

/** Counters keyed by `metric \0 dim1 \0 dim2`. */
export type Counts = Map<string, number>;

export const key = (metric: string, dim1 = "", dim2 = "") => `${metric}\u0000${dim1}\u0000${dim2}`;
export const splitKey = (k: string) => k.split("\u0000") as [string, string, string];
export const get = (c: Counts, metric: string, dim1 = "", dim2 = "") => c.get(key(metric, dim1, dim2)) ?? 0;

/** The metrics whose counters are keyed by the cohort (entry) day, so a date range selects runs by entry time. */
export const COHORT_METRICS = ["entered", "status", "converted", "holdout_entered", "holdout_converted", "ttc", "variant_entered", "variant_converted", "node", "outcome"];

export type Range = { from?: Date; to?: Date };

const DAY = 86_400_000;
const HOUR = 3_600_000;
const floorDay = (d: Date) => new Date(Math.floor(d.getTime() / DAY) * DAY);
const ceilDay = (d: Date) => new Date(Math.ceil(d.getTime() / DAY) * DAY);
const floorHour = (d: Date) => new Date(Math.floor(d.getTime() / HOUR) * HOUR);
const ceilHour = (d: Date) => new Date(Math.ceil(d.getTime() / HOUR) * HOUR);
export const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** A position in the rollups: a UTC day and an hour of it. */
export type Slot = { day: string; hour: number };
const slot = (d: Date): Slot => ({ day: isoDay(d), hour: d.getUTCHours() });

/**
 * Splits [from, to) into whole UTC hours (answered by the rollups) and at most two partial-hour edges
 * (answered by scanning the runs that entered then, a small slice through the (flow_id, entered_at) index).
 */
export function planRange(range: Range): { slots: { from?: Slot; to?: Slot } | null; scans: [Date, Date][] } {
  const { from, to } = range;
  if (from && to && from >= to) return { slots: null, scans: [] };
  const wholeStart = from ? ceilHour(from) : undefined;
  const wholeEnd = to ? floorHour(to) : undefined;
  if (wholeStart && wholeEnd && wholeStart >= wholeEnd) return { slots: null, scans: [[from!, to!]] };
  const scans: [Date, Date][] = [];
  if (from && wholeStart && from < wholeStart) scans.push([from, wholeStart]);
  if (to && wholeEnd && wholeEnd < to) scans.push([wholeEnd, to]);
  return { slots: { from: wholeStart && slot(wholeStart), to: wholeEnd && slot(wholeEnd) }, scans };
}

function add(into: Counts, rows: { metric: string; dim1: string; dim2: string; n: number }[]) {
  for (const r of rows) {
    const k = key(r.metric, r.dim1, r.dim2);
    into.set(k, (into.get(k) ?? 0) + Number(r.n));
  }
}

/** Sums the rollups over whole hours [from, to) (either may be open). */
export async function readCounters(sql: Sql, flowId: string, slots: { from?: Slot; to?: Slot }, metrics = COHORT_METRICS): Promise<Counts> {
  const rows = await sql.query<{ metric: string; dim1: string; dim2: string; n: number }>(
    `SELECT metric, dim1, dim2, sum(n)::bigint AS n FROM result_counters
      WHERE flow_id = $1 AND ($2::date IS NULL OR (day, hour) >= ($2::date, $3::smallint)) AND ($4::date IS NULL OR (day, hour) < ($4::date, $5::smallint))
        AND metric = ANY($6::text[])
      GROUP BY 1, 2, 3`,
    [flowId, slots.from?.day ?? null, slots.from?.hour ?? 0, slots.to?.day ?? null, slots.to?.hour ?? 0, metrics],
  );
  const out: Counts = new Map();
  add(out, rows);
  return out;
}

/**
 * The same cohort counters computed from scratch from runs, steps, touchpoints and outcomes for runs
 * that entered in [from, to). Independent of the triggers: the rollups' reference and the naive path.
 */
export async function scanCounters(sql: Sql, flowId: string, from: Date | null, to: Date | null): Promise<Counts> {
  const rows = await sql.query<{ metric: string; dim1: string; dim2: string; n: number }>(
    `WITH r AS (
       SELECT id, status, holdout, converted_at, entered_at,
              CASE WHEN jsonb_typeof(state -> 'variants') = 'object' THEN state -> 'variants' ELSE '{}'::jsonb END AS variants
         FROM runs WHERE flow_id = $1 AND ($2::timestamptz IS NULL OR entered_at >= $2) AND ($3::timestamptz IS NULL OR entered_at < $3)
     )
     SELECT 'entered' AS metric, '' AS dim1, '' AS dim2, count(*) AS n FROM r
     UNION ALL SELECT 'status', status, '', count(*) FROM r GROUP BY status
     UNION ALL SELECT 'converted', '', '', count(*) FROM r WHERE converted_at IS NOT NULL
     UNION ALL SELECT 'holdout_entered', '', '', count(*) FROM r WHERE holdout
     UNION ALL SELECT 'holdout_converted', '', '', count(*) FROM r WHERE holdout AND converted_at IS NOT NULL
     UNION ALL SELECT 'ttc', results_ttc_bucket(extract(epoch FROM converted_at - entered_at)), '', count(*) FROM r WHERE converted_at IS NOT NULL GROUP BY 2
     UNION ALL SELECT 'variant_entered', v.key, v.value, count(*) FROM r, jsonb_each_text(r.variants) v WHERE NOT r.holdout GROUP BY 2, 3
     UNION ALL SELECT 'variant_converted', v.key, v.value, count(*) FROM r, jsonb_each_text(r.variants) v WHERE NOT r.holdout AND r.converted_at IS NOT NULL GROUP BY 2, 3
     UNION ALL SELECT 'node', s.node_id, '', count(*) FROM r CROSS JOIN LATERAL (SELECT DISTINCT node_id FROM steps WHERE run_id = r.id AND entered) s GROUP BY s.node_id
     UNION ALL SELECT 'outcome', o.node_id, o.type, count(*) FROM r CROSS JOIN LATERAL (
       SELECT o.node_id, o.type FROM touchpoints t JOIN outcomes o ON o.touchpoint_id = t.id WHERE t.run_id = r.id) o GROUP BY 2, 3
     UNION ALL SELECT 'outcome', o.node_id, o.type, count(*) FROM touchpoints t JOIN outcomes o ON o.touchpoint_id = t.id
       WHERE t.flow_id = $1 AND t.run_id IS NULL AND ($2::timestamptz IS NULL OR o.at >= $2) AND ($3::timestamptz IS NULL OR o.at < $3) GROUP BY 2, 3`,
    [flowId, from, to],
  );
  const out: Counts = new Map();
  add(
    out,
    rows.filter((r) => Number(r.n) !== 0),
  );
  return out;
}

/** Cohort counters for runs that entered in the range: rollups for whole hours, scans for the edges. */
export async function cohortCounts(sql: Sql, flowId: string, range: Range): Promise<Counts> {
  const plan = planRange(range);
  const parts = await Promise.all([
    plan.slots ? readCounters(sql, flowId, plan.slots) : Promise.resolve(new Map() as Counts),
    ...plan.scans.map(([a, b]) => scanCounters(sql, flowId, a, b)),
  ]);
  const out: Counts = new Map();
  for (const p of parts) for (const [k, v] of p) out.set(k, (out.get(k) ?? 0) + v);
  return out;
}

export type DailyRow = { day: string; metric: string; n: number };

/** Per-day rollups for charts: every UTC day that overlaps the range. */
export async function dailyCounters(sql: Sql, flowId: string | null, range: Range, metrics: string[]): Promise<(DailyRow & { flowId: string; dim1: string; dim2: string })[]> {
  const rows = await sql.query<{ flow_id: string; day: Date | string; metric: string; dim1: string; dim2: string; n: number }>(
    `SELECT flow_id, day::text AS day, metric, dim1, dim2, sum(n)::bigint AS n FROM result_counters
      WHERE ($1::text IS NULL OR flow_id = $1) AND ($2::date IS NULL OR day >= $2::date) AND ($3::date IS NULL OR day < $3::date) AND metric = ANY($4::text[])
      GROUP BY flow_id, result_counters.day, metric, dim1, dim2 ORDER BY 2`,
    [flowId, range.from ? isoDay(floorDay(range.from)) : null, range.to ? isoDay(ceilDay(range.to)) : null, metrics],
  );
  return rows.map((r) => ({ flowId: r.flow_id, day: typeof r.day === "string" ? r.day.slice(0, 10) : isoDay(r.day), metric: r.metric, dim1: r.dim1, dim2: r.dim2, n: Number(r.n) }));
}
