"use client";
// A published version drawn read-only; selecting a node shows its settings; it can be restored as the draft.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { ReactFlowProvider, applyNodeChanges, type NodeChange } from "@xyflow/react";
import { useFlowVersion, useRestoreVersion } from "@/components/hooks/use-flow-editor-versions";
import { useCan } from "@/components/account-context";
import { relativeTime } from "@/components/ui/time";
import { toCanvas, type CanvasNode } from "@/lib/flow/canvas-mapping";
import { FlowCanvas } from "./flow-canvas";
import { NodeInspector, SettingsInspector } from "./inspector";
import { DecorContext, EMPTY_DECOR } from "./decor";

const READ_ONLY_DECOR = { ...EMPTY_DECOR, readOnly: true };
const noop = () => {};

export function VersionView({ flowId, version }: { flowId: string; version: number }) {
  const v = useFlowVersion(flowId, Number.isInteger(version) && version > 0 ? version : null);
  if (!Number.isInteger(version) || version < 1 || v.isError) {
    return (
      <div className="mx-auto max-w-xl px-4 py-16 text-center">
        <h1 className="text-xl font-semibold">Version not found</h1>
        <p className="mt-2 text-sm text-slate-600">{v.error?.message ?? "There is no such version."}</p>
        <Link href={`/flows/${flowId}`} className="mt-6 inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white">
          Back to the editor
        </Link>
      </div>
    );
  }
  if (v.isPending) {
    return (
      <div className="flex h-[calc(100vh-3.5rem)] items-center justify-center text-sm text-slate-500" aria-busy="true">
        Loading version {version}…
      </div>
    );
  }
  return (
    <ReactFlowProvider>
      <VersionCanvas flowId={flowId} data={v.data} />
    </ReactFlowProvider>
  );
}

function VersionCanvas({ flowId, data }: { flowId: string; data: NonNullable<ReturnType<typeof useFlowVersion>["data"]> }) {
  const router = useRouter();
  const canEdit = useCan("editor");
  const restore = useRestoreVersion(flowId);
  const initial = useMemo(() => toCanvas(data.graph), [data.graph]);
  const [nodes, setNodes] = useState<CanvasNode[]>(initial.nodes);
  const one = nodes.filter((n) => n.selected);
  return (
    <DecorContext.Provider value={READ_ONLY_DECOR}>
      <div className="flex h-[calc(100vh-3.5rem)] flex-col">
        <header className="flex h-14 shrink-0 items-center gap-3 border-b border-slate-200 bg-white px-4">
          <Link href={`/flows/${flowId}`} className="text-sm text-brand-700 hover:underline">
            ← Editor
          </Link>
          <h1 className="text-base font-semibold">Version {data.version}</h1>
          <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-600">read-only</span>
          <span className="text-xs text-slate-500">published {relativeTime(data.publishedAt)}{data.publishedBy ? ` by ${data.publishedBy}` : ""}</span>
          {canEdit ? (
            <button
              type="button"
              disabled={restore.isPending}
              onClick={() => restore.mutate(data.version, { onSuccess: () => router.push(`/flows/${flowId}`) })}
              className="ml-auto rounded-md bg-brand-600 px-3.5 py-1.5 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-50"
            >
              {restore.isPending ? "Restoring…" : "Restore as draft"}
            </button>
          ) : null}
        </header>
        {restore.isError ? (
          <p role="alert" className="bg-red-50 px-4 py-2 text-sm text-red-700">
            {restore.error.message}
          </p>
        ) : null}
        <div className="flex min-h-0 flex-1">
          <div className="min-w-0 flex-1">
            <FlowCanvas nodes={nodes} edges={initial.edges} readOnly onNodesChange={(c: NodeChange<CanvasNode>[]) => setNodes((n) => applyNodeChanges(c, n))} onEdgesChange={noop} />
          </div>
          {/* Focusable: read-only fields take no focus, and the keyboard must still be able to scroll. */}
          <aside className="w-[380px] shrink-0 overflow-y-auto border-l border-slate-200 bg-white" aria-label="Details" tabIndex={0}>
            {one.length === 1 ? (
              <NodeInspector node={one[0]} onChange={noop} onDelete={noop} splits={[]} flow={{ id: flowId, name: "" }} readOnly />
            ) : (
              <SettingsInspector settings={data.settings} onChange={noop} readOnly />
            )}
          </aside>
        </div>
      </div>
    </DecorContext.Provider>
  );
}
