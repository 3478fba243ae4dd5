"use client";
// /flows/:id/results: where users drop off, which touchpoint works, and whether variants or the flow
// itself beat their control, for the runs that entered in the chosen date range.
import { SatisfactionCard, TimeInFlowCard } from "./satisfaction";
import Link from "next/link";
import { useState } from "react";
import { rangeQuery, useFlowResults, type DateRange } from "@/components/hooks/use-results";
import { StatusBadge } from "@/components/ui/status-badge";
import type { FlowResults } from "@/lib/results/results";
import { DailyChart, FunnelChart, TimeToConvertChart } from "./charts";
import { DateRangePicker } from "./date-range";
import { Experiments } from "./experiments";
import { count, percent } from "./format";
import { Card, Empty, Skeleton, Stat } from "./parts";
import { TriggerFunnelCard } from "./trigger-funnel";

export function ResultsDashboard({ flowId }: { flowId: string }) {
  const [range, setRange] = useState<DateRange>({});
  const q = useFlowResults(flowId, range);
  const r = q.data;
  return (
    <div className="mx-auto max-w-7xl px-4 py-8">
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/flows" className="hover:text-brand-700">Flows</Link>
        <span aria-hidden> / </span>
        {r ? <Link href={`/flows/${flowId}`} className="hover:text-brand-700">{r.flow.name}</Link> : "…"}
        <span aria-hidden> / </span>
        <span className="text-slate-700">Results</span>
      </nav>
      <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="flex items-center gap-3 text-2xl font-semibold">
            {r ? r.flow.name : "Results"}
            {r ? <StatusBadge status={r.flow.status} /> : null}
          </h1>
          <p className="mt-1 text-sm text-slate-600">
            {r ? (
              <>
                {r.flow.version > 0 ? `Version ${r.flow.version}` : "Not published yet"} · Goal: {r.flow.goal ? <strong className="font-medium text-slate-800">{r.flow.goal}</strong> : "none set"} · Runs counted by the day they entered (UTC).
              </>
            ) : (
              "Funnel, outcomes, variants and holdout."
            )}
          </p>
        </div>
        <div className="flex flex-wrap items-end gap-3">
          <DateRangePicker value={range} onChange={setRange} />
          <a
            href={`/api/v1/flows/${flowId}/results/csv${rangeQuery(range)}`}
            download
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50"
          >
            Export CSV
          </a>
        </div>
      </div>
      {q.isPending ? (
        <Skeleton label="Loading results" />
      ) : q.isError ? (
        <p role="alert" className="rounded-md bg-red-50 p-4 text-sm text-red-700">
          Could not load the results: {q.error.message}
        </p>
      ) : (
        <Body r={r!} refreshing={q.isFetching && q.isPlaceholderData} range={range} />
      )}
    </div>
  );
}

function Body({ r, refreshing, range }: { r: FlowResults; refreshing: boolean; range: DateRange }) {
  const s = r.stats;
  return (
    <div className={`space-y-6 transition-opacity ${refreshing ? "opacity-60" : ""}`} aria-busy={refreshing}>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5" data-testid="kpis">
        <Stat label="Entered" value={count(s.entered)} testId="kpi-entered" />
        <Stat label="In progress" value={count(s.active)} hint="active or waiting" />
        <Stat label="Completed" value={count(s.completed)} hint="ended or exited" />
        <Stat label="Converted" value={count(s.converted)} testId="kpi-converted" />
        <Stat
          label="Conversion rate"
          value={percent(r.conversion.rate)}
          hint={s.entered ? `95% CI ${percent(r.conversion.interval.low)}–${percent(r.conversion.interval.high)}` : "no entries yet"}
          testId="kpi-rate"
        />
      </div>

      <TriggerFunnelCard flowId={r.flow.id} range={range} />

      {s.entered === 0 ? (
        <Card title="No results yet" id="no-data">
          <Empty title="Nobody has entered this flow in this range">
            {r.flow.version > 0 ? "Once events that match a trigger arrive, runs, steps and outcomes show up here within a minute." : "Publish the flow so users can enter it."}
          </Empty>
        </Card>
      ) : (
        <>
          <Card id="funnel" title="Funnel" subtitle="Runs that reached each node, in graph order; the orange part stopped there (ended, or still waiting).">
            <FunnelChart funnel={r.funnel} />
            <FunnelTable funnel={r.funnel} />
          </Card>
          <div className="grid gap-6 lg:grid-cols-2">
            <Card id="daily" title="Entries and conversions per day" subtitle="Conversions are counted on the day they happened.">
              <DailyChart daily={r.daily} />
            </Card>
            <Card id="ttc" title="Time to convert" subtitle={`${count(s.converted)} conversions, from entry to the goal event.`}>
              {s.converted ? <TimeToConvertChart buckets={r.timeToConvert} /> : <Empty title="No conversions yet">{r.flow.goal ? `Waiting for “${r.flow.goal}” events from users in the flow.` : "Set a goal in the flow's settings to measure conversions."}</Empty>}
            </Card>
          </div>
          <Card id="messages" title="Touchpoints" subtitle="Outcomes per message node. Emails and webhooks are sent or fail; in-app messages are shown, clicked or dismissed. Click rate = clicked ÷ shown; failure rate = failed ÷ (sent + failed).">
            <Messages messages={r.messages} />
          </Card>
          <div className="grid gap-6 lg:grid-cols-2">
            <SatisfactionCard results={r} />
            <TimeInFlowCard results={r} />
          </div>
        </>
      )}
      <Experiments results={r} />
    </div>
  );
}

