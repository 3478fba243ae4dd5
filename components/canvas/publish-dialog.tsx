"use client";
// Publish confirmation: what this publish changes against the live version (nodes added, removed,
// changed; rewired edges; settings), then publish — keeping the users inside on their version, or
// moving them to the new one (the migration step, with its dry run).
import { useEffect, useRef, useState } from "react";
import { RunMigrationStep } from "./run-migration-step";
import type { PublishResult } from "@/components/hooks/use-policies";
import { diffFlows } from "@/lib/flow/diff";
import { describeNode } from "@/lib/flow/describe";
import { stepName } from "@/lib/flow/step-name";
import type { FlowNode, Graph, Settings } from "@/lib/flow/schema";
import { kindOf } from "./node-kinds";
import { DeliveryWarnings } from "./delivery-warnings";

function safeDescribe(n: FlowNode) {
  try {
    return describeNode(n);
  } catch {
    return "";
  }
}

function NodeLine({ n, tone }: { n: FlowNode; tone: string }) {
  const k = kindOf(n.type, n.data);
  return (
    <li className="flex items-start gap-2 py-1">
      <span className={`mt-0.5 inline-block h-2 w-2 shrink-0 rounded-full ${tone}`} aria-hidden />
      <span className="text-sm">
        <span className="font-medium">{stepName(n)}</span> <span className="text-xs text-slate-500">{k.label}</span> <span className="font-mono text-xs text-slate-500">{n.id}</span>
        <span className="block text-xs text-slate-600">{safeDescribe(n)}</span>
      </span>
    </li>
  );
}

