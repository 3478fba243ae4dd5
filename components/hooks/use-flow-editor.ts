"use client";
// The canvas editor's state: the draft as React Flow nodes and edges plus settings and name, with
// undo/redo, debounced autosave (PUT the draft), a local backup so a reload never loses work, and the
// problems of the current draft computed on the client for instant feedback.
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange } from "@xyflow/react";
import { useQueryClient } from "@tanstack/react-query";
import { api, ApiRequestError } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";
import { freshId, toCanvas, toDocument, type CanvasEdge, type CanvasNode } from "@/lib/flow/canvas-mapping";
import { NODE_DATA, Settings, type FlowDocument, type FlowNode, type Graph, type Problem } from "@/lib/flow/schema";
import { graphProblems, parseSettings } from "@/lib/flow/validate";

export type Snapshot = { nodes: CanvasNode[]; edges: CanvasEdge[]; settings: Settings; name: string };
export type SaveState = "saved" | "saving" | "unsaved" | "invalid" | "error";

const AUTOSAVE_MS = 700;
const COALESCE_MS = 1200;
const HISTORY_LIMIT = 200;

export const backupKey = (flowId: string) => `pathwise:draft:${flowId}`;
type Backup = { graph: Graph; settings: Settings; name: string; savedAt: string };

export function snapshotOf(flow: Pick<FlowDocument, "graph" | "settings" | "name">): Snapshot {
  const { nodes, edges } = toCanvas(flow.graph);
  return { nodes, edges, settings: flow.settings, name: flow.name };
}

// Parsing a node's data is the costly part of checking a draft (zod, ~30 µs a node, far more while
// zod warms up). Node data objects are replaced, never mutated, so a parse is cached per data object:
// a commit re-parses only the nodes it changed, and a 300-node flow is re-checked in about a millisecond.
type NodeCheck = { type: string; ok: true; data: FlowNode["data"] } | { type: string; ok: false; message: string };
const nodeChecks = new WeakMap<object, NodeCheck>();

function checkNode(type: FlowNode["type"], data: unknown): NodeCheck {
  const cacheable = typeof data === "object" && data !== null;
  const hit = cacheable ? nodeChecks.get(data) : undefined;
  if (hit && hit.type === type) return hit;
  const parsed = NODE_DATA[type].safeParse(data);
  let check: NodeCheck;
  if (parsed.success) check = { type, ok: true, data: parsed.data as FlowNode["data"] };
  else {
    const first = parsed.error.issues[0];
    check = { type, ok: false, message: `${first.path.length ? `${first.path.join(".")}: ` : ""}${first.message}` };
  }
  if (cacheable) nodeChecks.set(data, check);
  return check;
}

const UNCHECKED: { problems: Problem[]; shapeErrors: number } = { problems: [], shapeErrors: 0 };

/** Problems of a draft: shape errors per node (the API would refuse those) and graph problems. */
export function draftProblems(s: Snapshot): { problems: Problem[]; shapeErrors: number } {
  const graph = toDocument(s);
  const problems: Problem[] = [];
  let shapeErrors = 0;
  const nodes: FlowNode[] = [];
  for (const n of graph.nodes) {
    const check = NODE_DATA[n.type] ? checkNode(n.type, n.data) : { type: n.type, ok: false as const, message: `unknown node type ${String(n.type)}` };
    if (check.ok) nodes.push({ ...n, data: check.data } as FlowNode);
    else {
      shapeErrors++;
      problems.push({ code: "invalid_field", message: `${n.id}: ${check.message}`, nodeId: n.id });
    }
  }
  const settings = parseSettings(s.settings);
  if (!settings.ok) {
    shapeErrors++;
    problems.push(...settings.details.map((d) => ({ code: "invalid_settings", message: `${d.path}: ${d.message}` })));
  }
  // The canvas builds ids, positions and edges itself; only node data can be malformed, and that was
  // just checked, so the graph rules run on the parsed nodes without a second full parse.
  if (shapeErrors === 0) problems.push(...graphProblems({ nodes, edges: graph.edges }, settings.ok ? settings.value : undefined));
  return { problems, shapeErrors };
}

function wouldCycleWithoutWait(s: Snapshot, source: string, target: string): boolean {
  const type = new Map(s.nodes.map((n) => [n.id, n.type]));
  if (type.get(source) === "wait" || type.get(target) === "wait") return false;
  const out = new Map<string, string[]>();
  for (const e of s.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const seen = new Set<string>();
  const stack = [target];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === source) return true;
    if (seen.has(id) || type.get(id) === "wait") continue;
    seen.add(id);
    stack.push(...(out.get(id) ?? []));
  }
  return false;
}

