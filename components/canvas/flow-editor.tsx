"use client";
// The flow editor page: toolbar (name, autosave state, problems, publish, pause/resume), palette,
// canvas and a side panel (inspector or flow settings, simulate, test cases, version history).
import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useFlow, usePauseFlow, usePublishFlow, useResumeFlow } from "@/components/hooks/use-flows";
import { connectionProblem, readBackup, backupKey, snapshotOf, useFlowEditor, type FlowEditor as Editor } from "@/components/hooks/use-flow-editor";
import { useFlowVersion, useRestoreVersion } from "@/components/hooks/use-flow-editor-versions";
import { useFlowStats } from "@/components/hooks/use-flow-stats";
import { useFlowTestRun, useFlowTests, useSaveFlowTests, type ExpectedChange } from "@/components/hooks/use-flow-tests";
import type { TestCase } from "@/lib/cases/schema";
import { useCan } from "@/components/account-context";
import { StatusBadge } from "@/components/ui/status-badge";
import { ApiRequestError } from "@/lib/client/api";
import { canvasHandles, freshId, toDocument, type CanvasEdge, type CanvasNode } from "@/lib/flow/canvas-mapping";
import type { FlowDocument, FlowNode, Problem } from "@/lib/flow/schema";
import { FlowCanvas, type NodeCommand } from "./flow-canvas";
import { AddStepDialog, ConnectDialog } from "./step-dialogs";
import { describeChange, flowOrder, nodeName } from "./a11y";
import { focusFirstFieldWhenDrawn, focusNodeWhenDrawn, useAnnounce } from "./announce";
import { Palette } from "./palette";
import { NodeInspector, SettingsInspector } from "./inspector";
import { SimulatePanel, type SimPath } from "./simulate-panel";
import { PublishDialog } from "./publish-dialog";
import { TestsPanel, freeCaseName } from "./tests-panel";
import { VersionHistory } from "./version-history";
import { ShortcutsHelp } from "./shortcuts-help";
import { DecorContext, type Decor } from "./decor";
import { kindByKey, type Kind } from "./node-kinds";
import type { SplitRef } from "./condition-builder";

type Panel = "inspect" | "simulate" | "tests" | "history";

export function FlowEditorPage({ flowId, initial }: { flowId: string; initial?: FlowDocument }) {
  const flow = useFlow(flowId, initial);
  if (flow.isPending) {
    return (
      <div className="flex h-[calc(100vh-3.5rem)] items-center justify-center" aria-busy="true">
        <div className="flex items-center gap-3 text-sm text-slate-500">
          <span className="h-4 w-4 animate-spin rounded-full border-2 border-brand-500 border-t-transparent" aria-hidden />
          Loading the flow…
        </div>
      </div>
    );
  }
  if (flow.isError) {
    const missing = flow.error instanceof ApiRequestError && flow.error.status === 404;
    return (
      <div className="mx-auto max-w-xl px-4 py-16 text-center">
        <h1 className="text-xl font-semibold">{missing ? "This flow does not exist" : "Could not load the flow"}</h1>
        <p className="mt-2 text-sm text-slate-600">{missing ? "It may have been deleted." : flow.error.message}</p>
        <Link href="/flows" className="mt-6 inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700">
          Back to flows
        </Link>
      </div>
    );
  }
  return (
    <ReactFlowProvider>
      <Editor flow={flow.data} />
    </ReactFlowProvider>
  );
}

const SAVE_LABEL: Record<Editor["saveState"], { text: string; tone: string }> = {
  saved: { text: "Saved", tone: "text-emerald-700" },
  saving: { text: "Saving…", tone: "text-slate-500" },
  unsaved: { text: "Unsaved changes", tone: "text-amber-700" },
  invalid: { text: "Not saved: fix the highlighted fields", tone: "text-red-700" },
  error: { text: "Save failed", tone: "text-red-700" },
};

const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));