export function PublishDialog({
  flowId,
  live,
  liveVersion,
  draft,
  loadingLive,
  publishing,
  error,
  failingCases = [],
  onConfirm,
  onPublished,
  onClose,
}: {
  flowId: string;
  live: { graph: Graph; settings: Settings } | null;
  liveVersion: number;
  draft: { graph: Graph; settings: Settings };
  loadingLive: boolean;
  publishing: boolean;
  error: string | null;
  /** Test cases that fail on the draft: publish is refused unless each is marked expected to change, with why. */
  failingCases?: { name: string; failures: string[] }[];
  /** The first publish: nobody is inside yet, so there is nothing to migrate. */
  onConfirm: (expectedToChange: { name: string; reason: string }[]) => void;
  /** A later publish, done by the migration step (kept or moved users). */
  onPublished: (r: PublishResult) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const republish = liveVersion > 0;
  useEffect(() => (republish ? box.current : ref.current)?.focus(), [republish]);
  const d = diffFlows(live, draft);
  const [marked, setMarked] = useState<Record<string, { on: boolean; reason: string }>>({});
  const expectedToChange = failingCases.flatMap((c) => (marked[c.name]?.on ? [{ name: c.name, reason: marked[c.name].reason }] : []));
  const mark = (name: string, patch: Partial<{ on: boolean; reason: string }>) => setMarked((m) => ({ ...m, [name]: { ...(m[name] ?? { on: false, reason: "" }), ...patch } }));
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/40 p-4" onKeyDown={(e) => e.key === "Escape" && onClose()}>
      <div ref={box} tabIndex={-1} role="dialog" aria-modal="true" aria-labelledby="publish-title" className="flex max-h-[90vh] w-full max-w-2xl flex-col rounded-2xl bg-white shadow-xl focus:outline-none">
        <div className="border-b border-slate-100 px-6 py-4">
          <h2 id="publish-title" className="text-lg font-semibold">
            Publish version {liveVersion + 1}
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            {republish ? `Changes against the live version ${liveVersion}, then what happens to the users already inside.` : "This is the first version: users who match the triggers start entering right away."}
          </p>
        </div>
        <div className="min-h-0 flex-1 space-y-4 overflow-y-auto px-6 py-4">
          <div className="space-y-4" data-testid="publish-diff">
            {loadingLive ? (
              <p className="text-sm text-slate-500">Loading the live version…</p>
            ) : d.empty ? (
              <p className="text-sm text-slate-600">Nothing that affects users has changed since the live version.</p>
            ) : (
              <>
                <div className="flex flex-wrap gap-2 text-xs">
                  <span className="rounded-full bg-emerald-50 px-2 py-0.5 font-medium text-emerald-700">{d.added.length} added</span>
                  <span className="rounded-full bg-red-50 px-2 py-0.5 font-medium text-red-700">{d.removed.length} removed</span>
                  <span className="rounded-full bg-amber-50 px-2 py-0.5 font-medium text-amber-800">{d.changed.length} changed</span>
                  {d.edgesAdded || d.edgesRemoved ? <span className="rounded-full bg-slate-100 px-2 py-0.5 font-medium text-slate-700">{d.edgesAdded + d.edgesRemoved} connection{d.edgesAdded + d.edgesRemoved === 1 ? "" : "s"} rewired</span> : null}
                </div>
                {d.added.length ? (
                  <section>
                    <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Added</h3>
                    <ul>{d.added.map((n) => <NodeLine key={n.id} n={n} tone="bg-emerald-500" />)}</ul>
                  </section>
                ) : null}
                {d.removed.length ? (
                  <section>
                    <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Removed</h3>
                    <ul>{d.removed.map((n) => <NodeLine key={n.id} n={n} tone="bg-red-500" />)}</ul>
                  </section>
                ) : null}
                {d.changed.length ? (
                  <section>
                    <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Changed</h3>
                    <ul>{d.changed.map((c) => <NodeLine key={c.after.id} n={c.after} tone="bg-amber-500" />)}</ul>
                  </section>
                ) : null}
                {d.settingsChanged.length ? <p className="text-sm text-slate-600">Settings changed: {d.settingsChanged.join(", ")}</p> : null}
              </>
            )}
            <DeliveryWarnings graph={draft.graph} />
            {failingCases.length ? (
              <section className="rounded-md border border-red-200 bg-red-50/50 p-3" aria-labelledby="publish-tests-title" data-testid="publish-failing-cases">
                <h3 id="publish-tests-title" className="text-sm font-semibold text-red-800">
                  {failingCases.length} test case{failingCases.length === 1 ? "" : "s"} fail{failingCases.length === 1 ? "s" : ""}
                </h3>
                <p className="mt-0.5 text-xs text-red-800">Publishing is refused until each passes, or you mark it as expected to change and say why (kept in the audit log).</p>
                <ul className="mt-2 space-y-2">
                  {failingCases.map((c) => (
                    <li key={c.name} className="text-sm">
                      <label className="flex items-start gap-2">
                        <input type="checkbox" className="mt-1" checked={marked[c.name]?.on ?? false} onChange={(e) => mark(c.name, { on: e.target.checked })} />
                        <span>
                          <span className="font-medium">Expected to change: {c.name}</span>
                          <span className="block text-xs text-slate-600">{c.failures.join("; ")}</span>
                        </span>
                      </label>
                      {marked[c.name]?.on ? (
                        <label className="mt-1 block pl-6 text-xs">
                          <span className="mb-0.5 block font-medium text-slate-700">Why is “{c.name}” expected to change?</span>
                          <input className="w-full rounded-md border border-slate-300 px-2 py-1 text-sm" value={marked[c.name]?.reason ?? ""} onChange={(e) => mark(c.name, { reason: e.target.value })} />
                        </label>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
            {error ? (
              <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-700">
                {error}
              </p>
            ) : null}
          </div>
          {republish ? (
            <div className="border-t border-slate-100 pt-4">
              <RunMigrationStep flowId={flowId} onPublished={onPublished} onCancel={onClose} expectedToChange={expectedToChange} />
            </div>
          ) : null}
        </div>
        {republish ? null : (
          <div className="flex justify-end gap-2 border-t border-slate-100 px-6 py-4">
            <button type="button" onClick={onClose} className="rounded-md px-4 py-2 text-sm text-slate-700 hover:bg-slate-100">
              Cancel
            </button>
            <button ref={ref} type="button" onClick={() => onConfirm(expectedToChange)} disabled={publishing || loadingLive} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-50">
              {publishing ? "Publishing…" : `Publish v${liveVersion + 1}`}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
