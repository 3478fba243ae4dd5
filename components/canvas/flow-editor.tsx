"use client";
// The flow editor page: it lays out the toolbar, palette, canvas and side panel (inspector or flow
// settings, simulate, test cases, version history) around the editor store (./editor-store), which
// holds the draft and every action on it.
import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ReactFlowProvider } from "@xyflow/react";
import { useQueryClient } from "@tanstack/react-query";
import { useFlow, usePauseFlow, usePublishFlow, useResumeFlow } from "@/components/hooks/use-flows";
import { useFlowVersion, useRestoreVersion } from "@/components/hooks/use-flow-editor-versions";
import { useFlowStats } from "@/components/hooks/use-flow-stats";
import { useFlowTestRun, useFlowTests, useSaveFlowTests } from "@/components/hooks/use-flow-tests";
import type { TestCase } from "@/lib/cases/schema";
import { useCan } from "@/components/account-context";
import { api, ApiRequestError } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";
import { canvasHandles, toDocument } from "@/lib/flow/canvas-mapping";
import type { FlowDocument, Problem } from "@/lib/flow/schema";
import { FlowCanvas, type NodeCommand } from "./flow-canvas";
import { AddStepDialog, ConnectDialog } from "./step-dialogs";
import { nodeName } from "./a11y";
import { focusFirstFieldWhenDrawn, focusNodeWhenDrawn, useAnnounce } from "./announce";
import { Palette } from "./palette";
import { NodeInspector, SettingsInspector } from "./inspector";
import { SimulatePanel, type SimPath } from "./simulate-panel";
import { PublishDialog } from "./publish-dialog";
import { TestsPanel, freeCaseName } from "./tests-panel";
import { VersionHistory } from "./version-history";
import { DecorContext, type Decor } from "./decor";
import { kindByKey, type Kind } from "./node-kinds";
import type { SplitRef } from "./condition-builder";
import { backupKey, connectionProblem, EditorProvider, readBackup, snapshotOf, useDraftCheck, useEditor, useEditorApi, useSaveState, type EditorDeps } from "./editor-store";
import { useEditorCommands } from "./editor-commands";
import { useEditorKeys } from "./editor-keys";
import { EditorToolbar } from "./editor-toolbar";

type Panel = "inspect" | "simulate" | "tests" | "history";

export function FlowEditorPage({ flowId, initial }: { flowId: string; initial?: FlowDocument }) {
  const flow = useFlow(flowId, initial);
  const qc = useQueryClient();
  const publish = usePublishFlow(flowId);
  const { mutateAsync: publishDraft } = publish;
  const deps: EditorDeps = useMemo(
    () => ({
      saveDraft: (body) =>
        api<FlowDocument>(`/api/v1/flows/${flowId}`, { method: "PUT", json: body }).then((doc) => {
          qc.setQueryData(qk.flow(flowId), doc);
          return doc;
        }),
      publishDraft: (body) => publishDraft(body),
    }),
    [flowId, qc, publishDraft],
  );
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
    <EditorProvider flow={flow.data} deps={deps}>
      <ReactFlowProvider>
        <Editor flow={flow.data} />
      </ReactFlowProvider>
    </EditorProvider>
  );
}