/** The connection rules of lib/flow/validate, checked while the user drags a wire. */
export function connectionProblem(s: Snapshot, c: { source: string; target: string; sourceHandle?: string | null }): string | null {
  const source = s.nodes.find((n) => n.id === c.source);
  const target = s.nodes.find((n) => n.id === c.target);
  if (!source || !target) return "Both ends must be nodes";
  if (target.type === "trigger") return "Triggers only start a flow; nothing can lead into one";
  if (source.type === "exit") return "Exit ends the flow";
  const handle = c.sourceHandle ?? "next";
  if (s.edges.some((e) => e.source === c.source && (e.sourceHandle ?? "next") === handle)) return `"${handle}" already has an edge`;
  if (c.source === c.target && source.type !== "wait") return "Only a wait may loop to itself";
  if (c.source !== c.target && wouldCycleWithoutWait(s, c.source, c.target)) return "This loop has no wait, so a user would circle it forever";
  return null;
}

export function useFlowEditor(flow: FlowDocument) {
  const qc = useQueryClient();
  const [state, setState] = useState<Snapshot>(() => snapshotOf(flow));
  const stateRef = useRef(state);
  const past = useRef<{ snap: Snapshot; key?: string; at: number }[]>([]);
  const future = useRef<Snapshot[]>([]);
  const dragStart = useRef<Snapshot | null>(null);
  const [rev, setRev] = useState(0);
  const savedRev = useRef(0);
  const revRef = useRef(0);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [savedAt, setSavedAt] = useState(0);
  const [history, setHistory] = useState({ undo: 0, redo: 0 });
  const syncHistory = useCallback(() => setHistory({ undo: past.current.length, redo: future.current.length }), []);

  const set = useCallback((next: Snapshot) => {
    stateRef.current = next;
    setState(next);
  }, []);

  /** A change to the document: recorded for undo (typing in one field coalesces), then autosaved. */
  const commit = useCallback(
    (next: Snapshot, key?: string, before: Snapshot = stateRef.current) => {
      const top = past.current[past.current.length - 1];
      const now = Date.now();
      if (!(key && top && top.key === key && now - top.at < COALESCE_MS)) {
        past.current.push({ snap: before, key, at: now });
        if (past.current.length > HISTORY_LIMIT) past.current.shift();
      } else top.at = now;
      future.current = [];
      set(next);
      setRev((r) => r + 1);
      syncHistory();
    },
    [set, syncHistory],
  );

  const update = useCallback((fn: (s: Snapshot) => Snapshot, key?: string) => commit(fn(stateRef.current), key), [commit]);

  const undo = useCallback(() => {
    const prev = past.current.pop();
    if (!prev) return;
    future.current.push(stateRef.current);
    set(prev.snap);
    setRev((r) => r + 1);
    syncHistory();
  }, [set, syncHistory]);

  const redo = useCallback(() => {
    const next = future.current.pop();
    if (!next) return;
    past.current.push({ snap: stateRef.current, at: 0 });
    set(next);
    setRev((r) => r + 1);
    syncHistory();
  }, [set, syncHistory]);

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      const cur = stateRef.current;
      const nodes = applyNodeChanges(changes, cur.nodes);
      const removed = new Set(changes.flatMap((c) => (c.type === "remove" ? [c.id] : [])));
      const next = { ...cur, nodes, edges: removed.size ? cur.edges.filter((e) => !removed.has(e.source) && !removed.has(e.target)) : cur.edges };
      const dragging = changes.some((c) => c.type === "position" && c.dragging);
      const dragEnded = changes.some((c) => c.type === "position" && c.dragging === false);
      if (dragging && !dragStart.current) dragStart.current = cur;
      if (removed.size || changes.some((c) => c.type === "add" || c.type === "replace")) commit(next);
      else if (dragEnded) {
        commit(next, undefined, dragStart.current ?? cur);
        dragStart.current = null;
      } else set(next); // selection, measured sizes and drag frames are editor state only
    },
    [commit, set],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<CanvasEdge>[]) => {
      const cur = stateRef.current;
      const next = { ...cur, edges: applyEdgeChanges(changes, cur.edges) };
      if (changes.some((c) => c.type === "remove" || c.type === "add" || c.type === "replace")) commit(next);
      else set(next);
    },
    [commit, set],
  );

  const isValidConnection = useCallback((c: Connection | CanvasEdge) => connectionProblem(stateRef.current, c) === null, []);

  const onConnect = useCallback(
    (c: Connection) => {
      if (connectionProblem(stateRef.current, c)) return;
      update((s) => ({
        ...s,
        edges: [...s.edges, { id: freshId("e", s.edges.map((e) => e.id)), source: c.source, target: c.target, sourceHandle: c.sourceHandle ?? "next", targetHandle: null }],
      }));
    },
    [update],
  );

  /** Selection is editor state: no history, no save. */
  const select = useCallback(
    (ids: string[]) => {
      const want = new Set(ids);
      const cur = stateRef.current;
      set({ ...cur, nodes: cur.nodes.map((n) => (!!n.selected === want.has(n.id) ? n : { ...n, selected: want.has(n.id) })), edges: cur.edges.map((e) => (e.selected ? { ...e, selected: false } : e)) });
    },
    [set],
  );

  // ---- autosave ------------------------------------------------------------------------------------
  // Checking the draft is not urgent: it runs in a background render after the first paint and after
  // each commit, so opening a large flow and typing in the inspector never wait for it.
  const checkedRev = useDeferredValue(rev, -1);
  const checked = useMemo(() => (checkedRev < 0 ? UNCHECKED : draftProblems(state)), [checkedRev]); // eslint-disable-line react-hooks/exhaustive-deps
  const inflight = useRef<Promise<void> | null>(null);

  const save = useCallback(async (): Promise<boolean> => {
    if (inflight.current) await inflight.current;
    const at = revRef.current;
    if (at === savedRev.current) return true;
    const snap = stateRef.current;
    if (draftProblems(snap).shapeErrors > 0) return false;
    const graph = toDocument(snap);
    setSaving(true);
    let ok = false;
    const p = api<FlowDocument>(`/api/v1/flows/${flow.id}`, { method: "PUT", json: { name: snap.name.trim() || flow.name, graph, settings: snap.settings } })
      .then((doc) => {
        savedRev.current = at;
        setSavedAt(at);
        ok = true;
        setSaveError(null);
        qc.setQueryData(qk.flow(flow.id), doc);
        try {
          if (revRef.current === at) localStorage.removeItem(backupKey(flow.id));
        } catch {
          /* storage may be unavailable */
        }
      })
      .catch((e: unknown) => setSaveError(e instanceof ApiRequestError ? e.message : "Could not reach the server"))
      .finally(() => {
        inflight.current = null;
        setSaving(false);
      });
    inflight.current = p;
    await p;
    return ok;
  }, [flow.id, flow.name, qc]);

  useEffect(() => {
    revRef.current = rev;
    if (rev === savedRev.current) return;
    try {
      const snap = stateRef.current;
      const backup: Backup = { graph: toDocument(snap), settings: snap.settings, name: snap.name, savedAt: new Date().toISOString() };
      localStorage.setItem(backupKey(flow.id), JSON.stringify(backup));
    } catch {
      /* storage may be full or disabled; autosave still runs */
    }
    const t = setTimeout(() => void save(), AUTOSAVE_MS);
    return () => clearTimeout(t);
  }, [rev, save, flow.id]);

  const dirty = rev !== savedAt;
  const saveState: SaveState = saving ? "saving" : saveError && dirty ? "error" : dirty ? (checked.shapeErrors ? "invalid" : "unsaved") : "saved";

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  /** Replace the whole draft (restore a version, recover a backup); undoable. */
  const replace = useCallback((doc: { graph: Graph; settings: Settings; name?: string }, alreadySaved = false) => {
    const snap = snapshotOf({ graph: doc.graph, settings: doc.settings, name: doc.name ?? stateRef.current.name });
    commit(snap);
    if (alreadySaved) {
      // The server already holds this draft (restore answered with it).
      savedRev.current = revRef.current + 1;
      setSavedAt(revRef.current + 1);
    }
  }, [commit]);

  return {
    state,
    stateRef,
    nodes: state.nodes,
    edges: state.edges,
    settings: state.settings,
    name: state.name,
    rev,
    update,
    commit,
    set,
    select,
    undo,
    redo,
    canUndo: history.undo > 0,
    canRedo: history.redo > 0,
    onNodesChange,
    onEdgesChange,
    onConnect,
    isValidConnection,
    problems: checked.problems,
    shapeErrors: checked.shapeErrors,
    save,
    saveState,
    saveError,
    replace,
  };
}

export type FlowEditor = ReturnType<typeof useFlowEditor>;

/** A backup left by a session that closed before its last autosave, if it differs from the server's. */
export function readBackup(flowId: string): Backup | null {
  try {
    const raw = localStorage.getItem(backupKey(flowId));
    return raw ? (JSON.parse(raw) as Backup) : null;
  } catch {
    return null;
  }
}
