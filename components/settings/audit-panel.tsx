"use client";
// Audit log: who published or paused a flow, created or revoked a key, changed the team or erased a
// user, newest first. Admin only.
import { useState } from "react";
import { useCan } from "@/components/account-context";
import { useAudit, type AuditItem } from "@/components/hooks/use-audit";

const FAMILIES = [
  { value: "", label: "Everything" },
  { value: "flow.", label: "Flows" },
  { value: "key.", label: "API keys" },
  { value: "account.", label: "Team" },
  { value: "user.", label: "Users and data" },
];

const fieldClass = "rounded-md border border-slate-300 px-3 py-2 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-brand-600";

function describe(e: AuditItem): string {
  const d = e.details;
  const parts = Object.entries(d)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== "object")
    .map(([k, v]) => `${k}: ${String(v)}`);
  return parts.join(" · ");
}

export function AuditPanel() {
  const isAdmin = useCan("admin");
  // The log is only asked for when it may be read, so a viewer's page makes no refused request.
  return isAdmin ? <AuditLog /> : <NotAllowed />;
}

function NotAllowed() {
  return (
    <div className="mx-auto max-w-4xl px-4 py-8">
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <p className="mt-4 rounded-md bg-amber-50 p-4 text-sm text-amber-900">Only admins can read the audit log.</p>
    </div>
  );
}

function AuditLog() {
  const [action, setAction] = useState("");
  const [actorInput, setActorInput] = useState("");
  const [actor, setActor] = useState("");
  const audit = useAudit({ action: action || undefined, actor: actor || undefined });

  const entries = audit.data?.pages.flatMap((p) => p.entries) ?? [];
  return (
    <div className="mx-auto max-w-4xl px-4 py-8">
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <p className="mt-1 text-sm text-slate-600">Every publish, pause, key, team change and erasure, with who did it.</p>
      <form
        className="mt-6 flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          setActor(actorInput.trim());
        }}
      >
        <label>
          <span className="mb-1 block text-sm font-medium text-slate-700">Kind</span>
          <select value={action} onChange={(e) => setAction(e.target.value)} className={fieldClass}>
            {FAMILIES.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex-1">
          <span className="mb-1 block text-sm font-medium text-slate-700">Who (email or key:name)</span>
          <input value={actorInput} onChange={(e) => setActorInput(e.target.value)} placeholder="e.g. ana@example.com" className={`${fieldClass} w-full`} />
        </label>
        <button type="submit" className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-600">
          Filter
        </button>
      </form>
      <div className="mt-4 overflow-hidden rounded-xl border border-slate-200 bg-white">
        {audit.isPending ? (
          <p className="p-4 text-sm text-slate-500">Loading the audit log…</p>
        ) : audit.isError ? (
          <p role="alert" className="p-4 text-sm text-red-700">
            {audit.error.message}
          </p>
        ) : entries.length === 0 ? (
          <p className="p-6 text-center text-sm text-slate-600">Nothing recorded{action || actor ? " for this filter" : " yet"}.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-3 font-medium">When</th>
                <th scope="col" className="px-4 py-3 font-medium">Who</th>
                <th scope="col" className="px-4 py-3 font-medium">What</th>
                <th scope="col" className="px-4 py-3 font-medium">Target</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {entries.map((e) => (
                <tr key={e.id} data-testid="audit-entry">
                  <td className="whitespace-nowrap px-4 py-3 text-slate-600">
                    <time dateTime={e.at} title={e.at}>
                      {new Date(e.at).toLocaleString()}
                    </time>
                  </td>
                  <td className="px-4 py-3">{e.actor}</td>
                  <td className="px-4 py-3">
                    <span className="font-mono text-xs">{e.action}</span>
                    {describe(e) ? <span className="block text-xs text-slate-500">{describe(e)}</span> : null}
                  </td>
                  <td className="px-4 py-3 font-mono text-xs text-slate-600">{e.target ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {audit.hasNextPage ? (
        <button
          type="button"
          onClick={() => audit.fetchNextPage()}
          disabled={audit.isFetchingNextPage}
          className="mt-4 rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-600 disabled:opacity-50"
        >
          {audit.isFetchingNextPage ? "Loading…" : "Older entries"}
        </button>
      ) : null}
    </div>
  );
}
