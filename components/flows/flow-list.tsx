"use client";
// The flows list (status, version, entered and conversion over the last 30 days) with an empty state
// that creates a flow from a template in one click, and a "New flow" dialog (blank or template).
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { useCreateFlow, useFlows } from "@/components/hooks/use-flows";
import { useOverview } from "@/components/hooks/use-results";
import { useCan } from "@/components/account-context";
import { StatusBadge } from "@/components/ui/status-badge";
import { formatNumber, formatPercent, relativeTime } from "@/components/ui/time";
import { TEMPLATES, type FlowTemplate } from "@/lib/flow/templates";

// The same window as the home page, so both share one cached answer.
const DAYS = 30;

export function FlowList() {
  const flows = useFlows();
  const overview = useOverview(DAYS);
  const canEdit = useCan("editor");
  const [creating, setCreating] = useState(false);
  const counts = useMemo(() => new Map((overview.data?.flows ?? []).map((f) => [f.id, f])), [overview.data]);
  return (
    <div className="mx-auto max-w-6xl px-4 py-8">
      <div className="mb-6 flex items-center justify-between">
        <div>
          <h1 className="text-2xl font-semibold">Flows</h1>
          <p className="text-sm text-slate-600">If/then journeys that run for every user event.</p>
        </div>
        {canEdit ? (
          <button type="button" onClick={() => setCreating(true)} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700">
            New flow
          </button>
        ) : null}
      </div>
      {creating ? <NewFlowDialog onClose={() => setCreating(false)} /> : null}
      {flows.isPending ? (
        <div className="space-y-2" aria-busy="true" aria-label="Loading flows">
          {[0, 1, 2].map((i) => (
            <div key={i} className="h-14 animate-pulse rounded-lg bg-slate-200/60" />
          ))}
        </div>
      ) : flows.isError ? (
        <p role="alert" className="rounded-md bg-red-50 p-4 text-sm text-red-700">
          Could not load flows: {flows.error.message}
        </p>
      ) : flows.data.length === 0 ? (
        <EmptyState canEdit={canEdit} onBlank={() => setCreating(true)} />
      ) : (
        <div className="overflow-hidden rounded-xl border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-3 font-medium">Name</th>
                <th scope="col" className="px-4 py-3 font-medium">Status</th>
                <th scope="col" className="px-4 py-3 font-medium">Version</th>
                <th scope="col" className="px-4 py-3 text-right font-medium">
                  Entered <span className="normal-case tracking-normal">({DAYS} d)</span>
                </th>
                <th scope="col" className="px-4 py-3 text-right font-medium">Conversion</th>
                <th scope="col" className="px-4 py-3 font-medium">Updated</th>
                <th scope="col" className="px-4 py-3 font-medium"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {flows.data.map((f) => (
                <tr key={f.id} className="hover:bg-slate-50" data-testid="flow-row">
                  <td className="px-4 py-3 font-medium">
                    <Link href={`/flows/${f.id}`} className="text-slate-900 hover:text-brand-700">
                      {f.name}
                    </Link>
                  </td>
                  <td className="px-4 py-3"><StatusBadge status={f.status} /></td>
                  <td className="px-4 py-3 tabular-nums text-slate-600">{f.version > 0 ? `v${f.version}` : "—"}</td>
                  <Counts c={counts.get(f.id)} pending={overview.isPending} failed={overview.isError} />
                  <td className="px-4 py-3 text-slate-600">{relativeTime(f.updatedAt)}</td>
                  <td className="px-4 py-3 text-right">
                    <Link href={`/flows/${f.id}/results`} className="text-sm text-brand-700 hover:underline">Results</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function Counts({ c, pending, failed }: { c?: { entered: number; converted: number; conversionRate: number }; pending: boolean; failed: boolean }) {
  if (pending) {
    return (
      <td colSpan={2} className="px-4 py-3" aria-label="Loading counts">
        <span className="ml-auto block h-3 w-24 animate-pulse rounded bg-slate-200/70" />
      </td>
    );
  }
  if (failed || !c) {
    return (
      <td colSpan={2} className="px-4 py-3 text-right text-xs text-slate-500">
        {failed ? "Counts unavailable" : "—"}
      </td>
    );
  }
  return (
    <>
      <td className="px-4 py-3 text-right tabular-nums text-slate-700" data-testid="flow-entered">{formatNumber(c.entered)}</td>
      <td className="px-4 py-3 text-right tabular-nums text-slate-700" data-testid="flow-conversion" title={`${formatNumber(c.converted)} converted`}>
        {c.entered > 0 ? formatPercent(c.conversionRate) : "—"}
      </td>
    </>
  );
}

/** No flows yet: the templates as cards, each creating its flow in one click. */
function EmptyState({ canEdit, onBlank }: { canEdit: boolean; onBlank: () => void }) {
  const router = useRouter();
  const create = useCreateFlow();
  const [pendingId, setPendingId] = useState<string | null>(null);
  const start = (t: FlowTemplate) => {
    setPendingId(t.id);
    create.mutate(
      { name: t.name, graph: t.graph, settings: t.settings, description: t.description, tests: t.tests },
      { onSuccess: (flow) => router.push(`/flows/${flow.id}`), onError: () => setPendingId(null) },
    );
  };
  const templates = TEMPLATES.filter((t) => t.id !== "blank");
  return (
    <section aria-labelledby="empty-title" className="rounded-2xl border border-slate-200 bg-white p-8">
      <div className="mx-auto max-w-2xl text-center">
        <h2 id="empty-title" className="text-lg font-semibold">No flows yet</h2>
        <p className="mt-2 text-sm text-slate-600">
          A flow greets each user with the right message at the right moment: a discount after a product view, a tooltip for a new admin, a nudge after a day of silence.
          {canEdit ? " Start from one of these; you can change everything on the canvas." : " An editor or admin can create the first one."}
        </p>
      </div>
      {canEdit ? (
        <>
          <ul className="mt-6 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {templates.map((t) => (
              <li key={t.id}>
                <button
                  type="button"
                  onClick={() => start(t)}
                  disabled={create.isPending}
                  aria-describedby={`tpl-${t.id}`}
                  className="group flex h-full w-full flex-col rounded-xl border border-slate-200 p-4 text-left transition hover:border-brand-400 hover:bg-brand-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:cursor-wait disabled:opacity-60"
                >
                  <span className="font-medium text-slate-900">{t.name}</span>
                  <span id={`tpl-${t.id}`} className="mt-1 flex-1 text-sm text-slate-600">{t.description}</span>
                  <span className="mt-3 text-xs font-semibold text-brand-700">
                    {pendingId === t.id ? "Creating…" : `${t.graph.nodes.length} nodes · Use this template →`}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {create.isError ? <p role="alert" className="mt-4 text-center text-sm text-red-700">Could not create the flow: {create.error.message}</p> : null}
          <p className="mt-6 text-center text-sm text-slate-600">
            Or{" "}
            <button type="button" onClick={onBlank} className="font-medium text-brand-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-brand-600">
              start from a blank flow
            </button>
            .
          </p>
        </>
      ) : null}
    </section>
  );
}

function NewFlowDialog({ onClose }: { onClose: () => void }) {
  const router = useRouter();
  const create = useCreateFlow();
  const [name, setName] = useState("");
  const [template, setTemplate] = useState(TEMPLATES[0].id);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const t = TEMPLATES.find((x) => x.id === template) ?? TEMPLATES[0];
    create.mutate(
      { name: name.trim() || t.name, graph: t.graph, settings: t.settings, tests: t.tests },
      { onSuccess: (flow) => router.push(`/flows/${flow.id}`) },
    );
  };
  return (
    <div role="dialog" aria-modal="true" aria-labelledby="new-flow-title" className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/40 p-4" onKeyDown={(e) => e.key === "Escape" && onClose()}>
      <form onSubmit={submit} className="w-full max-w-2xl rounded-2xl bg-white p-6 shadow-xl">
        <h2 id="new-flow-title" className="text-lg font-semibold">New flow</h2>
        <label className="mt-4 block">
          <span className="mb-1 block text-sm font-medium text-slate-700">Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} autoFocus placeholder="e.g. Product A discount" className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm" />
        </label>
        <fieldset className="mt-4">
          <legend className="mb-2 text-sm font-medium text-slate-700">Start from</legend>
          <div className="grid max-h-80 grid-cols-1 gap-2 overflow-auto sm:grid-cols-2">
            {TEMPLATES.map((t) => (
              <label key={t.id} className={`cursor-pointer rounded-lg border p-3 text-sm ${template === t.id ? "border-brand-500 bg-brand-50" : "border-slate-200 hover:border-slate-300"}`}>
                <input type="radio" name="template" value={t.id} checked={template === t.id} onChange={() => setTemplate(t.id)} className="sr-only" />
                <span className="block font-medium">{t.name}</span>
                <span className="mt-1 block text-slate-600">{t.description}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {create.isError ? <p role="alert" className="mt-3 text-sm text-red-700">{create.error.message}</p> : null}
        <div className="mt-6 flex justify-end gap-2">
          <button type="button" onClick={onClose} className="rounded-md px-4 py-2 text-sm text-slate-700 hover:bg-slate-100">Cancel</button>
          <button type="submit" disabled={create.isPending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-50">
            {create.isPending ? "Creating…" : "Create flow"}
          </button>
        </div>
      </form>
    </div>
  );
}
