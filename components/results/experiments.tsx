"use client";
// Variants and holdout: conversion with 95% Wilson intervals, uplift with 95% Newcombe intervals,
// the probability to beat control, and a verdict only once there is enough data.
import type { FlowResults } from "@/lib/results/results";
import { MIN_CONVERSIONS_PER_ARM, MIN_ENTERED_PER_ARM } from "@/lib/stats";
import { RateChart } from "./charts";
import { count, percent, points, signedPercent } from "./format";
import { Card, Empty, VerdictBadge } from "./parts";

type RateT = FlowResults["conversion"];
type Comparison = NonNullable<FlowResults["experiments"][number]["arms"][number]["comparison"]>;

function Row({ name, rate, comparison, control, against, againstName }: { name: string; rate: RateT; comparison: Comparison | null; control: boolean; against: string; againstName: string }) {
  return (
    <tr className="align-top">
      <th scope="row" className="py-2.5 pr-3 text-left font-medium text-slate-800">
        {name}
        {control ? <span className="ml-1.5 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-normal text-slate-500">{against}</span> : null}
      </th>
      <td className="py-2.5 pr-3 text-right tabular-nums">{count(rate.n)}</td>
      <td className="py-2.5 pr-3 text-right tabular-nums">{count(rate.x)}</td>
      <td className="py-2.5 pr-3 text-right tabular-nums">
        <span className="font-medium text-slate-900">{percent(rate.rate)}</span>
        <div className="text-xs text-slate-500">
          {percent(rate.interval.low)} – {percent(rate.interval.high)}
        </div>
      </td>
      <td className="py-2.5 pr-3 text-right tabular-nums">
        {comparison ? (
          <>
            <span className="font-medium text-slate-900">{points(comparison.uplift.absolute)}</span>
            <div className="text-xs text-slate-500">
              {points(comparison.uplift.absoluteInterval.low)} to {points(comparison.uplift.absoluteInterval.high)}
            </div>
          </>
        ) : (
          <span className="text-slate-400">—</span>
        )}
      </td>
      <td className="py-2.5 pr-3 text-right tabular-nums">{comparison ? signedPercent(comparison.uplift.relative) : <span className="text-slate-400">—</span>}</td>
      <td className="py-2.5 pr-3 text-right tabular-nums">{comparison ? percent(comparison.probabilityToBeat, 0) : <span className="text-slate-400">—</span>}</td>
      <td className="py-2.5 text-right">
        {comparison ? <VerdictBadge kind={comparison.verdict.kind} name={name} against={againstName} reason={comparison.verdict.kind === "not_enough_data" ? comparison.verdict.reason : undefined} /> : null}
      </td>
    </tr>
  );
}

function Table({ children, against }: { children: React.ReactNode; against: string }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[720px] text-sm">
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-3 text-left font-medium">Group</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Entered</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Converted</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Rate · 95% CI</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Uplift · 95% CI</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Relative</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">P(beats {against})</th>
            <th scope="col" className="py-2 text-right font-medium"><span className="sr-only">Verdict</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}

const footnote = `Intervals: Wilson (rates) and Newcombe (differences), 95%. P(beats) is the Beta-Binomial posterior probability with uniform priors. A verdict needs ≥ ${MIN_ENTERED_PER_ARM} entries per group and ≥ ${2 * MIN_CONVERSIONS_PER_ARM} conversions in total, then P ≥ 95% and an interval that excludes 0.`;

export function Experiments({ results }: { results: FlowResults }) {
  const { experiments, holdout, globalControl, placementHolds } = results;
  return (
    <>
      {experiments.map((e) => (
        <Card key={e.splitNodeId} id={`experiment-${e.splitNodeId}`} title={`Variants · ${e.label}`} subtitle={`Split node ${e.splitNodeId}; holdout users are left out of the comparison.`}>
          {e.arms.every((a) => a.conversion.n === 0) ? (
            <Empty title="No one has reached this split yet">Variants appear here once users pass the split node.</Empty>
          ) : (
            <div className="space-y-4">
              <RateChart label={`Conversion rate per variant of ${e.label}, with 95% intervals`} groups={e.arms.map((a) => ({ name: a.label, rate: a.conversion.rate, low: a.conversion.interval.low, high: a.conversion.interval.high, control: a.isControl }))} />
              <Table against="control">
                {e.arms.map((a) => (
                  <Row key={a.branchId} name={a.label} rate={a.conversion} comparison={a.comparison} control={a.isControl} against="control" againstName={e.arms.find((x) => x.isControl)?.label ?? "Control"} />
                ))}
              </Table>
              <p className="text-xs text-slate-500">{footnote}</p>
            </div>
          )}
        </Card>
      ))}
      {holdout ? (
        <Card id="holdout" title="Flow vs holdout" subtitle={`${results.flow.holdoutPercent}% of entering users are held out: counted, but sent no message. The uplift is what the flow adds.`}>
          {holdout.treatment.n + holdout.control.n === 0 ? (
            <Empty title="No entries yet">The comparison appears once users enter the flow.</Empty>
          ) : (
            <div className="space-y-4">
              <RateChart
                label="Conversion rate of the flow and of the holdout, with 95% intervals"
                groups={[
                  { name: "Flow", rate: holdout.treatment.rate, low: holdout.treatment.interval.low, high: holdout.treatment.interval.high, control: false },
                  { name: "Holdout", rate: holdout.control.rate, low: holdout.control.interval.low, high: holdout.control.interval.high, control: true },
                ]}
              />
              <Table against="holdout">
                <Row name="Flow" rate={holdout.treatment} comparison={holdout.comparison} control={false} against="holdout" againstName="Holdout" />
                <Row name="Holdout" rate={holdout.control} comparison={null} control against="holdout" againstName="Holdout" />
              </Table>
              <p className="text-xs text-slate-500">{footnote.replaceAll("per group", "per group (flow and holdout)")}</p>
            </div>
          )}
        </Card>
      ) : null}
      {globalControl ? (
        <Card
          id="global-control"
          title="Flow vs global control group"
          subtitle={`${globalControl.percent}% of all users are in the workspace's control group: they enter every flow, are counted, and get no message from any flow. The uplift is what this flow adds over sending nothing at all.`}
        >
          {globalControl.treatment.n + globalControl.control.n === 0 ? (
            <Empty title="No entries yet">The comparison appears once users enter the flow.</Empty>
          ) : (
            <div className="space-y-4">
              <Table against="global control">
                <Row name="Flow" rate={globalControl.treatment} comparison={globalControl.comparison} control={false} against="global control" againstName="Global control" />
                <Row name="Global control" rate={globalControl.control} comparison={null} control against="global control" againstName="Global control" />
              </Table>
              <p className="text-xs text-slate-500">{footnote}</p>
            </div>
          )}
        </Card>
      ) : null}
      {placementHolds.heldFromOthers + placementHolds.heldForThis > 0 ? (
        <Card id="placement-holds" title="Placements held for holdouts" subtitle="A user in a holdout sees nothing in that placement from any flow, so the holdout stays a fair comparison.">
          <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700" data-testid="placement-holds">
            {placementHolds.heldFromOthers > 0 ? (
              <li>
                {count(placementHolds.heldFromOthers)} of this flow&apos;s in-app messages were not shown: the user is in another flow&apos;s holdout for the same placement.
              </li>
            ) : null}
            {placementHolds.heldForThis > 0 ? (
              <li>
                {count(placementHolds.heldForThis)} of this flow&apos;s holdout users had another flow&apos;s message for the same placement held back.
              </li>
            ) : null}
          </ul>
        </Card>
      ) : null}
    </>
  );
}
