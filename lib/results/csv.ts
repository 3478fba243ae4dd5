// The results as one CSV file: a section per table (summary, funnel, messages, variants, holdout,
// daily), each with its own header row, so a spreadsheet opens it as is.
import { stringify } from "csv-stringify/sync";
import type { FlowResults } from "./results";

const r4 = (x: number | null | undefined) => (x === null || x === undefined ? "" : Number(x.toFixed(6)));

export function resultsCsv(res: FlowResults): string {
  const rows: unknown[][] = [];
  const section = (title: string, header: string[], body: unknown[][]) => {
    if (rows.length) rows.push([]);
    rows.push([`# ${title}`]);
    rows.push(header);
    rows.push(...body);
  };
  section("summary", ["flow_id", "flow", "from", "to", "entered", "active", "completed", "converted", "conversion_rate", "rate_ci_low", "rate_ci_high"], [
    [res.flow.id, res.flow.name, res.range.from ?? "", res.range.to ?? "", res.stats.entered, res.stats.active, res.stats.completed, res.stats.converted, r4(res.conversion.rate), r4(res.conversion.interval.low), r4(res.conversion.interval.high)],
  ]);
  section(
    "funnel",
    ["node_id", "type", "label", "depth", "entered", "share_of_entered", "continued", "drop_off", "drop_off_rate"],
    res.funnel.map((f) => [f.nodeId, f.type, f.label, f.depth, f.entered, r4(f.shareOfEntered), f.continued ?? "", f.dropOff ?? "", r4(f.dropOffRate)]),
  );
  section(
    "messages",
    ["node_id", "channel", "reached", "sent", "failed", "shown", "clicked", "dismissed", "failure_rate", "click_rate", "dismiss_rate"],
    res.messages.map((m) => [m.nodeId, m.channel, m.reached, m.outcomes.sent, m.outcomes.failed, m.outcomes.shown, m.outcomes.clicked, m.outcomes.dismissed, r4(m.rates.failure), r4(m.rates.click), r4(m.rates.dismiss)]),
  );
  section(
    "variants",
    ["split_node_id", "branch_id", "label", "is_control", "entered", "converted", "conversion_rate", "rate_ci_low", "rate_ci_high", "uplift_abs", "uplift_ci_low", "uplift_ci_high", "uplift_rel", "prob_beat_control", "verdict"],
    res.experiments.flatMap((e) =>
      e.arms.map((a) => [
        e.splitNodeId,
        a.branchId,
        a.label,
        a.isControl,
        a.conversion.n,
        a.conversion.x,
        r4(a.conversion.rate),
        r4(a.conversion.interval.low),
        r4(a.conversion.interval.high),
        r4(a.comparison?.uplift.absolute),
        r4(a.comparison?.uplift.absoluteInterval.low),
        r4(a.comparison?.uplift.absoluteInterval.high),
        r4(a.comparison?.uplift.relative),
        r4(a.comparison?.probabilityToBeat),
        a.comparison?.verdict.kind ?? "",
      ]),
    ),
  );
  if (res.holdout) {
    const h = res.holdout;
    section("holdout", ["group", "entered", "converted", "conversion_rate", "rate_ci_low", "rate_ci_high", "uplift_abs", "uplift_ci_low", "uplift_ci_high", "prob_beat_holdout", "verdict"], [
      ["flow", h.treatment.n, h.treatment.x, r4(h.treatment.rate), r4(h.treatment.interval.low), r4(h.treatment.interval.high), r4(h.comparison.uplift.absolute), r4(h.comparison.uplift.absoluteInterval.low), r4(h.comparison.uplift.absoluteInterval.high), r4(h.comparison.probabilityToBeat), h.comparison.verdict.kind],
      ["holdout", h.control.n, h.control.x, r4(h.control.rate), r4(h.control.interval.low), r4(h.control.interval.high), "", "", "", "", ""],
    ]);
  }
  section("daily", ["day", "entered", "converted_of_entered", "conversions", "holdout_conversions"], res.daily.map((d) => [d.day, d.entered, d.converted, d.conversions, d.holdoutConversions]));
  return stringify(rows);
}
