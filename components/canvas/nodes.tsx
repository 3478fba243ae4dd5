"use client";
// One memoised React Flow node component per flow node type; all share one card layout with labelled
// handles (yes / no / missing, each split branch with its weight, matched / timeout).
// The card's accessible name is set on React Flow's node element (see FlowCanvas and a11y.ts), which
// carries role="group" and focus; the handles are for the mouse (the keyboard connects with C), so
// they stay out of the accessibility tree.
import { memo, useMemo } from "react";
import { Handle, Position, type NodeProps, type NodeTypes } from "@xyflow/react";
import { bodyOf, canvasHandles, type CanvasNode } from "@/lib/flow/canvas-mapping";
import { formatNumber } from "@/components/ui/time";
import { useDecor } from "./decor";
import { kindOf } from "./node-kinds";
import { branchName, summaryOf } from "./a11y";

function NodeCard({ id, type, data, selected }: NodeProps<CanvasNode>) {
  const decor = useDecor();
  // A card re-renders when it is selected or the decor changes; what it shows of the node only
  // changes with its data.
  // React Flow passes type and data apart; bodyOf pairs them again.
  const { kind, handles, summary, body } = useMemo(() => {
    const b = bodyOf(type, data);
    return { kind: kindOf(type, data), handles: b ? canvasHandles(b) : [], summary: b ? summaryOf({ id, ...b }) : "", body: b };
  }, [id, type, data]);
  const problems = decor.problems.get(id);
  const steps = decor.path.get(id);
  const isCurrent = decor.current === id;
  const entered = decor.stats?.[id]?.entered;
  const lostBy = decor.unreached.get(id);
  const label = decor.labels.get(id);
  const ring = problems
    ? "ring-2 ring-red-400"
    : lostBy
      ? "ring-2 ring-amber-500 ring-offset-2"
    : isCurrent
      ? "ring-4 ring-brand-500/60"
      : steps
        ? "ring-2 ring-brand-500"
        : selected
          ? "ring-2 ring-brand-500/70"
          : "ring-1 ring-slate-900/5";
  const dim = decor.path.size > 0 && !steps ? "opacity-45" : "";
  return (
    <div
      className={`group relative w-[260px] rounded-xl border-t-4 bg-white shadow-sm transition-shadow ${kind.accent} ${ring} ${dim} ${selected ? "shadow-md" : ""}`}
      data-testid={`node-${id}`}
      data-unreached={lostBy ? "true" : undefined}
    >
      {type !== "trigger" ? <Handle type="target" position={Position.Top} className="!h-3 !w-3 !border-2 !border-white !bg-slate-400" title={`Into ${id}`} aria-hidden="true" /> : null}
      <div className="flex items-start gap-3 px-3 pt-2.5 pb-3">
        <span className={`mt-0.5 flex h-8 w-8 shrink-0 items-center justify-center rounded-lg ${kind.tile}`}>{kind.icon}</span>
        <div className="min-w-0 flex-1">
          <div className="flex items-center gap-2">
            <span className="text-[11px] font-semibold uppercase tracking-wide text-slate-500">{kind.label}</span>
            <span className="truncate font-mono text-[10px] text-slate-400">{id}</span>
          </div>
          {label ? <p className="truncate text-[13px] font-semibold text-slate-900">{label}</p> : null}
          <p className="mt-0.5 line-clamp-3 text-[13px] leading-snug text-slate-800">{summary}</p>
        </div>
      </div>
      {problems ? (
        <span className="absolute -top-3 -right-2 flex h-5 min-w-5 items-center justify-center rounded-full bg-red-600 px-1 text-[11px] font-bold text-white shadow" title={problems.join("\n")} data-testid="node-problem">
          {problems.length}
        </span>
      ) : null}
      {lostBy ? (
        <span className="absolute -bottom-3 left-3 rounded-full bg-amber-500 px-1.5 py-0.5 text-[10px] font-bold text-white shadow" title={`Failing test cases no longer reach this step: ${lostBy.join(", ")}`} data-testid="node-unreached">
          {lostBy.length} failing case{lostBy.length === 1 ? "" : "s"}
        </span>
      ) : null}
      {steps ? (
        <span className="absolute -top-3 -left-2 rounded-full bg-brand-600 px-1.5 py-0.5 text-[10px] font-bold text-white shadow" title="Simulation steps">
          {steps.join(", ")}
        </span>
      ) : null}
      {entered !== undefined || decor.stats ? (
        <span className="absolute -top-3 right-6 rounded-full bg-slate-900 px-2 py-0.5 text-[10px] font-semibold text-white shadow" data-testid="node-stat">
          {formatNumber(entered ?? 0)} entered
        </span>
      ) : null}
      {handles.length > 0 ? (
        <div className={`relative border-t border-slate-100 ${handles.length > 1 ? "h-6" : "h-2"}`}>
          {handles.map((h, i) => {
            const left = `${((i + 1) / (handles.length + 1)) * 100}%`;
            const label = body ? branchName(body, h) : h;
            return (
              <div key={h}>
                {handles.length > 1 ? (
                  // Centred by a fixed-width box rather than a translate, for the same reason as the handles (canvas.css).
                  <span className="pointer-events-none absolute top-0.5 -ml-12 w-24 truncate text-center text-[10px] font-medium text-slate-500" style={{ left }}>
                    {label}
                  </span>
                ) : null}
                <Handle
                  id={h}
                  type="source"
                  position={Position.Bottom}
                  style={{ left }}
                  className={`!h-3 !w-3 !border-2 !border-white ${h === "no" || h === "timeout" ? "!bg-rose-400" : h === "missing" ? "!bg-amber-400" : h === "yes" || h === "matched" ? "!bg-emerald-500" : "!bg-slate-500"}`}
                  title={`${id} ${label}`}
                  aria-hidden="true"
                  data-handle={h}
                />
              </div>
            );
          })}
        </div>
      ) : null}
    </div>
  );
}

