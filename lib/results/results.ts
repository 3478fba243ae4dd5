// The results page's data: funnel in graph order with drop-off, touchpoint outcomes per message node,
// conversions per day, time to convert, variants and holdout with uplift, intervals and verdicts.
import { z } from "zod";
import type { Sql } from "@/lib/db/sql";
import { probabilityToBeat, rate, uplift, verdict, type Verdict } from "@/lib/stats";
import { cohortCounts, dailyCounters, get, isoDay, type Range } from "./counters";
import { graphOrder, loadResultsFlow, nodeLabel } from "./flow-graph";
import type { FlowNode } from "@/lib/flow/schema";
import { statsFromCounts, FlowStats } from "./stats";
import { globalControlCounts, placementHolds } from "./placement-holds";
import { Satisfaction, TimeInFlow, getSatisfaction, getTimeInFlow } from "./satisfaction";

export const TTC_BUCKETS = ["< 1 min", "1–10 min", "10–60 min", "1–6 h", "6–24 h", "1–3 days", "3–7 days", "7–14 days", "14–30 days", "30+ days"];
export const OUTCOME_TYPES = ["sent", "failed", "shown", "clicked", "dismissed", "answered"] as const;

const IntervalS = z.object({ low: z.number(), high: z.number() });
const RateS = z.object({ x: z.number().int(), n: z.number().int(), rate: z.number(), interval: IntervalS });
const UpliftS = z.object({ absolute: z.number(), absoluteInterval: IntervalS, relative: z.number().nullable(), relativeInterval: IntervalS.nullable() });
const VerdictS = z.union([
  z.object({ kind: z.literal("not_enough_data"), reason: z.string() }),
  z.object({ kind: z.enum(["better", "worse", "inconclusive"]), probabilityToBeat: z.number() }),
]);
const Comparison = z.object({ uplift: UpliftS, probabilityToBeat: z.number(), verdict: VerdictS });

export const FlowResults = z
  .object({
    flow: z.object({ id: z.string(), name: z.string(), status: z.string(), version: z.number().int(), goal: z.string().nullable(), holdoutPercent: z.number() }),
    range: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
    stats: FlowStats,
    conversion: RateS,
    funnel: z.array(
      z.object({
        nodeId: z.string(),
        type: z.string(),
        label: z.string(),
        depth: z.number().int(),
        entered: z.number().int(),
        shareOfEntered: z.number(),
        continued: z.number().int().nullable(),
        dropOff: z.number().int().nullable(),
        dropOffRate: z.number().nullable(),
      }),
    ),
    messages: z.array(
      z.object({
        nodeId: z.string(),
        label: z.string(),
        channel: z.string(),
        reached: z.number().int(),
        outcomes: z.record(z.string(), z.number().int()),
        rates: z.object({ delivery: z.number().nullable(), failure: z.number().nullable(), click: z.number().nullable(), dismiss: z.number().nullable() }),
      }),
    ),
    daily: z.array(z.object({ day: z.string(), entered: z.number().int(), converted: z.number().int(), conversions: z.number().int(), holdoutConversions: z.number().int() })),
    timeToConvert: z.array(z.object({ bucket: z.string(), count: z.number().int() })),
    experiments: z.array(
      z.object({
        splitNodeId: z.string(),
        label: z.string(),
        control: z.string(),
        arms: z.array(z.object({ branchId: z.string(), label: z.string(), isControl: z.boolean(), conversion: RateS, comparison: Comparison.nullable() })),
      }),
    ),
    holdout: z.object({ treatment: RateS, control: RateS, comparison: Comparison }).nullable(),
    globalControl: z
      .object({ percent: z.number(), treatment: RateS, control: RateS, comparison: Comparison })
      .nullable()
      .describe("The flow against the workspace's global control group (docs/api.md §7); null when the group is off and none of its users entered"),
    placementHolds: z
      .object({
        heldFromOthers: z.number().int().describe("This flow's in-app messages not shown because the user is in another flow's holdout for the same placement"),
        heldForThis: z.number().int().describe("This flow's holdout users for whom another flow's message for the same placement was held back"),
      })
      .describe("A holdout holds its placement: another flow's message for it is not shown to a held-out user"),
    satisfaction: Satisfaction.describe("Survey answers (rating / NPS steps) per flow, step and variant, answered in the range"),
    timeInFlow: TimeInFlow.describe("Median and p90 time from entry to converting, completing or exiting, of runs that entered in the range"),
  })
  .meta({ id: "FlowResults" });
