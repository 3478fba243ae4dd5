"use client";
// The keyboard shortcuts popover (opened with "?" or its button).
import { useEffect, useRef } from "react";

export const SHORTCUTS: [string, string][] = [
  ["Tab / Shift + Tab", "Next / previous step, in flow order"],
  ["Enter", "Select the focused step (opens it in the inspector)"],
  ["I", "Edit the focused step's fields"],
  ["F2 / double-click", "Rename the focused step"],
  ["A", "Add a step below the focused step"],
  ["C", "Connect the focused step to another…"],
  ["Arrow keys", "Move the selected step"],
  ["Ctrl/⌘ + Z", "Undo"],
  ["Ctrl/⌘ + Shift + Z", "Redo (also Ctrl + Y)"],
  ["Ctrl/⌘ + C / V", "Copy / paste selected nodes"],
  ["Ctrl/⌘ + D", "Duplicate selection"],
  ["Ctrl/⌘ + A", "Select all nodes"],
  ["Delete / Backspace", "Delete the focused step or the selection"],
  ["Shift + click / drag", "Multi-select"],
  ["Shift + L", "Auto-layout"],
  ["F", "Fit the flow in view"],
  ["Ctrl/⌘ + S", "Save now"],
  ["Esc", "Clear selection, close panels"],
  ["?", "This help"],
];

export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div
      ref={ref}
      tabIndex={-1}
      role="dialog"
      aria-label="Keyboard shortcuts"
      onKeyDown={(e) => e.key === "Escape" && onClose()}
      className="absolute top-12 right-3 z-30 w-80 rounded-xl border border-slate-200 bg-white p-4 shadow-xl"
    >
      <div className="mb-2 flex items-center justify-between">
        <h2 className="text-sm font-semibold">Keyboard shortcuts</h2>
        <button type="button" onClick={onClose} className="rounded px-1.5 text-slate-500 hover:bg-slate-100" aria-label="Close shortcuts">
          ✕
        </button>
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
        {SHORTCUTS.map(([k, v]) => (
          <div key={k} className="contents">
            <dt>
              <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-[11px] text-slate-700">{k}</kbd>
            </dt>
            <dd className="text-slate-600">{v}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
