"use client";
// Results: satisfaction (survey answers per flow, step and variant, mean and NPS with 95% intervals)
// and time in flow (median and p90 from entry to converting, completing or exiting).
import type { FlowResults } from "@/lib/results/results";
import { count } from "./format";
import { Card, Empty } from "./parts";

type Summary = FlowResults["satisfaction"]["flow"][number];

/** 95 s → "1 min 35 s", 5400 s → "1 h 30 min", 200000 s → "2 d 7 h". */
export function duration(seconds: number | null): string {
  if (seconds === null) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  if (s < 86400) return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ""}`;
  return `${Math.floor(s / 86400)} d${Math.floor((s % 86400) / 3600) ? ` ${Math.floor((s % 86400) / 3600)} h` : ""}`;
}

const one = (n: number) => n.toFixed(1);

function ScoreCells({ s }: { s: Summary }) {
  return (
    <>
      <td className="py-2 pr-3 text-right tabular-nums">{count(s.answers)}</td>
      <td className="py-2 pr-3 text-right tabular-nums">
        {s.mean === null ? "—" : <span className="font-medium text-slate-900">{one(s.mean)}</span>}
        <span className="text-xs text-slate-400"> / {s.scale === "nps" ? 10 : 5}</span>
        {s.mean !== null && s.answers > 1 ? (
          <div className="text-xs text-slate-500">
            {one(s.meanInterval.low)} – {one(s.meanInterval.high)}
          </div>
        ) : null}
      </td>
      <td className="py-2 pr-3 text-right tabular-nums">
        {s.nps === null ? (
          <span className="text-slate-400">—</span>
        ) : (
          <>
            <span className="font-medium text-slate-900">{Math.round(s.nps)}</span>
            <div className="text-xs text-slate-500">
              {Math.round(s.npsInterval!.low)} to {Math.round(s.npsInterval!.high)}
            </div>
          </>
        )}
      </td>
    </>
  );
}

export function SatisfactionCard({ results }: { results: FlowResults }) {
  const sat = results.satisfaction;
  if (!sat) return null;
  const labels = new Map(results.funnel.map((f) => [f.nodeId, f.label]));
  const branchLabels = new Map(results.experiments.flatMap((e) => e.arms.map((a) => [`${e.splitNodeId}/${a.branchId}`, `${e.label}: ${a.label}`] as const)));
  const rows: { key: string; name: string; kind: string; s: Summary }[] = [
    ...sat.flow.map((s) => ({ key: `flow-${s.scale}`, name: "Whole flow", kind: "flow", s })),
    ...sat.steps.map((x) => ({ key: `step-${x.nodeId}-${x.summary.scale}`, name: labels.get(x.nodeId) ?? x.nodeId, kind: "step", s: x.summary })),
    ...sat.variants.map((x) => ({ key: `var-${x.splitNodeId}-${x.branchId}-${x.summary.scale}`, name: branchLabels.get(`${x.splitNodeId}/${x.branchId}`) ?? `${x.splitNodeId} ${x.branchId}`, kind: "variant", s: x.summary })),
  ];
  return (
    <Card id="satisfaction" title="Satisfaction" subtitle="Answers to rating and NPS surveys in this flow. Mean with a 95% normal interval; NPS = % promoters (9–10) − % detractors (0–6), with its 95% interval.">
      {rows.length === 0 ? (
        <Empty title="No survey answers yet">Add a message with the “Rating / NPS survey” kind; answers show here per step and variant.</Empty>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[560px] text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-3 text-left font-medium">Of</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">Answers</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">Mean · 95% CI</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">NPS · 95% CI</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r) => (
                <tr key={r.key} data-testid="satisfaction-row" data-kind={r.kind}>
                  <th scope="row" className="py-2 pr-3 text-left font-medium text-slate-800">
                    {r.name}
                    <div className="text-xs font-normal text-slate-400">{r.kind === "flow" ? (r.s.scale === "nps" ? "NPS surveys" : "Ratings") : r.kind === "step" ? "Step" : "Variant"}</div>
                  </th>
                  <ScoreCells s={r.s} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

export function TimeInFlowCard({ results }: { results: FlowResults }) {
  const t = results.timeInFlow;
  if (!t) return null;
  const rows = [
    { key: "converted", label: "Until they convert", q: t.converted },
    { key: "completed", label: "Until they complete the path", q: t.completed },
    { key: "exited", label: "Until they exit early", q: t.exited },
    { key: "all", label: "Any way out", q: t.all },
  ];
  return (
    <Card id="time-in-flow" title="Time in flow" subtitle="From entering to converting, completing or exiting, for runs that entered in the range and have finished (or converted). Runs still inside are not counted.">
      {t.all.runs === 0 ? (
        <Empty title="No finished runs yet">Times appear once users convert, complete or leave the flow.</Empty>
      ) : (
        <table className="w-full text-sm">
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="py-2 pr-3 text-left font-medium">Time</th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">Runs</th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">Median</th>
              <th scope="col" className="py-2 text-right font-medium">90th percentile</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((r) => (
              <tr key={r.key} data-testid="time-in-flow-row" data-kind={r.key}>
                <th scope="row" className="py-2 pr-3 text-left font-medium text-slate-800">{r.label}</th>
                <td className="py-2 pr-3 text-right tabular-nums">{count(r.q.runs)}</td>
                <td className="py-2 pr-3 text-right tabular-nums">{duration(r.q.medianSeconds)}</td>
                <td className="py-2 text-right tabular-nums">{duration(r.q.p90Seconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