export type FlowResults = z.infer<typeof FlowResults>;

function compare(t: { x: number; n: number }, c: { x: number; n: number }): { uplift: ReturnType<typeof uplift>; probabilityToBeat: number; verdict: Verdict } {
  return { uplift: uplift(t, c), probabilityToBeat: probabilityToBeat(t.x, t.n, c.x, c.n), verdict: verdict(t, c) };
}

const share = (x: number, n: number) => (n > 0 ? x / n : 0);
const orNull = (x: number, n: number) => (n > 0 ? x / n : null);

export async function getFlowResults(sql: Sql, flowId: string, range: Range, opts: { globalControlPercent?: number } = {}): Promise<FlowResults> {
  const flow = await loadResultsFlow(sql, flowId);
  const [counts, days, global, holds, satisfaction, timeInFlow] = await Promise.all([
    cohortCounts(sql, flowId, range),
    dailyCounters(sql, flowId, range, ["entered", "converted", "converted_on", "converted_on_holdout"]),
    globalControlCounts(sql, flowId, range),
    placementHolds(sql, flowId, range),
    getSatisfaction(sql, flowId, range),
    getTimeInFlow(sql, flowId, range),
  ]);
  const stats = statsFromCounts(counts, flow);
  const order = graphOrder(flow.graph);
  const entered = stats.entered;
  // Two nodes of the same kind read alike ("In-app: banner"); their ids tell them apart.
  const labelCount = new Map<string, number>();
  for (const { node } of order) labelCount.set(nodeLabel(node), (labelCount.get(nodeLabel(node)) ?? 0) + 1);
  const label = (node: FlowNode) => (labelCount.get(nodeLabel(node))! > 1 ? `${nodeLabel(node)} (${node.id})` : nodeLabel(node));

  const funnel = order.map(({ node, depth, children }) => {
    const here = stats.nodes[node.id]?.entered ?? 0;
    // Runs that went on to a next node; a run counts once per node, so merges are clamped.
    const next = children.length ? Math.min(here, children.reduce((s, c) => s + (stats.nodes[c.nodeId]?.entered ?? 0), 0)) : null;
    return {
      nodeId: node.id,
      type: node.type,
      label: label(node),
      depth,
      entered: here,
      shareOfEntered: share(here, entered),
      continued: next,
      dropOff: next === null ? null : here - next,
      dropOffRate: next === null ? null : orNull(here - next, here),
    };
  });

  const messages = order
    .filter(({ node }) => node.type === "message")
    .map(({ node }) => {
      const o = stats.nodes[node.id]?.outcomes ?? {};
      const outcomes = Object.fromEntries(OUTCOME_TYPES.map((t) => [t, o[t] ?? 0]));
      const attempts = outcomes.sent + outcomes.failed;
      return {
        nodeId: node.id,
        label: label(node),
        channel: node.type === "message" ? node.data.channel : "in_app",
        reached: stats.nodes[node.id]?.entered ?? 0,
        outcomes,
        rates: { delivery: orNull(outcomes.sent, attempts), failure: orNull(outcomes.failed, attempts), click: orNull(outcomes.clicked, outcomes.shown), dismiss: orNull(outcomes.dismissed, outcomes.shown) },
      };
    });

  const byDay = new Map<string, { day: string; entered: number; converted: number; conversions: number; holdoutConversions: number }>();
  const dayRow = (day: string) => byDay.get(day) ?? byDay.set(day, { day, entered: 0, converted: 0, conversions: 0, holdoutConversions: 0 }).get(day)!;
  for (const r of days) {
    const row = dayRow(r.day);
    if (r.metric === "entered") row.entered += r.n;
    else if (r.metric === "converted") row.converted += r.n;
    else if (r.metric === "converted_on") row.conversions += r.n;
    else if (r.metric === "converted_on_holdout") row.holdoutConversions += r.n;
  }
  const daily = fillDays([...byDay.values()], range, dayRow);

  const timeToConvert = TTC_BUCKETS.map((bucket, i) => ({ bucket, count: get(counts, "ttc", String(i)) }));

  const experiments = flow.graph.nodes.flatMap((node) => {
    if (node.type !== "split") return [];
    const branches = node.data.branches;
    const control = branches.find((b) => /control/i.test(b.label ?? b.id)) ?? branches[0];
    const v = stats.variants[node.id] ?? {};
    const arm = (id: string) => ({ x: v[id]?.converted ?? 0, n: v[id]?.entered ?? 0 });
    const c = arm(control.id);
    return [
      {
        splitNodeId: node.id,
        label: nodeLabel(node),
        control: control.id,
        arms: branches.map((b) => {
          const a = arm(b.id);
          return { branchId: b.id, label: b.label ?? b.id, isControl: b.id === control.id, conversion: rate(a.x, a.n), comparison: b.id === control.id ? null : compare(a, c) };
        }),
      },
    ];
  });

  // Holdout runs are the flow's own holdout plus the global control group's users; the treatment is
  // everyone else. Each control is compared with the same treatment.
  const allHeld = { x: stats.holdout.converted, n: stats.holdout.entered };
  const gc = { x: global.converted, n: global.entered };
  const hc = { x: allHeld.x - gc.x, n: allHeld.n - gc.n };
  const tr = { x: stats.converted - allHeld.x, n: stats.entered - allHeld.n };
  const holdout = flow.settings.holdout > 0 || hc.n > 0 ? { treatment: rate(tr.x, tr.n), control: rate(hc.x, hc.n), comparison: compare(tr, hc) } : null;
  const gcPercent = opts.globalControlPercent ?? 0;
  const globalControl = gcPercent > 0 || gc.n > 0 ? { percent: gcPercent, treatment: rate(tr.x, tr.n), control: rate(gc.x, gc.n), comparison: compare(tr, gc) } : null;

  return {
    flow: { id: flow.id, name: flow.name, status: flow.status, version: flow.version, goal: flow.settings.goal?.event ?? null, holdoutPercent: flow.settings.holdout },
    range: { from: range.from?.toISOString() ?? null, to: range.to?.toISOString() ?? null },
    stats,
    conversion: rate(stats.converted, stats.entered),
    funnel,
    messages,
    daily,
    timeToConvert,
    experiments,
    holdout,
    globalControl,
    placementHolds: holds,
    satisfaction,
    timeInFlow,
  };
}

/** Every day of the range (or of the data, when the range is open) gets a row, so charts show the gaps. */
function fillDays<T extends { day: string }>(rows: T[], range: Range, make: (day: string) => T): T[] {
  const known = rows.map((r) => r.day).sort();
  const first = range.from ? isoDay(range.from) : known[0];
  const last = range.to ? isoDay(new Date(range.to.getTime() - 1)) : known[known.length - 1];
  if (!first || !last) return [];
  const end = Date.parse(`${last}T00:00:00Z`);
  // An open range over years would make thousands of points; the chart stays readable at 400.
  const start = Math.max(Date.parse(`${first}T00:00:00Z`), end - 400 * 86_400_000);
  const out: T[] = [];
  for (let t = start; t <= end; t += 86_400_000) out.push(make(isoDay(new Date(t))));
  return out;
}