function FunnelTable({ funnel }: { funnel: FlowResults["funnel"] }) {
  return (
    <details className="mt-3 text-sm">
      <summary className="cursor-pointer text-slate-600 hover:text-slate-900">Show the numbers</summary>
      <table className="mt-2 w-full text-sm">
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 text-left font-medium">Node</th>
            <th scope="col" className="py-2 text-right font-medium">Entered</th>
            <th scope="col" className="py-2 text-right font-medium">Of all</th>
            <th scope="col" className="py-2 text-right font-medium">Stopped here</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {funnel.map((f) => (
            <tr key={f.nodeId} data-testid="funnel-row">
              <td className="py-1.5" style={{ paddingLeft: `${Math.max(0, f.depth) * 12}px` }}>
                {f.label} <span className="text-xs text-slate-400">{f.nodeId}</span>
              </td>
              <td className="py-1.5 text-right tabular-nums">{count(f.entered)}</td>
              <td className="py-1.5 text-right tabular-nums">{percent(f.shareOfEntered)}</td>
              <td className="py-1.5 text-right tabular-nums">{f.dropOff === null ? "end" : `${count(f.dropOff)} (${percent(f.dropOffRate)})`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

const CHANNEL = { in_app: "In-app", email: "Email", webhook: "Webhook" } as Record<string, string>;

/** A cell that does not apply to the row's channel: a dash with the reason, not a misleading 0. */
function NA({ on, why, children }: { on: boolean; why: string; children: React.ReactNode }) {
  return <td className="py-2 pr-3 text-right tabular-nums">{on ? <span className="text-slate-400" title={why} aria-label="does not apply">—</span> : children}</td>;
}

function Messages({ messages }: { messages: FlowResults["messages"] }) {
  if (!messages.length) return <Empty title="This flow sends no messages">Add a message node to see sends, views and clicks here.</Empty>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[760px] text-sm">
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-3 text-left font-medium">Message</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Reached</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Sent</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Failed</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Shown</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Clicked</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Dismissed</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Click rate</th>
            <th scope="col" className="py-2 text-right font-medium">Failure rate</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {messages.map((m) => (
            <tr key={m.nodeId} data-testid="message-row">
              <th scope="row" className="py-2 pr-3 text-left font-medium text-slate-800">
                {m.label}
                <div className="text-xs font-normal text-slate-400">
                  {CHANNEL[m.channel] ?? m.channel} · {m.nodeId}
                </div>
              </th>
              <td className="py-2 pr-3 text-right tabular-nums">{count(m.reached)}</td>
              {/* In-app messages are never "sent": they are shown by the SDK. Email and webhooks are never "shown". */}
              <NA on={m.channel === "in_app"} why="In-app messages are shown, not sent">{count(m.outcomes.sent)}</NA>
              <NA on={m.channel === "in_app"} why="In-app messages are shown, not sent">{count(m.outcomes.failed)}</NA>
              <NA on={m.channel !== "in_app"} why="Only in-app messages are shown, clicked or dismissed">{count(m.outcomes.shown)}</NA>
              <NA on={m.channel !== "in_app"} why="Only in-app messages are shown, clicked or dismissed">{count(m.outcomes.clicked)}</NA>
              <NA on={m.channel !== "in_app"} why="Only in-app messages are shown, clicked or dismissed">{count(m.outcomes.dismissed)}</NA>
              <NA on={m.channel !== "in_app"} why="Only in-app messages are clicked">{percent(m.rates.click)}</NA>
              <td className={`py-2 text-right tabular-nums ${m.rates.failure && m.rates.failure > 0.1 ? "font-medium text-[#a34800]" : ""}`}>{m.channel === "in_app" ? <span className="text-slate-400" title="In-app messages are shown, not sent">—</span> : percent(m.rates.failure)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
