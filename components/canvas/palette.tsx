"use client";
// The palette: every node type (messages by channel). Drag one onto the canvas, or click it / press
// Enter to add it below the selected node (connected) or in the middle of the view.
// A button's name is its visible label ("Wait"); the hint under it is its description, so speech
// input ("click Wait") and screen readers agree with what is on screen.
import { useId } from "react";
import { KINDS, type Kind } from "./node-kinds";

export const DND_TYPE = "application/x-pathwise-node";

export function Palette({ onAdd, disabled }: { onAdd: (kind: Kind) => void; disabled?: boolean }) {
  const uid = useId();
  return (
    <nav aria-label="Node palette" className="flex h-full flex-col">
      <div className="px-3 pt-3 pb-2">
        <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Add a step</h2>
        <p className="mt-0.5 text-[11px] text-slate-500">Drag onto the canvas, or press Enter to add below the selected step</p>
      </div>
      <ul className="flex-1 space-y-1 overflow-y-auto px-2 pb-3">
        {KINDS.map((k) => (
          <li key={k.key}>
            <button
              type="button"
              disabled={disabled}
              draggable={!disabled}
              onDragStart={(e) => {
                e.dataTransfer.setData(DND_TYPE, k.key);
                e.dataTransfer.effectAllowed = "move";
              }}
              onClick={() => onAdd(k)}
              aria-describedby={`${uid}-${k.key}`}
              data-testid={`palette-${k.key}`}
              className="group flex w-full cursor-grab items-center gap-2.5 rounded-lg border border-transparent px-2 py-1.5 text-left hover:border-slate-200 hover:bg-white hover:shadow-sm active:cursor-grabbing disabled:cursor-not-allowed disabled:opacity-50"
            >
              <span className={`flex h-7 w-7 shrink-0 items-center justify-center rounded-md ${k.tile}`}>{k.icon}</span>
              <span className="min-w-0">
                <span className="block text-sm font-medium text-slate-800">{k.label}</span>
                {/* Hidden from the name (it is the description instead); the full hint is its title. */}
                <span id={`${uid}-${k.key}`} aria-hidden="true" title={k.hint} className="block truncate text-[11px] text-slate-500">
                  {k.hint}
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
