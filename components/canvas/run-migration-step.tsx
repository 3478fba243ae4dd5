"use client";
// The publish dialog's run-migration step: keep users on their version, or move the users waiting in the
// live version onto the new one by a node mapping (auto-mapped by id, editable), with the dry run.
import { useId, useState } from "react";
import { useMigrationPlan, usePublishWithMigration, type NodeMapping, type PublishResult } from "@/components/hooks/use-policies";

const select = "rounded-md border border-slate-300 px-2 py-1 text-sm focus-visible:outline-2 focus-visible:outline-brand-600";

export function RunMigrationStep({
  flowId,
  onPublished,
  onCancel,
  expectedToChange,
}: {
  flowId: string;
  onPublished?: (r: PublishResult) => void;
  onCancel?: () => void;
  /** Failing test cases marked as expected to change in the publish dialog, with why. */
  expectedToChange?: { name: string; reason: string }[];
}) {
  const [mode, setMode] = useState<"keep" | "migrate">("keep");
  const [overrides, setOverrides] = useState<NodeMapping>({});
  const plan = useMigrationPlan(flowId, overrides);
  const publish = usePublishWithMigration(flowId);
  const id = useId();
  const p = plan.data;
  const firstPublish = p !== undefined && p.fromVersion === 0;
  const label = (nodes: { id: string; label: string }[] | undefined, nodeId: string | null) => (nodeId === null ? "stay on their version" : (nodes?.find((n) => n.id === nodeId)?.label ?? nodeId));

  return (
    <section aria-labelledby={`${id}-title`} className="space-y-4">
      <h2 id={`${id}-title`} className="text-base font-semibold">
        Users already in this flow
      </h2>
      {plan.isPending ? <p className="text-sm text-slate-500" role="status">Counting the users inside…</p> : null}
      {plan.isError ? (
        <p className="rounded-md bg-red-50 p-3 text-sm text-red-800" role="alert">
          {plan.error.message}
        </p>
      ) : null}
      {firstPublish ? <p className="text-sm text-slate-600">This is the first version: nobody is inside yet.</p> : null}
      {p && !firstPublish ? (
        <>
          <p className="text-sm text-slate-600">
            {p.total} user{p.total === 1 ? " is" : "s are"} waiting in version {p.fromVersion}.
          </p>
          <fieldset className="space-y-2">
            <legend className="sr-only">What happens to them</legend>
            <label className="flex items-start gap-2 text-sm">
              <input type="radio" name={`${id}-mode`} checked={mode === "keep"} onChange={() => setMode("keep")} className="mt-0.5 focus-visible:outline-2 focus-visible:outline-brand-600" />
              <span>
                <span className="font-medium">Keep users on their version</span>
                <span className="block text-slate-600">They finish version {p.fromVersion}; new users enter version {p.toVersion}.</span>
              </span>
            </label>
            <label className="flex items-start gap-2 text-sm">
              <input type="radio" name={`${id}-mode`} checked={mode === "migrate"} onChange={() => setMode("migrate")} className="mt-0.5 focus-visible:outline-2 focus-visible:outline-brand-600" />
              <span>
                <span className="font-medium">Move them to version {p.toVersion}</span>
                <span className="block text-slate-600">Each node of the live version maps to a node of the new one. Nobody receives a message twice.</span>
              </span>
            </label>
          </fieldset>
          {mode === "migrate" ? (
            <div className="space-y-4">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">Node mapping</caption>
                <thead className="text-slate-500">
                  <tr>
                    <th className="py-1 font-medium">Version {p.fromVersion} node</th>
                    <th className="py-1 font-medium">Goes to (version {p.toVersion})</th>
                  </tr>
                </thead>
                <tbody>
                  {p.oldNodes
                    .filter((n) => n.type !== "trigger")
                    .map((n) => (
                      <tr key={n.id} className="border-t border-slate-100">
                        <td className="py-1.5">
                          <code className="text-xs">{n.id}</code> <span className="text-slate-600">{n.label}</span>
                        </td>
                        <td className="py-1.5">
                          <select
                            aria-label={`Map ${n.id} to`}
                            className={select}
                            value={p.mapping[n.id] ?? ""}
                            onChange={(e) => setOverrides((o) => ({ ...o, [n.id]: e.target.value === "" ? null : e.target.value }))}
                          >
                            <option value="">Keep on version {p.fromVersion}</option>
                            {p.newNodes
                              .filter((m) => m.type !== "trigger")
                              .map((m) => (
                                <option key={m.id} value={m.id}>
                                  {m.id} · {m.label}
                                </option>
                              ))}
                          </select>
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
              <div className="rounded-lg bg-slate-50 p-3 text-sm" aria-live="polite" data-testid="migration-dry-run">
                <p className="font-medium">
                  Dry run: {p.moved} move, {p.kept} stay on version {p.fromVersion}.
                </p>
                {p.moves.length ? (
                  <ul className="mt-2 list-disc pl-5">
                    {p.moves.map((m) => (
                      <li key={`${m.from}-${m.to}`}>
                        {m.users} at {label(p.oldNodes, m.from)} → {label(p.newNodes, m.to)}
                        {m.notReceivedAgain.length ? <span className="text-slate-600"> (will not receive again: {m.notReceivedAgain.map((s) => s.nodeId).join(", ")})</span> : null}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="mt-1 text-slate-600">Nobody is waiting in the live version.</p>
                )}
                {p.notReceivedAgain.length ? (
                  <p className="mt-2 text-slate-700">
                    Messages they already received and will not get again: {p.notReceivedAgain.map((s) => `${label(p.newNodes, s.nodeId)} (${s.users})`).join(", ")}.
                  </p>
                ) : null}
              </div>
            </div>
          ) : null}
        </>
      ) : null}
      {publish.isError ? (
        <p className="rounded-md bg-red-50 p-3 text-sm text-red-800" role="alert">
          {publish.error.message}
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        {onCancel ? (
          <button type="button" onClick={onCancel} className="rounded-md px-3 py-2 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600">
            Cancel
          </button>
        ) : null}
        <button
          type="button"
          disabled={publish.isPending || plan.isPending}
          // Only the choices made here: the server completes them exactly as the dry run did (the
          // completed mapping also pairs the triggers, which publishing refuses as targets).
          onClick={() => publish.mutate({ ...(mode === "migrate" && p ? { mapping: overrides } : {}), expectedToChange }, { onSuccess: (r) => onPublished?.(r) })}
          className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:opacity-50"
        >
          {publish.isPending ? "Publishing…" : mode === "migrate" ? `Publish and move ${p?.moved ?? 0} user${p?.moved === 1 ? "" : "s"}` : p ? `Publish v${p.toVersion}` : "Publish"}
        </button>
      </div>
    </section>
  );
}
