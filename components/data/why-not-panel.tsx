"use client";
// The profile page's "Why not in …": pick any flow, read in plain sentences why this user is or is not
// in it (GET /api/v1/users/:userId/why).
import { useId, useState } from "react";
import { useFlows } from "@/components/hooks/use-flows";
import { useWhy } from "@/components/hooks/use-users";
import { ErrorNote, inputClass, Loading } from "./data-tabs";

const TONE: Record<string, string> = {
  entered: "border-emerald-200 bg-emerald-50",
  holdout: "border-slate-200 bg-slate-50",
};

export function WhyNotPanel({ userId }: { userId: string }) {
  const flows = useFlows();
  const [flowId, setFlowId] = useState<string | null>(null);
  const why = useWhy(userId, flowId);
  const selectId = useId();
  const published = (flows.data ?? []).filter((f) => f.status !== "draft" || f.version > 0);

  return (
    <section aria-labelledby="why-not" className="mt-6 rounded-xl border border-slate-200 bg-white p-4">
      <h2 id="why-not" className="text-sm font-semibold uppercase tracking-wide text-slate-500">Why (not) in a flow</h2>
      <div className="mt-2 flex flex-wrap items-center gap-2 text-sm">
        <label htmlFor={selectId} className="text-slate-700">Why not in…</label>
        <select id={selectId} className={inputClass} value={flowId ?? ""} onChange={(e) => setFlowId(e.target.value || null)}>
          <option value="">Choose a flow</option>
          {published.map((f) => (
            <option key={f.id} value={f.id}>{f.name}</option>
          ))}
        </select>
      </div>
      {flows.isError ? <ErrorNote error={flows.error} /> : null}
      {flowId && why.isPending ? <Loading label="Reading the history" /> : null}
      {why.isError ? <ErrorNote error={why.error} /> : null}
      {why.data ? (
        <div className="mt-3 text-sm" aria-live="polite">
          <p className="font-medium text-slate-900" data-testid="why-summary">
            {why.data.entered ? `In “${why.data.flowName}”` : `Not in “${why.data.flowName}”`} — {why.data.summary}
          </p>
          {why.data.reasons.length ? (
            <ol className="mt-2 space-y-1" aria-label="Reasons">
              {why.data.reasons.map((r, i) => (
                <li key={i} className={`rounded border px-2 py-1 ${TONE[r.code] ?? "border-amber-200 bg-amber-50"}`} data-code={r.code}>
                  {r.message}
                </li>
              ))}
            </ol>
          ) : (
            <p className="mt-2 text-slate-600">Nothing in the recent history could have let this user in.</p>
          )}
          <p className="mt-2 text-xs text-slate-500">
            Based on the last {why.data.window.events} event{why.data.window.events === 1 ? "" : "s"}
            {why.data.window.complete ? " (the whole history)" : ` (older ones not looked at)`}. {why.data.notes.filter((n) => !n.startsWith("Only")).join(" ")}
          </p>
        </div>
      ) : null}
    </section>
  );
}
