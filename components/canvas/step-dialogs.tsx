"use client";
// The canvas's keyboard commands as small dialogs: "Add a step below…" (A on a focused node) and
// "Connect to…" (C). Each offers a filter field — type, then Enter takes the first match — and the
// matches as buttons; a node with several free branches asks which branch first.
import { useEffect, useId, useMemo, useRef, useState } from "react";
import type { CanvasNode } from "@/lib/flow/canvas-mapping";
import { KINDS, type Kind } from "./node-kinds";
import { branchName, nodeName, summaryOf } from "./a11y";

type Option = { key: string; label: string; hint: string; icon?: React.ReactNode; tile?: string };

function CommandDialog({
  title,
  intro,
  branches,
  branch,
  onBranch,
  options,
  empty,
  onChoose,
  onClose,
}: {
  title: string;
  intro: string;
  branches: { id: string; label: string }[];
  branch: string | null;
  onBranch: (id: string) => void;
  options: Option[];
  empty: string;
  onChoose: (key: string) => void;
  onClose: () => void;
}) {
  const titleId = useId();
  const introId = useId();
  const filterId = useId();
  const box = useRef<HTMLDivElement>(null);
  const filterRef = useRef<HTMLInputElement>(null);
  const [filter, setFilter] = useState("");
  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return q ? options.filter((o) => `${o.label} ${o.hint}`.toLowerCase().includes(q)) : options;
  }, [options, filter]);
  useEffect(() => filterRef.current?.focus(), []);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      // Handled here: the editor's own Escape would also clear the selection.
      e.stopPropagation();
      onClose();
    } else if (e.key === "Tab") {
      // Keep focus inside the dialog while it is open.
      const items = box.current ? [...box.current.querySelectorAll<HTMLElement>("input, select, button:not([disabled])")] : [];
      if (!items.length) return;
      const i = items.indexOf(document.activeElement as HTMLElement);
      if (e.shiftKey && i <= 0) {
        e.preventDefault();
        items[items.length - 1].focus();
      } else if (!e.shiftKey && i === items.length - 1) {
        e.preventDefault();
        items[0].focus();
      }
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      const items = box.current ? [...box.current.querySelectorAll<HTMLElement>("[data-option]")] : [];
      if (!items.length) return;
      e.preventDefault();
      const i = items.indexOf(document.activeElement as HTMLElement);
      const next = e.key === "ArrowDown" ? (i + 1) % items.length : i <= 0 ? items.length - 1 : i - 1;
      items[next].focus();
    }
  };

  return (
    // "nokey": React Flow ignores keys pressed in here (Backspace in the filter must not delete nodes).
    <div className="nokey fixed inset-0 z-50 flex items-start justify-center bg-slate-900/30 p-4 pt-[12vh]" onKeyDown={onKeyDown} onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={box} role="dialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={introId} className="flex max-h-[70vh] w-full max-w-md flex-col rounded-2xl bg-white shadow-xl" data-testid="step-command">
        <div className="border-b border-slate-100 px-5 pt-4 pb-3">
          <h2 id={titleId} className="text-base font-semibold">
            {title}
          </h2>
          <p id={introId} className="mt-0.5 text-sm text-slate-600">
            {intro}
          </p>
          {branches.length > 1 ? (
            <label className="mt-3 block text-sm">
              <span className="mb-1 block font-medium text-slate-700">From branch</span>
              <select value={branch ?? ""} onChange={(e) => onBranch(e.target.value)} className="w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm">
                {branches.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.label}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label htmlFor={filterId} className="mt-3 mb-1 block text-sm font-medium text-slate-700">
            Find
          </label>
          <input
            id={filterId}
            ref={filterRef}
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && shown.length) {
                e.preventDefault();
                onChoose(shown[0].key);
              }
            }}
            placeholder="Type, then Enter picks the first match"
            autoComplete="off"
            className="w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm focus:border-brand-500 focus:outline-none"
          />
        </div>
        <div className="min-h-0 flex-1 overflow-y-auto px-3 py-2">
          {shown.length === 0 ? (
            <p className="px-2 py-3 text-sm text-slate-600" role="status">
              {options.length === 0 ? empty : "Nothing matches."}
            </p>
          ) : (
            <ul aria-label={title}>
              {shown.map((o) => (
                <li key={o.key}>
                  <button
                    type="button"
                    data-option
                    onClick={() => onChoose(o.key)}
                    className="flex w-full items-center gap-2.5 rounded-lg px-2 py-1.5 text-left hover:bg-slate-50 focus:bg-brand-50"
                  >
                    {o.icon ? <span className={`flex h-7 w-7 shrink-0 items-center justify-center rounded-md ${o.tile ?? ""}`}>{o.icon}</span> : null}
                    <span className="min-w-0">
                      <span className="block text-sm font-medium text-slate-800">{o.label}</span>
                      <span className="block truncate text-xs text-slate-500">{o.hint}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="flex justify-end border-t border-slate-100 px-5 py-3">
          <button type="button" onClick={onClose} className="rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100">
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}

/** The branches of a node that have no edge yet, with the names the card shows. */
function freeBranches(node: CanvasNode, handles: string[], used: Set<string>) {
  return handles.filter((h) => !used.has(h)).map((h) => ({ id: h, label: branchName(node, h) }));
}

export function AddStepDialog({
  node,
  handles,
  used,
  onAdd,
  onClose,
}: {
  node: CanvasNode;
  handles: string[];
  /** Handles of the node that already have an edge. */
  used: Set<string>;
  onAdd: (kind: Kind, handle: string) => void;
  onClose: () => void;
}) {
  const free = freeBranches(node, handles, used);
  const [branch, setBranch] = useState<string | null>(free[0]?.id ?? null);
  const options: Option[] = branch ? KINDS.filter((k) => k.type !== "trigger").map((k) => ({ key: k.key, label: k.label, hint: k.hint, icon: k.icon, tile: k.tile })) : [];
  return (
    <CommandDialog
      title={`Add a step below ${nodeName(node)}`}
      intro={free.length ? "The new step is connected from the chosen branch and selected." : "Every branch of this step is already connected."}
      branches={free}
      branch={branch}
      onBranch={setBranch}
      options={options}
      empty={handles.length ? "Every branch is already connected: delete a connection first." : "An Exit ends the flow: nothing can follow it."}
      onChoose={(key) => {
        const kind = KINDS.find((k) => k.key === key);
        if (kind && branch) onAdd(kind, branch);
      }}
      onClose={onClose}
    />
  );
}

export function ConnectDialog({
  node,
  handles,
  used,
  nodes,
  problem,
  onConnect,
  onClose,
}: {
  node: CanvasNode;
  handles: string[];
  used: Set<string>;
  nodes: CanvasNode[];
  /** Why a connection from this node's branch to a target is refused, or null (the canvas's rules). */
  problem: (target: string, handle: string) => string | null;
  onConnect: (target: string, handle: string) => void;
  onClose: () => void;
}) {
  const free = freeBranches(node, handles, used);
  const [branch, setBranch] = useState<string | null>(free[0]?.id ?? null);
  const options: Option[] = branch
    ? nodes.filter((n) => problem(n.id, branch) === null).map((n) => ({ key: n.id, label: nodeName(n), hint: summaryOf(n) }))
    : [];
  return (
    <CommandDialog
      title={`Connect ${nodeName(node)} to…`}
      intro={free.length ? "Choose the step this one leads to." : "Every branch of this step is already connected."}
      branches={free}
      branch={branch}
      onBranch={setBranch}
      options={options}
      empty={!handles.length ? "An Exit ends the flow: nothing can follow it." : free.length ? "No step can follow this branch without breaking a rule (a loop needs a wait; nothing leads into a trigger)." : "Every branch is already connected: delete a connection first."}
      onChoose={(target) => branch && onConnect(target, branch)}
      onClose={onClose}
    />
  );
}