// A card shows id, type, data and selection only: React Flow's other props (the position of a node
// being dragged, its z-index) change on every frame and must not re-render it.
const sameCard = (a: NodeProps<CanvasNode>, b: NodeProps<CanvasNode>) => a.id === b.id && a.type === b.type && a.data === b.data && a.selected === b.selected;

export const TriggerNode = memo(function TriggerNode(props: NodeProps<CanvasNode>) {
  return <NodeCard {...props} />;
}, sameCard);
export const ConditionNode = memo(function ConditionNode(props: NodeProps<CanvasNode>) {
  return <NodeCard {...props} />;
}, sameCard);
export const SplitNode = memo(function SplitNode(props: NodeProps<CanvasNode>) {
  return <NodeCard {...props} />;
}, sameCard);
export const WaitNode = memo(function WaitNode(props: NodeProps<CanvasNode>) {
  return <NodeCard {...props} />;
}, sameCard);
export const MessageNode = memo(function MessageNode(props: NodeProps<CanvasNode>) {
  return <NodeCard {...props} />;
}, sameCard);
export const UpdateNode = memo(function UpdateNode(props: NodeProps<CanvasNode>) {
  return <NodeCard {...props} />;
}, sameCard);
export const FetchNode = memo(function FetchNode(props: NodeProps<CanvasNode>) {
  return <NodeCard {...props} />;
}, sameCard);
export const ExitNode = memo(function ExitNode(props: NodeProps<CanvasNode>) {
  return <NodeCard {...props} />;
}, sameCard);

// At module scope: a new object on every render would make React Flow remount every node.
export const nodeTypes: NodeTypes = {
  trigger: TriggerNode,
  condition: ConditionNode,
  split: SplitNode,
  wait: WaitNode,
  message: MessageNode,
  update: UpdateNode,
  exit: ExitNode,
  fetch: FetchNode,
};