function Editor({ flow }: { flow: FlowDocument }) {
  const store = useEditorApi();
  const nodes = useEditor((s) => s.doc.nodes);
  const edgesRaw = useEditor((s) => s.doc.edges);
  const settings = useEditor((s) => s.doc.settings);
  const name = useEditor((s) => s.doc.name);
  const rev = useEditor((s) => s.rev);
  const publishOpen = useEditor((s) => s.publishOpen);
  const publishError = useEditor((s) => s.publishError);
  const publishing = useEditor((s) => s.publishing);
  const { onNodesChange, onEdgesChange, isValidConnection, connect, select, setNodeData, setLabel, setSettings, replace, publish, closePublish } = store.getState(); // actions never change
  const check = useDraftCheck();
  const saveState = useSaveState(check.shapeErrors);
  const canEdit = useCan("editor");
  const readOnly = !canEdit;
  const canvasBox = useRef<HTMLDivElement>(null);
  const cmd = useEditorCommands(canvasBox, readOnly);
  const [panel, setPanel] = useState<Panel>("inspect");
  const [help, setHelp] = useState(false);
  const [showProblems, setShowProblems] = useState(false);
  const [statsOn, setStatsOn] = useState(false);
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
      const caseName = freeCaseName(c.name, current);
      const doc = await saveTests.mutateAsync([...current, { ...c, name: caseName }]);
      return `Saved test case “${caseName}” (${doc.cases.length} case${doc.cases.length === 1 ? "" : "s"} in this flow)`;
    },
    [tests.data, saveTests],
  );

  const selected = useMemo(() => nodes.filter((n) => n.selected), [nodes]);
  const one = selected.length === 1 ? selected[0] : null;
  const graph = useMemo(() => toDocument(store.getState().doc), [rev, store]); // eslint-disable-line react-hooks/exhaustive-deps

  // Every commit re-checks the draft and yields a new problems array; keyed by content, the decor (and
  // so every node card, which reads it) changes only when the problems themselves do.
  const problemsKey = useMemo(() => JSON.stringify(check.problems), [check.problems]);
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
      edgesRaw.map((e) => {
        const cls = [`pw-${e.sourceHandle ?? "next"}`, problemEdges.has(e.id) ? "pw-problem" : "", simPath?.edges.has(e.id) ? "pw-path" : ""].filter(Boolean).join(" ");
        return e.className === cls ? e : { ...e, className: cls, animated: !!simPath?.edges.has(e.id) };
      }),
    [edgesRaw, problemEdges, simPath],
  );

  // A flow made through the API without positions (allowed, docs/api.md §5) opens laid out by the same
  // auto-layout as Shift+L, saved like any change (and undoable); read-only viewers get the simple
  // layered placement the mapping gives such nodes.
  const [needsLayout] = useState(() => flow.graph.nodes.some((n) => !n.position));
  const { autoLayout } = cmd;
  useEffect(() => {
    if (needsLayout && !readOnly) void autoLayout();
  }, [needsLayout, readOnly, autoLayout]);

  const toggleHelp = useCallback(() => setHelp((h) => !h), []);
  const closePopups = useCallback(() => {
    setHelp(false);
    setShowProblems(false);
  }, []);
  useEditorKeys(cmd, readOnly, { toggleHelp, closePopups });

  const onDropKind = useCallback(
    (key: string, at: { x: number; y: number }, onEdge: string | null) => {
      const k = kindByKey(key);
      if (k && cmd.addNode(k, { at, onEdge })) setPanel("inspect");
    },
    [cmd],
  );

  const splits: SplitRef[] = useMemo(() => graph.nodes.flatMap((n) => (n.type === "split" ? [{ id: n.id, branches: n.data.branches }] : [])), [graph]);
  const selectedId = one?.id ?? null;
  const changeSelected = useCallback((data: Parameters<typeof setNodeData>[1], key?: string) => (selectedId ? setNodeData(selectedId, data, key) : undefined), [selectedId, setNodeData]);
  const labelSelected = useCallback((label: string) => (selectedId ? setLabel(selectedId, label) : undefined), [selectedId, setLabel]);
  const inspectorFlow = useMemo(() => ({ id: flow.id, name }), [flow.id, name]);
  const { deleteSelected } = cmd;

  const onNodeCommand = useCallback(
    (c: NodeCommand, nodeId: string) => {
      const doc = store.getState().doc;
      const node = doc.nodes.find((n) => n.id === nodeId);
      if (!node) return;
      if (c === "inspect") {
        if (!node.selected || doc.nodes.some((n) => n.selected && n.id !== nodeId)) select([nodeId]);
        setPanel("inspect");
        focusFirstFieldWhenDrawn(() => sidePanel.current);
      } else if (c === "rename") {
        // F2 or a double-click: straight into the step's name.
        select([nodeId]);
        setPanel("inspect");
        focusFirstFieldWhenDrawn(() => {
          const label = [...(sidePanel.current?.querySelectorAll("label") ?? [])].find((l) => l.textContent === "Step label");
          return label?.htmlFor ? (document.getElementById(label.htmlFor)?.parentElement ?? null) : null;
        });
      } else if (c === "delete") deleteSelected(nodeId);
      else setCommand({ kind: c, nodeId });
    },
    [store, select, deleteSelected],
  );

  const commandNode = command ? (nodes.find((n) => n.id === command.nodeId) ?? null) : null;
  const commandUsed = useMemo(() => new Set(edgesRaw.filter((e) => e.source === command?.nodeId).map((e) => e.sourceHandle ?? "next")), [edgesRaw, command]);
  const addFromCommand = useCallback(
    (kind: Kind, handle: string) => {
      if (!command) return;
      setCommand(null);
      const id = cmd.addNode(kind, { from: { id: command.nodeId, handle } });
      if (id) {
        setPanel("inspect");
        focusNodeWhenDrawn(id);
      }
    },
    [command, cmd],
  );
  const connectFromCommand = useCallback(
    (target: string, handle: string) => {
      if (!command) return;
      const source = command.nodeId;
      connect({ source, target, sourceHandle: handle });
      announce(`Connected ${source}${handle !== "next" ? ` (${handle})` : ""} to ${target}`);
      setCommand(null);
      focusNodeWhenDrawn(source);
    },
    [command, connect, announce],
  );
  const closeCommand = useCallback(() => {
    const id = command?.nodeId;
    setCommand(null);
    if (id) focusNodeWhenDrawn(id);
  }, [command]);

  const onRestore = (v: number) => {
    setRestoring(v);
    restore.mutate(v, {
      onSuccess: (doc) => replace({ graph: doc.graph, settings: doc.settings }, true),
      onSettled: () => setRestoring(null),
    });
  };

  return (
    <DecorContext.Provider value={decor}>
      <div className="flex h-[calc(100vh-3.5rem)] flex-col bg-slate-50">
        <EditorToolbar
          flow={flow}
          cmd={cmd}
          readOnly={readOnly}
          canEdit={canEdit}
          saveState={saveState}
          problems={check.problems}
          help={help}
          onHelp={setHelp}
          showProblems={showProblems}
          onShowProblems={setShowProblems}
          statsOn={statsOn}
          onStats={setStatsOn}
          onPause={() => pause.mutate()}
          onResume={() => resume.mutate()}
          pausing={pause.isPending || resume.isPending}
          onProblem={(p) => {
            const id = p.nodeId ?? (p.edgeId ? nodes.find((n) => edges.some((e) => e.id === p.edgeId && e.source === n.id))?.id : undefined);
            if (id) {
              cmd.focusNode(id);
              setPanel("inspect");
            }
          }}
        />
        {backup ? (
          <div className="flex items-center gap-3 border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900" role="alert">
            Unsaved changes from {new Date(backup.savedAt).toLocaleString()} were found in this browser.
            <button type="button" className="font-semibold underline" onClick={() => { replace(backup); setBackup(null); }}>
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
                  const id = cmd.addNode(k);
                  if (id) {
                    setPanel("inspect");
                    focusNodeWhenDrawn(id);
                  }
                }}
              />
            </aside>
          )}
          <div ref={canvasBox} className="relative min-w-0 flex-1">
            <FlowCanvas
              nodes={nodes}
              edges={edges}
              readOnly={readOnly}
              simulating={!!simPath}
              onNodesChange={onNodesChange}
              onEdgesChange={onEdgesChange}
              onConnect={connect}
              isValidConnection={isValidConnection}
              onDropKind={onDropKind}
              onDropOnEdge={cmd.dropOnEdge}
              onNodeCommand={onNodeCommand}
            />
            {nodes.length === 0 ? (
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
                  <SettingsInspector settings={settings} onChange={setSettings} readOnly={readOnly} />
                )
              ) : panel === "simulate" ? (
                <SimulatePanel flow={inspectorFlow} graph={graph} settings={settings} onPath={setSimPath} onSelect={(id) => { cmd.focusNode(id); setPanel("inspect"); }} onSaveCase={readOnly ? undefined : saveCase} />
              ) : panel === "tests" ? (
                <TestsPanel
                  flowId={flow.id}
                  graph={graph}
                  settings={settings}
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
              nodes={nodes}
              problem={(target, handle) => connectionProblem(store.getState().doc, { source: commandNode.id, target, sourceHandle: handle })}
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
            draft={{ graph, settings }}
            loadingLive={flow.version > 0 && live.isPending}
            publishing={publishing}
            error={publishError}
            failingCases={failingCases}
            onConfirm={(expected) => void publish(expected)}
            onPublished={closePublish}
            onClose={closePublish}
          />
        ) : null}
      </div>
    </DecorContext.Provider>
  );
}