function Editor({ flow }: { flow: FlowDocument }) {
  const editor = useFlowEditor(flow);
  const { stateRef, commit, update, select, save: saveNow } = editor;
  const canEdit = useCan("editor");
  const readOnly = !canEdit;
  const rf = useReactFlow<CanvasNode, CanvasEdge>();
  const [panel, setPanel] = useState<Panel>("inspect");
  const [help, setHelp] = useState(false);
  const [showProblems, setShowProblems] = useState(false);
  const [statsOn, setStatsOn] = useState(false);
  const [publishOpen, setPublishOpen] = useState(false);
  const [publishError, setPublishError] = useState<string | null>(null);
  const [simPath, setSimPath] = useState<SimPath | null>(null);
  const [command, setCommand] = useState<{ kind: "add" | "connect"; nodeId: string } | null>(null);
  const announce = useAnnounce();
  const sidePanel = useRef<HTMLDivElement>(null);
  // A backup left by a tab that closed before its last autosave (the editor only renders in the browser).
  const [backup, setBackup] = useState<ReturnType<typeof readBackup>>(() => {
    const b = readBackup(flow.id);
    if (!b) return null;
    const same = JSON.stringify({ g: b.graph, s: b.settings }) === JSON.stringify({ g: toDocument(snapshotOf(flow)), s: flow.settings });
    return same ? null : b;
  });
  const clipboard = useRef<{ nodes: CanvasNode[]; edges: CanvasEdge[] } | null>(null);
  const canvasBox = useRef<HTMLDivElement>(null);
  const publish = usePublishFlow(flow.id);
  const pause = usePauseFlow(flow.id);
  const resume = useResumeFlow(flow.id);
  const restore = useRestoreVersion(flow.id);
  const [restoring, setRestoring] = useState<number | null>(null);
  const live = useFlowVersion(flow.id, publishOpen && flow.version > 0 ? flow.version : null);
  const stats = useFlowStats(flow.id, statsOn && flow.version > 0);
  const tests = useFlowTests(flow.id);
  const saveTests = useSaveFlowTests(flow.id);
  const caseList = tests.data?.cases;
  // Runs on the saved draft: a new run after each autosave (updatedAt) and each change to the cases.
  const testRun = useFlowTestRun(flow.id, flow.updatedAt, tests.data?.updatedAt, (caseList?.length ?? 0) > 0);
  const runResults = caseList?.length ? testRun.data : undefined;
  const failingCases = useMemo(() => (runResults?.results ?? []).filter((r) => !r.passed).map((r) => ({ name: r.name, failures: r.failures })), [runResults]);
  const saveCase = useCallback(
    async (c: TestCase) => {
      const current = tests.data?.cases ?? [];
      const name = freeCaseName(c.name, current);
      const doc = await saveTests.mutateAsync([...current, { ...c, name }]);
      return `Saved test case “${name}” (${doc.cases.length} case${doc.cases.length === 1 ? "" : "s"} in this flow)`;
    },
    [tests.data, saveTests],
  );


  const selected = useMemo(() => editor.nodes.filter((n) => n.selected), [editor.nodes]);
  const one = selected.length === 1 ? selected[0] : null;
  const graph = useMemo(() => toDocument(editor.state), [editor.rev]); // eslint-disable-line react-hooks/exhaustive-deps

  // Every commit re-checks the draft and yields a new problems array; keyed by content, the decor (and
  // so every node card, which reads it) changes only when the problems themselves do.
  const problemsKey = useMemo(() => JSON.stringify(editor.problems), [editor.problems]);
  const problemsByNode = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const p of JSON.parse(problemsKey) as Problem[]) if (p.nodeId) m.set(p.nodeId, [...(m.get(p.nodeId) ?? []), p.message]);
    return m;
  }, [problemsKey]);
  const problemEdges = useMemo(() => new Set((JSON.parse(problemsKey) as Problem[]).flatMap((p) => (p.edgeId ? [p.edgeId] : []))), [problemsKey]);

  const unreached = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const r of runResults?.results ?? []) if (!r.passed) for (const id of r.unreached) m.set(id, [...(m.get(id) ?? []), r.name]);
    return m;
  }, [runResults]);
  const labelsKey = graph.nodes.map((n) => `${n.id}\u0000${n.label ?? ""}`).join("\u0001");
  const labels = useMemo(() => new Map(graph.nodes.flatMap((n) => (n.label ? [[n.id, n.label] as const] : []))), [labelsKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const decor: Decor = useMemo(
    () => ({
      problems: problemsByNode,
      path: simPath?.path ?? new Map(),
      current: simPath?.current ?? null,
      stats: statsOn && stats.data?.stats ? stats.data.stats.nodes : statsOn && flow.version > 0 && stats.data ? {} : null,
      readOnly,
      unreached,
      labels,
    }),
    [problemsByNode, simPath, statsOn, stats.data, flow.version, readOnly, unreached, labels],
  );

  const edges = useMemo(
    () =>
      editor.edges.map((e) => {
        const cls = [`pw-${e.sourceHandle ?? "next"}`, problemEdges.has(e.id) ? "pw-problem" : "", simPath?.edges.has(e.id) ? "pw-path" : ""].filter(Boolean).join(" ");
        return e.className === cls ? e : { ...e, className: cls, animated: !!simPath?.edges.has(e.id) };
      }),
    [editor.edges, problemEdges, simPath],
  );

  // Undo and redo say what they changed, for whoever cannot see the canvas change.
  const { undo: undoRaw, redo: redoRaw } = editor;
  const undo = useCallback(() => {
    const before = stateRef.current;
    undoRaw();
    if (stateRef.current !== before) announce(`Undone: ${describeChange(before, stateRef.current)}`);
    else announce("Nothing to undo");
  }, [undoRaw, stateRef, announce]);
  const redo = useCallback(() => {
    const before = stateRef.current;
    redoRaw();
    if (stateRef.current !== before) announce(`Redone: ${describeChange(before, stateRef.current)}`);
    else announce("Nothing to redo");
  }, [redoRaw, stateRef, announce]);

  const focusNode = useCallback(
    (id: string) => {
      select([id]);
      setPanel("inspect");
      const n = rf.getNode(id);
      if (n) rf.setCenter(n.position.x + (n.measured?.width ?? 260) / 2, n.position.y + (n.measured?.height ?? 96) / 2, { zoom: Math.max(rf.getZoom(), 0.9), duration: 300 });
    },
    [select, rf],
  );

  /**
   * Add a step: at a drop point; or below `from` (a node and one of its handles); or below the one
   * selected node, on its first free handle; else in the middle of the view. Returns the new id.
   */
  const addNode = useCallback(
    (kind: Kind, at?: { x: number; y: number }, from?: { id: string; handle: string }): string | null => {
      if (readOnly) return null;
      const s = stateRef.current;
      const prefix = kind.key === "in_app" ? "in-app" : kind.key;
      const id = freshId(prefix, s.nodes.map((n) => n.id));
      let position = at;
      let edge: CanvasEdge | null = null;
      const sel = from ? s.nodes.filter((n) => n.id === from.id) : s.nodes.filter((n) => n.selected);
      if (!position && sel.length === 1 && kind.type !== "trigger") {
        const src = sel[0];
        const handles = canvasHandles(src);
        const taken = (h: string) => s.edges.some((e) => e.source === src.id && (e.sourceHandle ?? "next") === h);
        const free = from ? (handles.includes(from.handle) && !taken(from.handle) ? from.handle : undefined) : handles.find((h) => !taken(h));
        if (free) {
          const i = handles.indexOf(free);
          position = { x: Math.round(src.position.x + (i - (handles.length - 1) / 2) * 300), y: Math.round(src.position.y + (src.measured?.height ?? 100) + 90) };
          edge = { id: freshId("e", s.edges.map((e) => e.id)), source: src.id, target: id, sourceHandle: free, targetHandle: null };
        }
      }
      if (!position) {
        const box = canvasBox.current?.getBoundingClientRect();
        const c = rf.screenToFlowPosition({ x: (box?.left ?? 0) + (box?.width ?? 800) / 2, y: (box?.top ?? 0) + (box?.height ?? 600) / 2 });
        position = { x: Math.round(c.x - 130 + (s.nodes.length % 5) * 12), y: Math.round(c.y - 48 + (s.nodes.length % 5) * 12) };
        // Not on top of a step already there (a card hidden under another is lost to sight and to the mouse).
        const overlaps = (p: { x: number; y: number }) =>
          s.nodes.some((n) => Math.abs(n.position.x - p.x) < (n.measured?.width ?? 260) + 20 && Math.abs(n.position.y - p.y) < (n.measured?.height ?? 96) + 20);
        for (let i = 0; i < 12 && overlaps(position); i++) position = { x: position.x + 300, y: position.y };
      }
      const node: CanvasNode = { id, type: kind.type, position, data: kind.make() as Record<string, unknown>, selected: true };
      commit({ ...s, nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node], edges: edge ? [...s.edges, edge] : s.edges });
      setPanel("inspect");
      announce(edge ? `Added ${kind.label} ${id} below ${edge.source}${edge.sourceHandle && edge.sourceHandle !== "next" ? ` on ${edge.sourceHandle}` : ""}, connected` : `Added ${kind.label} ${id}, not connected`);
      return id;
    },
    [commit, stateRef, readOnly, rf, announce],
  );

  const onDropKind = useCallback((key: string, at: { x: number; y: number }) => {
    const k = kindByKey(key);
    if (k) addNode(k, at);
  }, [addNode]);

  const autoLayout = useCallback(async () => {
    const s = stateRef.current;
    const sizes = new Map(s.nodes.map((n) => [n.id, { width: n.measured?.width ?? 260, height: n.measured?.height ?? 96 }]));
    // elkjs is over a megabyte: loaded the first time someone asks for a layout, not with the editor.
    const { layoutGraph } = await import("@/lib/flow/layout");
    const pos = await layoutGraph(toDocument(s), sizes);
    const cur = stateRef.current;
    commit({ ...cur, nodes: cur.nodes.map((n) => ({ ...n, position: pos.get(n.id) ?? n.position })) });
    requestAnimationFrame(() => rf.fitView({ padding: 0.2, duration: 300, maxZoom: 1.1 }));
  }, [commit, stateRef, rf]);

  const copy = useCallback(() => {
    const s = stateRef.current;
    const nodes = s.nodes.filter((n) => n.selected);
    if (!nodes.length) return false;
    const ids = new Set(nodes.map((n) => n.id));
    clipboard.current = { nodes, edges: s.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) };
    return true;
  }, [stateRef]);

  const paste = useCallback(() => {
    const clip = clipboard.current;
    if (!clip || readOnly) return;
    const s = stateRef.current;
    const taken = new Set(s.nodes.map((n) => n.id));
    const rename = new Map<string, string>();
    for (const n of clip.nodes) {
      const id = freshId(n.id.replace(/-\d+$/, ""), taken);
      taken.add(id);
      rename.set(n.id, id);
    }
    const edgeIds = new Set(s.edges.map((e) => e.id));
    const nodes = clip.nodes.map((n) => ({ ...n, id: rename.get(n.id)!, position: { x: n.position.x + 40, y: n.position.y + 40 }, selected: true, data: structuredClone(n.data) }));
    const newEdges = clip.edges.map((e) => {
      const id = freshId("e", edgeIds);
      edgeIds.add(id);
      return { ...e, id, source: rename.get(e.source)!, target: rename.get(e.target)!, selected: false };
    });
    commit({ ...s, nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...nodes], edges: [...s.edges, ...newEdges] });
    clipboard.current = { nodes: nodes.map((n) => ({ ...n, selected: false })), edges: newEdges };
  }, [commit, stateRef, readOnly]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === "z" && !readOnly) {
        e.preventDefault();
        if (e.shiftKey) redo();
        else undo();
      } else if (mod && key === "y" && !readOnly) {
        e.preventDefault();
        redo();
      } else if (mod && key === "c") {
        if (copy()) e.preventDefault();
      } else if (mod && key === "v") {
        e.preventDefault();
        paste();
      } else if (mod && key === "d") {
        e.preventDefault();
        if (copy()) paste();
      } else if (mod && key === "a") {
        e.preventDefault();
        select(stateRef.current.nodes.map((n) => n.id));
      } else if (mod && key === "s") {
        e.preventDefault();
        void saveNow();
      } else if (!mod && e.key === "?") {
        setHelp((h) => !h);
      } else if (!mod && e.shiftKey && key === "l" && !readOnly) {
        void autoLayout();
      } else if (!mod && !e.shiftKey && key === "f") {
        rf.fitView({ padding: 0.2, duration: 300, maxZoom: 1.1 });
      } else if (e.key === "Escape") {
        setHelp(false);
        setShowProblems(false);
        select([]);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [undo, redo, select, saveNow, stateRef, copy, paste, autoLayout, rf, readOnly]);

  const splits: SplitRef[] = useMemo(
    () => graph.nodes.flatMap((n) => (n.type === "split" ? [{ id: n.id, branches: n.data.branches }] : [])),
    [graph],
  );

  const changeNode = useCallback(
    (id: string) => (data: FlowNode["data"], key?: string) =>
      update((s) => ({ ...s, nodes: s.nodes.map((n) => (n.id === id ? { ...n, data: data as Record<string, unknown> } : n)) }), key ? `${id}:${key}` : undefined),
    [update],
  );

  const selectedId = one?.id ?? null;
  const changeSelected = useMemo(() => (selectedId ? changeNode(selectedId) : () => {}), [selectedId, changeNode]);
  const labelSelected = useCallback(
    (label: string) => {
      if (!selectedId) return;
      update((s) => ({ ...s, nodes: s.nodes.map((n) => (n.id === selectedId ? { ...n, label: label.trim() ? label : undefined } : n)) }), `${selectedId}:label`);
    },
    [selectedId, update],
  );
  const inspectorFlow = useMemo(() => ({ id: flow.id, name: editor.name }), [flow.id, editor.name]);

  /**
   * Delete the selected nodes; or, given the focused node and it is not selected, that node alone.
   * Focus then moves to the step before them in flow order.
   */
  const deleteSelected = useCallback(
    (focused?: string) => {
      const s = stateRef.current;
      const alone = focused !== undefined && !s.nodes.find((n) => n.id === focused)?.selected;
      const gone = new Set(s.nodes.filter((n) => (alone ? n.id === focused : n.selected)).map((n) => n.id));
      if (!gone.size) return;
      const order = flowOrder(s.nodes, s.edges);
      const first = order.findIndex((id) => gone.has(id));
      const rest = order.filter((id) => !gone.has(id));
      const fallback = rest[Math.max(0, Math.min(first, rest.length) - 1)] ?? null;
      update((cur) => ({ ...cur, nodes: cur.nodes.filter((n) => !gone.has(n.id)), edges: cur.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)) }));
      announce(`Deleted ${[...gone].join(", ")}`);
      if (focused && fallback) focusNodeWhenDrawn(fallback);
    },
    [update, stateRef, announce],
  );

  const onNodeCommand = useCallback(
    (cmd: NodeCommand, nodeId: string) => {
      const node = stateRef.current.nodes.find((n) => n.id === nodeId);
      if (!node) return;
      if (cmd === "inspect") {
        if (!node.selected || stateRef.current.nodes.some((n) => n.selected && n.id !== nodeId)) select([nodeId]);
        setPanel("inspect");
        focusFirstFieldWhenDrawn(() => sidePanel.current);
      } else if (cmd === "delete") deleteSelected(nodeId);
      else setCommand({ kind: cmd, nodeId });
    },
    [stateRef, select, deleteSelected],
  );

  const commandNode = command ? (editor.nodes.find((n) => n.id === command.nodeId) ?? null) : null;
  const commandUsed = useMemo(
    () => new Set(editor.edges.filter((e) => e.source === command?.nodeId).map((e) => e.sourceHandle ?? "next")),
    [editor.edges, command],
  );
  const addFromCommand = useCallback(
    (kind: Kind, handle: string) => {
      if (!command) return;
      setCommand(null);
      const id = addNode(kind, undefined, { id: command.nodeId, handle });
      if (id) focusNodeWhenDrawn(id);
    },
    [command, addNode],
  );
  const { onConnect } = editor;
  const connectFromCommand = useCallback(
    (target: string, handle: string) => {
      if (!command) return;
      const source = command.nodeId;
      onConnect({ source, target, sourceHandle: handle, targetHandle: null });
      announce(`Connected ${source}${handle !== "next" ? ` (${handle})` : ""} to ${target}`);
      setCommand(null);
      focusNodeWhenDrawn(source);
    },
    [command, onConnect, announce],
  );

  const closeCommand = useCallback(() => {
    const id = command?.nodeId;
    setCommand(null);
    if (id) focusNodeWhenDrawn(id);
  }, [command]);

  const openPublish = async () => {
    setPublishError(null);
    const ok = await editor.save();
    if (!ok) {
      setPublishError(editor.saveError ?? "Save the draft first");
      return;
    }
    setPublishOpen(true);
  };
  const confirmPublish = (expectedToChange: ExpectedChange[]) =>
    publish.mutate({ expectedToChange }, {
      onSuccess: () => setPublishOpen(false),
      onError: (e) => setPublishError(e instanceof ApiRequestError && e.details.length ? `${e.message}: ${(e.details as Problem[]).map((p) => p.message).join("; ")}` : e.message),
    });

  const onRestore = (v: number) => {
    setRestoring(v);
    restore.mutate(v, {
      onSuccess: (doc) => editor.replace({ graph: doc.graph, settings: doc.settings }, true),
      onSettled: () => setRestoring(null),
    });
  };

  const save = SAVE_LABEL[editor.saveState];
  const problemCount = editor.problems.length;
  const status = flow.status;
  const draftDiffers = flow.version === 0 || flow.hasUnpublishedChanges || editor.saveState !== "saved";

  return (
    <DecorContext.Provider value={decor}>
      <div className="flex h-[calc(100vh-3.5rem)] flex-col bg-slate-50">
        <header className="relative z-20 flex h-14 shrink-0 items-center gap-3 border-b border-slate-200 bg-white px-4">
          <Link href="/flows" className="rounded-md p-1 text-slate-500 hover:bg-slate-100 hover:text-slate-900" aria-label="Back to flows">
            <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
              <path d="m15 18-6-6 6-6" />
            </svg>
          </Link>
          {/* The page's heading for screen readers; sighted people read the name in the field beside it. */}
          <h1 className="sr-only">Flow editor: {editor.name || "untitled flow"}</h1>
          <label htmlFor="flow-name" className="sr-only">
            Flow name
          </label>
          <input
            id="flow-name"
            value={editor.name}
            readOnly={readOnly}
            onChange={(e) => update((s) => ({ ...s, name: e.target.value }), "name")}
            className="min-w-0 max-w-xs flex-1 rounded-md border border-transparent px-2 py-1 text-base font-semibold text-slate-900 hover:border-slate-200 focus:border-brand-500 focus:outline-none"
          />
          <StatusBadge status={status} />
          {flow.version > 0 ? <span className="text-xs tabular-nums text-slate-500">live v{flow.version}</span> : null}
          <span className={`flex items-center gap-1.5 text-xs ${save.tone}`} role="status" aria-live="polite" data-testid="save-state" data-state={editor.saveState}>
            <span className={`h-1.5 w-1.5 rounded-full ${editor.saveState === "saved" ? "bg-emerald-500" : editor.saveState === "saving" ? "animate-pulse bg-slate-400" : editor.saveState === "unsaved" ? "bg-amber-500" : "bg-red-500"}`} aria-hidden />
            {editor.saveState === "error" && editor.saveError ? `${save.text}: ${editor.saveError}` : save.text}
          </span>
          <div className="ml-auto flex items-center gap-1.5">
            <ToolButton label="Undo (Ctrl+Z)" onClick={undo} disabled={!editor.canUndo || readOnly}>
              <path d="M9 14 4 9l5-5" />
              <path d="M4 9h11a5 5 0 0 1 0 10h-3" />
            </ToolButton>
            <ToolButton label="Redo (Ctrl+Shift+Z)" onClick={redo} disabled={!editor.canRedo || readOnly}>
              <path d="m15 14 5-5-5-5" />
              <path d="M20 9H9a5 5 0 0 0 0 10h3" />
            </ToolButton>
            <ToolButton label="Auto-layout (Shift+L)" onClick={() => void autoLayout()} disabled={readOnly}>
              <rect x="3" y="3" width="7" height="5" rx="1" />
              <rect x="14" y="16" width="7" height="5" rx="1" />
              <rect x="3" y="16" width="7" height="5" rx="1" />
              <path d="M6.5 8v8M6.5 12h11v4" />
            </ToolButton>
            <ToolButton label="Keyboard shortcuts (?)" onClick={() => setHelp((h) => !h)} pressed={help}>
              <rect x="2" y="6" width="20" height="12" rx="2" />
              <path d="M6 10h.01M10 10h.01M14 10h.01M18 10h.01M7 14h10" />
            </ToolButton>
            <span className="mx-1 h-6 w-px bg-slate-200" aria-hidden />
            <div className="relative">
              <button
                type="button"
                onClick={() => setShowProblems((v) => !v)}
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
                      {editor.problems.map((p, i) => (
                        <li key={i}>
                          <button
                            type="button"
                            className="w-full rounded-md px-3 py-2 text-left text-sm hover:bg-slate-50"
                            onClick={() => {
                              if (p.nodeId) focusNode(p.nodeId);
                              else if (p.edgeId) {
                                const e = editor.edges.find((x) => x.id === p.edgeId);
                                if (e) focusNode(e.source);
                              }
                              setShowProblems(false);
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
              <button type="button" onClick={() => setStatsOn((v) => !v)} aria-pressed={statsOn} className={`rounded-md px-2.5 py-1.5 text-sm font-medium ${statsOn ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}>
                Stats
              </button>
            ) : null}
            {canEdit && flow.version > 0 ? (
              status === "paused" ? (
                <button type="button" onClick={() => resume.mutate()} disabled={resume.isPending} className="rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
                  Resume
                </button>
              ) : (
                <button type="button" onClick={() => pause.mutate()} disabled={pause.isPending} className="rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
                  Pause
                </button>
              )
            ) : null}
            {canEdit ? (
              <button
                type="button"
                onClick={() => void openPublish()}
                disabled={problemCount > 0 || editor.saveState === "invalid" || !draftDiffers}
                title={problemCount ? "Fix the problems first" : !draftDiffers ? "The live version is up to date" : undefined}
                className="rounded-md bg-brand-600 px-3.5 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-40"
              >
                Publish
              </button>
            ) : null}
          </div>
          {help ? <ShortcutsHelp onClose={() => setHelp(false)} /> : null}
        </header>
        {backup ? (
          <div className="flex items-center gap-3 border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900" role="alert">
            Unsaved changes from {new Date(backup.savedAt).toLocaleString()} were found in this browser.
            <button type="button" className="font-semibold underline" onClick={() => { editor.replace(backup); setBackup(null); }}>
              Restore them
            </button>
            <button type="button" className="underline" onClick={() => { localStorage.removeItem(backupKey(flow.id)); setBackup(null); }}>
              Discard
            </button>
          </div>
        ) : null}
        {publishError && !publishOpen ? (
          <div className="border-b border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800" role="alert">
            {publishError}
          </div>
        ) : null}
        {statsOn && stats.data?.missing ? (
          <div className="border-b border-slate-200 bg-slate-100 px-4 py-1.5 text-xs text-slate-600">Stats are not available on this server yet.</div>
        ) : statsOn && stats.isError ? (
          <div className="border-b border-red-200 bg-red-50 px-4 py-1.5 text-xs text-red-700">Could not load stats: {stats.error.message}</div>
        ) : null}
        <div className="flex min-h-0 flex-1">
          {readOnly ? null : (
            <aside className="w-56 shrink-0 border-r border-slate-200 bg-slate-50">
              <Palette
                onAdd={(k) => {
                  const id = addNode(k);
                  if (id) focusNodeWhenDrawn(id);
                }}
              />
            </aside>
          )}
          <div ref={canvasBox} className="relative min-w-0 flex-1">
            <FlowCanvas
              nodes={editor.nodes}
              edges={edges}
              readOnly={readOnly}
              simulating={!!simPath}
              onNodesChange={editor.onNodesChange}
              onEdgesChange={editor.onEdgesChange}
              onConnect={editor.onConnect}
              isValidConnection={editor.isValidConnection}
              onDropKind={onDropKind}
              onNodeCommand={onNodeCommand}
            />
            {editor.nodes.length === 0 ? (
              <div className="pointer-events-none absolute inset-0 flex items-center justify-center">
                <div className="rounded-2xl border-2 border-dashed border-slate-300 bg-white/80 px-8 py-6 text-center">
                  <p className="font-medium text-slate-700">An empty canvas</p>
                  <p className="mt-1 text-sm text-slate-500">Drag a Trigger from the palette to start.</p>
                </div>
              </div>
            ) : null}
          </div>
          <aside className="flex w-[380px] shrink-0 flex-col border-l border-slate-200 bg-white" aria-label="Side panel">
            <div role="tablist" aria-label="Side panel" className="flex shrink-0 border-b border-slate-200 px-2">
              {(
                [
                  ["inspect", one ? "Inspector" : "Settings"],
                  ["simulate", "Simulate"],
                  ["tests", failingCases.length ? `Tests (${failingCases.length} failing)` : "Tests"],
                  ["history", "Versions"],
                ] as const
              ).map(([id, label]) => (
                <button key={id} type="button" role="tab" aria-selected={panel === id} aria-controls="side-panel-body" onClick={() => setPanel(id)} className={`-mb-px border-b-2 px-3 py-2.5 text-sm font-medium ${panel === id ? "border-brand-600 text-brand-700" : "border-transparent text-slate-500 hover:text-slate-800"}`}>
                  {label}
                </button>
              ))}
            </div>
            {/* Escape in the inspector goes back to the step on the canvas. */}
            <div
              ref={sidePanel}
              id="side-panel-body"
              onKeyDown={(e) => {
                if (e.key === "Escape" && panel === "inspect" && one && !e.defaultPrevented) {
                  e.stopPropagation();
                  focusNodeWhenDrawn(one.id);
                }
              }}
              className="min-h-0 flex-1 overflow-y-auto" role="tabpanel" aria-label={panel === "inspect" ? (one ? `Inspector: ${nodeName(one)}` : "Settings") : { simulate: "Simulate", tests: "Tests", history: "Versions" }[panel]}>
              {panel === "inspect" ? (
                one ? (
                  <NodeInspector key={one.id} node={one} onChange={changeSelected} onLabel={labelSelected} onDelete={() => deleteSelected()} splits={splits} flow={inspectorFlow} readOnly={readOnly} />
                ) : selected.length > 1 ? (
                  <div className="px-4 py-6 text-sm text-slate-600">
                    <p className="font-medium text-slate-900">{selected.length} nodes selected</p>
                    <p className="mt-1">Drag them together, copy with Ctrl+C, or delete them.</p>
                    {readOnly ? null : (
                      <button type="button" onClick={() => deleteSelected()} className="mt-3 rounded-md bg-red-50 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-100">
                        Delete {selected.length} nodes
                      </button>
                    )}
                  </div>
                ) : (
                  <SettingsInspector settings={editor.settings} onChange={(s, key) => update((cur) => ({ ...cur, settings: s }), key ? `settings:${key}` : undefined)} readOnly={readOnly} />
                )
              ) : panel === "simulate" ? (
                <SimulatePanel flow={{ id: flow.id, name: editor.name }} graph={graph} settings={editor.settings} onPath={setSimPath} onSelect={focusNode} onSaveCase={readOnly ? undefined : saveCase} />
              ) : panel === "tests" ? (
                <TestsPanel
                  flowId={flow.id}
                  graph={graph}
                  settings={editor.settings}
                  cases={caseList}
                  run={runResults}
                  running={testRun.isFetching}
                  runError={testRun.isError ? testRun.error.message : null}
                  notes={tests.data?.notes ?? []}
                  saving={saveTests.isPending}
                  saveError={saveTests.isError ? saveTests.error.message : null}
                  onSave={(cases) => saveTests.mutate(cases)}
                  readOnly={readOnly}
                />
              ) : (
                <VersionHistory flowId={flow.id} liveVersion={flow.version} onRestore={onRestore} restoring={restoring} canEdit={canEdit} />
              )}
            </div>
          </aside>
        </div>
        {command && commandNode ? (
          command.kind === "add" ? (
            <AddStepDialog node={commandNode} handles={canvasHandles(commandNode)} used={commandUsed} onClose={closeCommand} onAdd={addFromCommand} />
          ) : (
            <ConnectDialog
              node={commandNode}
              handles={canvasHandles(commandNode)}
              used={commandUsed}
              nodes={editor.nodes}
              problem={(target, handle) => connectionProblem(editor.state, { source: commandNode.id, target, sourceHandle: handle })}
              onClose={closeCommand}
              onConnect={connectFromCommand}
            />
          )
        ) : null}
        {publishOpen ? (
          <PublishDialog
            flowId={flow.id}
            live={flow.version > 0 ? (live.data ? { graph: live.data.graph, settings: live.data.settings } : null) : null}
            liveVersion={flow.version}
            draft={{ graph, settings: editor.settings }}
            loadingLive={flow.version > 0 && live.isPending}
            publishing={publish.isPending}
            error={publishError}
            failingCases={failingCases}
            onConfirm={confirmPublish}
            onPublished={() => setPublishOpen(false)}
            onClose={() => setPublishOpen(false)}
          />
        ) : null}
      </div>
    </DecorContext.Provider>
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
