"use client";
// Version history: every published version, view it read-only, or restore it as the draft.
import Link from "next/link";
import { useFlowVersions } from "@/components/hooks/use-flows";
import { relativeTime } from "@/components/ui/time";

export function VersionHistory({ flowId, liveVersion, onRestore, restoring, canEdit }: { flowId: string; liveVersion: number; onRestore: (v: number) => void; restoring: number | null; canEdit: boolean }) {
  const versions = useFlowVersions(flowId);
  return (
    <div className="px-4 py-4">
      <h2 className="text-sm font-semibold text-slate-900">Version history</h2>
      <p className="mt-1 text-xs text-slate-500">Published versions never change. Restoring copies one into the draft; publish to make it live.</p>
      {versions.isPending ? (
        <div className="mt-3 space-y-2" aria-busy="true" aria-label="Loading versions">
          {[0, 1].map((i) => (
            <div key={i} className="h-12 animate-pulse rounded-lg bg-slate-100" />
          ))}
        </div>
      ) : versions.isError ? (
        <p role="alert" className="mt-3 text-sm text-red-700">
          Could not load versions: {versions.error.message}
        </p>
      ) : versions.data.length === 0 ? (
        <p className="mt-3 rounded-lg border border-dashed border-slate-300 p-4 text-center text-sm text-slate-500">Nothing published yet.</p>
      ) : (
        <ol className="mt-3 space-y-2">
          {versions.data.map((v) => (
            <li key={v.id} className="rounded-lg border border-slate-200 bg-white px-3 py-2">
              <div className="flex items-center gap-2">
                <span className="font-semibold tabular-nums">v{v.version}</span>
                {v.version === liveVersion ? <span className="rounded-full bg-emerald-50 px-1.5 py-0.5 text-[10px] font-semibold text-emerald-700">live</span> : null}
                <span className="ml-auto text-xs text-slate-500">{relativeTime(v.publishedAt)}</span>
              </div>
              {v.publishedBy ? <p className="text-xs text-slate-500">by {v.publishedBy}</p> : null}
              <div className="mt-1 flex gap-3 text-xs">
                <Link href={`/flows/${flowId}/versions/${v.version}`} className="font-medium text-brand-700 hover:underline">
                  View
                </Link>
                {canEdit ? (
                  <button type="button" onClick={() => onRestore(v.version)} disabled={restoring !== null} className="font-medium text-brand-700 hover:underline disabled:opacity-50">
                    {restoring === v.version ? "Restoring…" : "Restore as draft"}
                  </button>
                ) : null}
              </div>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
