"use client";
// Home: every flow's health at a glance (entered, converted, a conversion sparkline), event volume,
// and alerts when volume or a touchpoint's failure rate leaves its trailing baseline.
import Link from "next/link";
import { useOverview } from "@/components/hooks/use-results";
import { useConflicts } from "@/components/hooks/use-conflicts";
import { useCan } from "@/components/account-context";
import { StatusBadge } from "@/components/ui/status-badge";
import type { Overview } from "@/lib/results/overview";
import { Sparkline, VolumeChart } from "./charts";
import { count, percent } from "./format";
import { Card, Empty, Skeleton, Stat } from "./parts";

const DAYS = 30;

export function HomeDashboard() {
  const q = useOverview(DAYS);
  return (
    <div className="mx-auto max-w-7xl px-4 py-8">
      <div className="mb-6">
        <h1 className="text-2xl font-semibold">Home</h1>
        <p className="text-sm text-slate-600">How every flow is doing over the last {DAYS} days, and whether anything needs attention.</p>
      </div>
      {q.isPending ? (
        <Skeleton label="Loading the overview" rows={2} />
      ) : q.isError ? (
        <p role="alert" className="rounded-md bg-red-50 p-4 text-sm text-red-700">
          Could not load the overview: {q.error.message}
        </p>
      ) : (
        <Body o={q.data} />
      )}
    </div>
  );
}

function Body({ o }: { o: Overview }) {
  const active = o.flows.filter((f) => f.status === "active").length;
  const entered = o.flows.reduce((s, f) => s + f.entered, 0);
  const converted = o.flows.reduce((s, f) => s + f.converted, 0);
  return (
    <div className="space-y-6">
      <Alerts alerts={o.alerts} />
      <Channels email={o.channels?.email.configured ?? true} />
      <Conflicts />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label="Events, last 24 h" value={count(o.events.last24h)} testId="home-events" />
        <Stat label="Active flows" value={count(active)} hint={`of ${count(o.flows.length)}`} />
        <Stat label={`Entered, ${o.days} days`} value={count(entered)} testId="home-entered" />
        <Stat label={`Converted, ${o.days} days`} value={count(converted)} hint={entered ? `${percent(converted / entered)} of entries` : undefined} />
      </div>
      <Card id="flows-health" title="Flows" subtitle={`Entries and conversions of runs that entered in the last ${o.days} days; the line is the daily conversion rate.`}>
        <FlowsTable flows={o.flows} />
      </Card>
      <Card id="event-volume" title="Event volume" subtitle="Events received per day (UTC).">
        {o.events.total === 0 ? <Empty title="No events received yet">Send events with the SDK or POST /api/v1/track; they show up here.</Empty> : <VolumeChart daily={o.events.daily} />}
      </Card>
    </div>
  );
}

/** Which channels can deliver: email needs an SMTP server, the others nothing. */
function Channels({ email }: { email: boolean }) {
  return (
    <p className="flex flex-wrap items-center gap-x-3 gap-y-1 px-1 text-xs text-slate-600" data-testid="home-channels">
      <span className="font-medium uppercase tracking-wide text-slate-500">Channels</span>
      <span>In-app ✓</span>
      <span>Webhooks ✓</span>
      {email ? <span>Email ✓</span> : <span className="font-medium text-[#a34800]" data-testid="home-email-unconfigured">Email ✗ not set up: no SMTP server (SMTP_URL or SMTP_HOST), so emails fail</span>}
    </p>
  );
}

function Alerts({ alerts }: { alerts: Overview["alerts"] }) {
  if (!alerts.length) {
    return (
      <div className="flex items-center gap-2 rounded-xl border border-slate-200 bg-white px-4 py-3 text-sm text-slate-600 shadow-sm" data-testid="alerts-clear">
        <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-full bg-[#009E73]" />
        All clear: event volume and delivery failures are within their usual range.
      </div>
    );
  }
  return (
    <section aria-label="Alerts" className="space-y-2" data-testid="alerts">
      {alerts.map((a, i) => (
        <div
          key={i}
          role="alert"
          className={`rounded-xl border px-4 py-3 text-sm shadow-sm ${a.severity === "critical" ? "border-[#D55E00]/40 bg-[#D55E00]/5" : "border-[#E69F00]/50 bg-[#E69F00]/5"}`}
        >
          <div className="font-semibold text-slate-900">
            <span aria-hidden className="mr-1.5">{a.severity === "critical" ? "■" : "▲"}</span>
            {a.title} <span className="ml-1 text-xs font-medium uppercase tracking-wide text-slate-500">{a.severity}</span>
          </div>
          <p className="mt-0.5 text-slate-700">
            {a.message}{" "}
            {a.flowId ? (
              <Link href={`/flows/${a.flowId}/results`} className="font-medium text-brand-700 hover:underline">
                See results
              </Link>
            ) : null}
          </p>
        </div>
      ))}
    </section>
  );
}

function FlowsTable({ flows }: { flows: Overview["flows"] }) {
  const canEdit = useCan("editor");
  if (!flows.length) {
    return (
      <Empty title="No flows yet">
        A flow greets each user with the right message at the right moment.{" "}
        {canEdit ? (
          <Link href="/flows" className="font-medium text-brand-700 hover:underline">
            Create your first flow
          </Link>
        ) : null}
      </Empty>
    );
  }
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[640px] text-sm">
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-3 text-left font-medium">Flow</th>
            <th scope="col" className="py-2 pr-3 text-left font-medium">Status</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Entered</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Converted</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Rate</th>
            <th scope="col" className="py-2 text-left font-medium">Daily conversion</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {flows.map((f) => (
            <tr key={f.id} data-testid="home-flow-row">
              <td className="py-2 pr-3">
                <Link href={`/flows/${f.id}/results`} className="font-medium text-slate-900 hover:text-brand-700">
                  {f.name}
                </Link>
                <div className="text-xs text-slate-400">{f.version > 0 ? `v${f.version}` : "draft"}</div>
              </td>
              <td className="py-2 pr-3"><StatusBadge status={f.status} /></td>
              <td className="py-2 pr-3 text-right tabular-nums">{count(f.entered)}</td>
              <td className="py-2 pr-3 text-right tabular-nums">{count(f.converted)}</td>
              <td className="py-2 pr-3 text-right tabular-nums">{f.entered ? percent(f.conversionRate) : "—"}</td>
              <td className="py-2">
                <Sparkline points={f.sparkline} label={`Daily conversion rate of ${f.name} over ${f.sparkline.length} days`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Active flows that fill the same placement from the same trigger (lib/flow/conflicts.ts). */
function Conflicts() {
  const q = useConflicts();
  const list = q.data?.conflicts ?? [];
  if (!list.length) return null;
  return (
    <section aria-label="Flow conflicts" className="space-y-2" data-testid="conflicts">
      {list.map((c) => (
        <div key={`${c.placement}-${c.triggerKey}`} className="rounded-xl border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 shadow-sm">
          <p className="font-semibold">Two flows compete for “{c.placement}”</p>
          <p className="mt-0.5">{c.message}</p>
          <p className="mt-1 flex flex-wrap gap-3 text-xs">
            {c.flows.map((f) => (
              <Link key={f.id} href={`/flows/${f.id}`} className="font-medium underline">
                {f.name} (priority {f.priority})
              </Link>
            ))}
          </p>
        </div>
      ))}
    </section>
  );
}
