"use client";
// The dashboards' recharts charts, in the Okabe–Ito palette, with numbers formatted for people. Each
// chart is an image with a name, and its numbers are one click away as a table (the text alternative
// for screen readers and for anyone who wants the exact figures).
import { Bar, BarChart, CartesianGrid, ComposedChart, ErrorBar, Legend, Line, LineChart, Tooltip, XAxis, YAxis, Area, AreaChart } from "recharts";
import type { FlowResults } from "@/lib/results/results";
import { compact, count, dayLabel, percent, PALETTE } from "./format";

const axis = { fontSize: 12, fill: "#64748b" };
const tooltipStyle = { borderRadius: 8, border: "1px solid #e2e8f0", fontSize: 12 };

/** A chart's figures as a table, folded under the chart. The first column names each row. */
export function ChartTable({ caption, columns, rows }: { caption: string; columns: string[]; rows: (string | number)[][] }) {
  return (
    <details className="mt-3 text-sm" data-testid="chart-table">
      <summary className="cursor-pointer text-slate-600 hover:text-slate-900">Show the numbers</summary>
      <div className="mt-2 max-h-72 overflow-y-auto">
        <table className="w-full text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              {columns.map((c, i) => (
                <th key={c} scope="col" className={`py-2 font-medium ${i ? "text-right" : "text-left"}`}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map(([head, ...cells], r) => (
              <tr key={r}>
                <th scope="row" className="py-1.5 text-left font-normal text-slate-800">
                  {head}
                </th>
                {cells.map((c, i) => (
                  <td key={i} className="py-1.5 text-right tabular-nums text-slate-700">
                    {typeof c === "number" ? count(c) : c}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

export function FunnelChart({ funnel }: { funnel: FlowResults["funnel"] }) {
  const data = funnel.map((f) => ({
    name: `${"  ".repeat(Math.max(0, f.depth))}${f.label}`,
    continued: f.continued === null ? f.entered : f.continued,
    stopped: f.dropOff ?? 0,
    entered: f.entered,
  }));
  return (
    <div role="img" aria-label="Funnel: runs per node in graph order, split into those that continued and those that stopped">
      <BarChart responsive layout="vertical" data={data} style={{ width: "100%", height: Math.max(160, data.length * 38 + 40) }} margin={{ left: 8, right: 24 }} barCategoryGap={8}>
        <CartesianGrid horizontal={false} stroke="#f1f5f9" />
        <XAxis type="number" tick={axis} tickFormatter={compact} allowDecimals={false} />
        <YAxis type="category" dataKey="name" width={190} tick={{ ...axis, fill: "#334155" }} interval={0} />
        <Tooltip contentStyle={tooltipStyle} formatter={(v, n) => [count(Number(v)), n === "continued" ? "Continued (or ended here as planned)" : "Stopped here (ended or still waiting)"]} />
        <Legend formatter={(v) => (v === "continued" ? "Continued" : "Stopped here")} wrapperStyle={{ fontSize: 12 }} />
        <Bar dataKey="continued" stackId="a" fill={PALETTE.blue} radius={[0, 0, 0, 0]} isAnimationActive={false} />
        <Bar dataKey="stopped" stackId="a" fill={PALETTE.orange} radius={[0, 4, 4, 0]} isAnimationActive={false} />
      </BarChart>
    </div>
  );
}

export function DailyChart({ daily }: { daily: FlowResults["daily"] }) {
  const data = daily.map((d) => ({ ...d, label: dayLabel(d.day), rate: d.entered > 0 ? d.converted / d.entered : null }));
  return (
    <>
      <div role="img" aria-label="Entries and conversions per day">
        <ComposedChart responsive data={data} style={{ width: "100%", height: 240 }} margin={{ left: 0, right: 8 }}>
          <CartesianGrid vertical={false} stroke="#f1f5f9" />
          <XAxis dataKey="label" tick={axis} minTickGap={24} />
          <YAxis tick={axis} tickFormatter={compact} allowDecimals={false} width={48} />
          <Tooltip contentStyle={tooltipStyle} formatter={(v, n) => [count(Number(v)), String(n)]} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="entered" name="Entered" fill={PALETTE.sky} radius={[3, 3, 0, 0]} isAnimationActive={false} />
          <Line dataKey="conversions" name="Conversions" stroke={PALETTE.blue} strokeWidth={2} dot={false} isAnimationActive={false} />
          <Line dataKey="holdoutConversions" name="Holdout conversions" stroke={PALETTE.orange} strokeWidth={2} strokeDasharray="4 3" dot={false} isAnimationActive={false} />
        </ComposedChart>
      </div>
      <ChartTable caption="Entries and conversions per day" columns={["Day", "Entered", "Conversions", "Holdout conversions"]} rows={data.map((d) => [d.label, d.entered, d.conversions, d.holdoutConversions])} />
    </>
  );
}

export function TimeToConvertChart({ buckets }: { buckets: FlowResults["timeToConvert"] }) {
  return (
    <>
      <div role="img" aria-label="How long converting users took from entry to conversion">
        <BarChart responsive data={buckets} style={{ width: "100%", height: 220 }} margin={{ left: 0, right: 8 }}>
          <CartesianGrid vertical={false} stroke="#f1f5f9" />
          <XAxis dataKey="bucket" tick={{ ...axis, fontSize: 11 }} interval={0} angle={-30} textAnchor="end" height={56} />
          <YAxis tick={axis} tickFormatter={compact} allowDecimals={false} width={48} />
          <Tooltip contentStyle={tooltipStyle} formatter={(v) => [count(Number(v)), "Conversions"]} />
          <Bar dataKey="count" name="Conversions" fill={PALETTE.green} radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </div>
      <ChartTable caption="Conversions by time from entry to conversion" columns={["Time to convert", "Conversions"]} rows={buckets.map((b) => [b.bucket, b.count])} />
    </>
  );
}

/** Conversion rate per group with its 95% Wilson interval as an error bar. */
export function RateChart({ groups, label }: { groups: { name: string; rate: number; low: number; high: number; control: boolean }[]; label: string }) {
  const data = groups.map((g) => ({ ...g, err: [g.rate - g.low, g.high - g.rate] }));
  return (
    <div role="img" aria-label={label}>
      <BarChart responsive layout="vertical" data={data} style={{ width: "100%", height: data.length * 44 + 48 }} margin={{ left: 8, right: 32 }}>
        <CartesianGrid horizontal={false} stroke="#f1f5f9" />
        <XAxis type="number" tick={axis} tickFormatter={(v) => percent(Number(v), 0)} domain={[0, (max: number) => Math.min(1, Math.ceil(Math.max(0.05, max * 1.1) / 0.05) * 0.05)]} />
        <YAxis type="category" dataKey="name" width={120} tick={{ ...axis, fill: "#334155" }} />
        <Tooltip
          contentStyle={tooltipStyle}
          formatter={(_v, _n, item) => {
            const p = item.payload as (typeof data)[number];
            return [`${percent(p.rate)} (95% CI ${percent(p.low)}–${percent(p.high)})`, "Conversion rate"];
          }}
        />
        <Bar dataKey="rate" isAnimationActive={false} radius={[0, 4, 4, 0]} fill={PALETTE.blue} shape={undefined}>
          <ErrorBar dataKey="err" width={6} strokeWidth={1.5} stroke="#0f172a" direction="x" />
        </Bar>
      </BarChart>
    </div>
  );
}

export function Sparkline({ points, label }: { points: { day: string; rate: number | null }[]; label: string }) {
  const withData = points.filter((p) => p.rate !== null).length;
  if (!withData) return <span className="text-xs text-slate-400">no entries</span>;
  return (
    <span role="img" aria-label={label} className="inline-block">
      <LineChart width={128} height={32} data={points} margin={{ top: 4, bottom: 4, left: 2, right: 2 }}>
        <YAxis hide domain={[0, "dataMax"]} />
        <Line dataKey="rate" stroke={PALETTE.blue} strokeWidth={1.75} dot={withData < 3 ? { r: 2.5, fill: PALETTE.blue } : false} connectNulls isAnimationActive={false} />
      </LineChart>
    </span>
  );
}

export function VolumeChart({ daily }: { daily: { day: string; count: number }[] }) {
  const data = daily.map((d) => ({ ...d, label: dayLabel(d.day) }));
  return (
    <>
      <div role="img" aria-label="Events received per day">
        <AreaChart responsive data={data} style={{ width: "100%", height: 200 }} margin={{ left: 0, right: 8 }}>
          <CartesianGrid vertical={false} stroke="#f1f5f9" />
          <XAxis dataKey="label" tick={axis} minTickGap={24} />
          <YAxis tick={axis} tickFormatter={compact} allowDecimals={false} width={48} />
          <Tooltip contentStyle={tooltipStyle} formatter={(v) => [count(Number(v)), "Events"]} />
          <Area dataKey="count" name="Events" stroke={PALETTE.blue} fill={PALETTE.sky} fillOpacity={0.35} strokeWidth={2} isAnimationActive={false} />
        </AreaChart>
      </div>
      <ChartTable caption="Events received per day" columns={["Day", "Events"]} rows={data.map((d) => [d.label, d.count])} />
    </>
  );
}
