"use client";
// The editor's toolbar: flow name, autosave state, undo/redo, layout, shortcuts, problems, stats,
// pause/resume and publish.
import Link from "next/link";
import { StatusBadge } from "@/components/ui/status-badge";
import type { FlowDocument, Problem } from "@/lib/flow/schema";
import { useEditor, type SaveState } from "./editor-store";
import type { EditorCommands } from "./editor-commands";
import { ShortcutsHelp } from "./shortcuts-help";

const SAVE_LABEL: Record<SaveState, { text: string; tone: string }> = {
  saved: { text: "Saved", tone: "text-emerald-700" },
  saving: { text: "Saving…", tone: "text-slate-500" },
  unsaved: { text: "Unsaved changes", tone: "text-amber-700" },
  invalid: { text: "Not saved: fix the highlighted fields", tone: "text-red-700" },
  error: { text: "Save failed", tone: "text-red-700" },
};

export function EditorToolbar({
  flow,
  cmd,
  readOnly,
  canEdit,
  saveState,
  problems,
  help,
  onHelp,
  showProblems,
  onShowProblems,
  statsOn,
  onStats,
  onPause,
  onResume,
  pausing,
  onProblem,
}: {
  flow: FlowDocument;
  cmd: EditorCommands;
  readOnly: boolean;
  canEdit: boolean;
  saveState: SaveState;
  problems: Problem[];
  help: boolean;
  onHelp: (open: boolean) => void;
  showProblems: boolean;
  onShowProblems: (open: boolean) => void;
  statsOn: boolean;
  onStats: (on: boolean) => void;
  onPause: () => void;
  onResume: () => void;
  pausing: boolean;
  onProblem: (p: Problem) => void;
}) {
  const name = useEditor((s) => s.doc.name);
  const rename = useEditor((s) => s.rename);
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const saveError = useEditor((s) => s.saveError);
  const openPublish = useEditor((s) => s.openPublish);
  const save = SAVE_LABEL[saveState];
  const problemCount = problems.length;
  const status = flow.status;
  const draftDiffers = flow.version === 0 || flow.hasUnpublishedChanges || saveState !== "saved";
  return (
    <header className="relative z-20 flex h-14 shrink-0 items-center gap-3 border-b border-slate-200 bg-white px-4">
      <Link href="/flows" className="rounded-md p-1 text-slate-500 hover:bg-slate-100 hover:text-slate-900" aria-label="Back to flows">
        <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
          <path d="m15 18-6-6 6-6" />
        </svg>
      </Link>
      {/* The page's heading for screen readers; sighted people read the name in the field beside it. */}
      <h1 className="sr-only">Flow editor: {name || "untitled flow"}</h1>
      <label htmlFor="flow-name" className="sr-only">
        Flow name
      </label>
      <input
        id="flow-name"
        value={name}
        readOnly={readOnly}
        onChange={(e) => rename(e.target.value)}
        className="min-w-0 max-w-xs flex-1 rounded-md border border-transparent px-2 py-1 text-base font-semibold text-slate-900 hover:border-slate-200 focus:border-brand-500 focus:outline-none"
      />
      <StatusBadge status={status} />
      {flow.version > 0 ? <span className="text-xs tabular-nums text-slate-500">live v{flow.version}</span> : null}
      <span className={`flex items-center gap-1.5 text-xs ${save.tone}`} role="status" aria-live="polite" data-testid="save-state" data-state={saveState}>
        <span className={`h-1.5 w-1.5 rounded-full ${saveState === "saved" ? "bg-emerald-500" : saveState === "saving" ? "animate-pulse bg-slate-400" : saveState === "unsaved" ? "bg-amber-500" : "bg-red-500"}`} aria-hidden />
        {saveState === "error" && saveError ? `${save.text}: ${saveError}` : save.text}
      </span>
      <div className="ml-auto flex items-center gap-1.5">
        <ToolButton label="Undo (Ctrl+Z)" onClick={cmd.undo} disabled={!canUndo || readOnly}>
          <path d="M9 14 4 9l5-5" />
          <path d="M4 9h11a5 5 0 0 1 0 10h-3" />
        </ToolButton>
        <ToolButton label="Redo (Ctrl+Shift+Z)" onClick={cmd.redo} disabled={!canRedo || readOnly}>
          <path d="m15 14 5-5-5-5" />
          <path d="M20 9H9a5 5 0 0 0 0 10h3" />
        </ToolButton>
        <ToolButton label="Auto-layout (Shift+L)" onClick={() => void cmd.autoLayout()} disabled={readOnly}>
          <rect x="3" y="3" width="7" height="5" rx="1" />
          <rect x="14" y="16" width="7" height="5" rx="1" />
          <rect x="3" y="16" width="7" height="5" rx="1" />
          <path d="M6.5 8v8M6.5 12h11v4" />
        </ToolButton>
        <ToolButton label="Keyboard shortcuts (?)" onClick={() => onHelp(!help)} pressed={help}>
          <rect x="2" y="6" width="20" height="12" rx="2" />
          <path d="M6 10h.01M10 10h.01M14 10h.01M18 10h.01M7 14h10" />
        </ToolButton>
        <span className="mx-1 h-6 w-px bg-slate-200" aria-hidden />
        <div className="relative">
          <button
            type="button"
            onClick={() => onShowProblems(!showProblems)}
            aria-expanded={showProblems}
            data-testid="problems-button"
            className={`rounded-md px-2.5 py-1.5 text-sm font-medium ${problemCount ? "bg-red-50 text-red-700 hover:bg-red-100" : "text-emerald-700 hover:bg-emerald-50"}`}
          >
            {problemCount ? `${problemCount} problem${problemCount === 1 ? "" : "s"}` : "No problems"}
          </button>
          {showProblems ? (
            <div className="absolute top-10 right-0 z-30 w-96 rounded-xl border border-slate-200 bg-white p-2 shadow-xl" role="dialog" aria-label="Problems">
              {problemCount === 0 ? (
                <p className="p-3 text-sm text-slate-600">The flow is ready to publish.</p>
              ) : (
                <ul className="max-h-80 overflow-y-auto">
                  {problems.map((p, i) => (
                    <li key={i}>
                      <button
                        type="button"
                        className="w-full rounded-md px-3 py-2 text-left text-sm hover:bg-slate-50"
                        onClick={() => {
                          onProblem(p);
                          onShowProblems(false);
                        }}
                      >
                        <span className="block text-slate-800">{p.message}</span>
                        {p.nodeId ? <span className="font-mono text-xs text-slate-400">{p.nodeId}</span> : null}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ) : null}
        </div>
        {flow.version > 0 ? (
          <button type="button" onClick={() => onStats(!statsOn)} aria-pressed={statsOn} className={`rounded-md px-2.5 py-1.5 text-sm font-medium ${statsOn ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}>
            Stats
          </button>
        ) : null}
        {canEdit && flow.version > 0 ? (
          status === "paused" ? (
            <button type="button" onClick={onResume} disabled={pausing} className="rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
              Resume
            </button>
          ) : (
            <button type="button" onClick={onPause} disabled={pausing} className="rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
              Pause
            </button>
          )
        ) : null}
        {canEdit ? (
          <button
            type="button"
            onClick={() => void openPublish()}
            disabled={problemCount > 0 || saveState === "invalid" || !draftDiffers}
            title={problemCount ? "Fix the problems first" : !draftDiffers ? "The live version is up to date" : undefined}
            className="rounded-md bg-brand-600 px-3.5 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-40"
          >
            Publish
          </button>
        ) : null}
      </div>
      {help ? <ShortcutsHelp onClose={() => onHelp(false)} /> : null}
    </header>
  );
}

function ToolButton({ label, onClick, disabled, pressed, children }: { label: string; onClick: () => void; disabled?: boolean; pressed?: boolean; children: React.ReactNode }) {
  return (
    <button type="button" onClick={onClick} disabled={disabled} aria-label={label} title={label} aria-pressed={pressed} className={`rounded-md p-1.5 text-slate-600 hover:bg-slate-100 hover:text-slate-900 disabled:opacity-30 ${pressed ? "bg-slate-100" : ""}`}>
      <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
        {children}
      </svg>
    </button>
  );
}
