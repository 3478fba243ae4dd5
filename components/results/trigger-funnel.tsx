"use client";
// The flow page's trigger funnel: users who sent the trigger event, how many each test let through,
// how many entered, and where the others stopped ("300 stopped at name is Product A").
import { useTriggerFunnel, type DateRange } from "@/components/hooks/use-results";
import { count } from "./format";
import { Card, Empty, Skeleton } from "./parts";

const show = (v: unknown) => (v === null || v === undefined ? "absent" : typeof v === "string" ? `“${v}”` : JSON.stringify(v));

export function TriggerFunnelCard({ flowId, range }: { flowId: string; range: DateRange }) {
  const q = useTriggerFunnel(flowId, range);
  const f = q.data;
  const subtitle = f
    ? f.sample.complete
      ? `Every trigger event from ${new Date(f.from).toLocaleDateString()} to ${new Date(f.to).toLocaleDateString()} (${count(f.sample.events)}).`
      : `The latest ${count(f.sample.events)} of ${f.sample.totalAtLeast ? "at least " : ""}${count(f.sample.totalEvents)} trigger events in the range (a sample); entered in all: ${count(f.entered.exact)}.`
    : "The trigger funnel: who sent the trigger event, and what each test let through.";
  return (
    <Card id="trigger-funnel" title="Who the trigger let in" subtitle={subtitle}>
      {q.isPending ? (
        <Skeleton label="Loading the trigger funnel" />
      ) : q.isError ? (
        <p role="alert" className="text-sm text-red-700">Could not load the trigger funnel: {q.error.message}</p>
      ) : !f || !f.stages.length || f.stages[0].users === 0 ? (
        <Empty title="No trigger events in this range">Nobody sent an event this flow starts on.</Empty>
      ) : (
        <div className="grid gap-6 lg:grid-cols-2">
          <ol className="space-y-2 text-sm" aria-label="Trigger funnel stages">
            {f.stages.map((s) => {
              const share = f.stages[0].users ? s.users / f.stages[0].users : 0;
              return (
                <li key={s.key} data-stage={s.key}>
                  <div className="flex justify-between gap-2">
                    <span className="text-slate-700">{s.label}</span>
                    <span className="font-medium tabular-nums text-slate-900">{count(s.users)}</span>
                  </div>
                  <div className="mt-1 h-2 rounded bg-slate-100" aria-hidden>
                    <div className="h-2 rounded bg-brand-500" style={{ width: `${Math.round(share * 100)}%` }} />
                  </div>
                </li>
              );
            })}
            {f.entered.holdout ? <li className="text-xs text-slate-500">{count(f.entered.holdout)} of those who entered are in the holdout group.</li> : null}
          </ol>
          <div>
            <h3 className="text-sm font-medium text-slate-700">Where the others stopped</h3>
            {f.stops.length ? (
              <ul className="mt-2 space-y-2 text-sm" aria-label="Where users stopped">
                {f.stops.map((s, i) => (
                  <li key={i} data-code={s.code}>
                    <span className="font-medium tabular-nums">{count(s.users)}</span> stopped at <span className="font-medium">{s.label}</span>
                    {s.nodeId ? <span className="text-slate-500"> ({s.nodeId})</span> : null}
                    {s.seen?.length ? <span className="block text-xs text-slate-500">Seen: {s.seen.map((v) => `${show(v.value)} × ${count(v.users)}`).join(", ")}</span> : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="mt-2 text-sm text-slate-600">Everyone who sent the trigger event entered.</p>
            )}
          </div>
        </div>
      )}
    </Card>
  );
}
