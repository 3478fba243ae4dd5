"use client";
// The flow editor's store, in the manner of React Flow's own: one zustand store per open flow, made by
// a function and handed down by a provider; its state is the draft (nodes, edges, settings, name), the
// undo history, the save and publish state and the clipboard; every change to the draft is a named
// action (add, insert, paste, delete, connect, undo/redo, save, publish…). Components read slices with
// `useEditor(selector)` and call actions; actions read the current state with `get()`, so no callback
// ever sees a stale draft or a stale save error.
import { createContext, createElement, useContext, useDeferredValue, useEffect, useMemo, useState, type ReactNode } from "react";
import { createStore, useStore, type StoreApi } from "zustand";
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange, type XYPosition } from "@xyflow/react";
import { ApiRequestError } from "@/lib/client/api";
import { canvasHandles, freshId, toCanvas, toDocument, withData, type CanvasEdge, type CanvasNode } from "@/lib/flow/canvas-mapping";
import { canConnect, draftContext, refusalMessage, type Wire } from "@/lib/flow/connect";
import { NODE_DATA, type FlowDocument, type FlowNode, type Graph, type NodeBody, type Problem, type Settings } from "@/lib/flow/schema";
import { graphProblems, parseSettings } from "@/lib/flow/validate";
import { plainIssue } from "@/lib/flow/plain-words";

export type Snapshot = { nodes: CanvasNode[]; edges: CanvasEdge[]; settings: Settings; name: string };
export type SaveState = "saved" | "saving" | "unsaved" | "invalid" | "error";

const AUTOSAVE_MS = 700;
const COALESCE_MS = 1200;
const HISTORY_LIMIT = 200;
/** Space between a step and the one below it, and the size of a card before React Flow measures it. */
export const GAP_Y = 90;
export const CARD = { width: 260, height: 96 };

export const backupKey = (flowId: string) => `pathwise:draft:${flowId}`;
export type Backup = { graph: Graph; settings: Settings; name: string; savedAt: string };

export function snapshotOf(flow: Pick<FlowDocument, "graph" | "settings" | "name">): Snapshot {
  const { nodes, edges } = toCanvas(flow.graph);
  return { nodes, edges, settings: flow.settings, name: flow.name };
}

// ---- checking a draft -------------------------------------------------------------------------------
// Parsing a node's data is the costly part of checking a draft (zod, ~30 µs a node, far more while
// zod warms up). Node data objects are replaced, never mutated, so a parse is cached per data object:
// a commit re-parses only the nodes it changed, and a 300-node flow is re-checked in about a millisecond.
type NodeCheck = { type: string; ok: true; node: FlowNode } | { type: string; ok: false; message: string };
const nodeChecks = new WeakMap<object, NodeCheck>();

function checkNode(n: FlowNode): NodeCheck {
  const hit = nodeChecks.get(n.data);
  if (hit && hit.type === n.type) return hit.ok ? { ...hit, node: n } : hit;
  const parsed = NODE_DATA[n.type].safeParse(n.data);
  let check: NodeCheck;
  if (parsed.success) check = { type: n.type, ok: true, node: n };
  else check = { type: n.type, ok: false, message: plainIssue(n.type, parsed.error.issues[0]) };
  nodeChecks.set(n.data, check);
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
    const check = checkNode(n);
    if (check.ok) nodes.push(check.node);
    else {
      shapeErrors++;
      problems.push({ code: "invalid_field", message: `${n.label || n.id}: ${check.message}`, nodeId: n.id });
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

/** The connection rules (lib/flow/connect) over a draft: why this wire may not be drawn, or null. */
export function connectionProblem(s: Pick<Snapshot, "nodes" | "edges">, c: Wire): string | null {
  const r = canConnect(draftContext(s.nodes, s.edges), c);
  return r ? refusalMessage(r) : null;
}

// ---- geometry of adding and inserting ----------------------------------------------------------------
const sizeOf = (n: CanvasNode) => ({ width: n.measured?.width ?? CARD.width, height: n.measured?.height ?? CARD.height });
const handleOfEdge = (e: CanvasEdge) => e.sourceHandle ?? "next";

/**
 * Nodes below `start` that move down when a step is put in above it: everything `start` leads to
 * (itself included), but nothing at or above `top` (a loop back up through a wait stays where it is).
 */
function subtreeBelow(s: Snapshot, start: string, top: number): Set<string> {
  const out = new Map<string, string[]>();
  for (const e of s.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const y = new Map(s.nodes.map((n) => [n.id, n.position.y]));
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id) || (y.get(id) ?? Infinity) <= top) continue;
    seen.add(id);
    stack.push(...(out.get(id) ?? []));
  }
  return seen;
}

/**
 * Put `node` into `edge`: source → node (by the edge's handle) → target (by the node's first handle);
 * the target and what follows it move down to make room when the node would cover them. Null when the
 * node cannot carry the wire (an exit, a trigger, or a node already wired).
 */
function spliceInto(s: Snapshot, node: CanvasNode, edge: CanvasEdge): Snapshot | null {
  if (node.type === "trigger" || edge.source === node.id || edge.target === node.id) return null;
  const out = canvasHandles(node)[0];
  if (!out) return null;
  if (s.edges.some((e) => e.id !== edge.id && (e.target === node.id || e.source === node.id))) return null;
  const source = s.nodes.find((n) => n.id === edge.source);
  const target = s.nodes.find((n) => n.id === edge.target);
  if (!source || !target) return null;
  const ids = s.edges.map((e) => e.id);
  const inEdge: CanvasEdge = { id: edge.id, source: edge.source, target: node.id, sourceHandle: handleOfEdge(edge), targetHandle: null };
  const outEdge: CanvasEdge = { id: freshId("e", ids), source: node.id, target: edge.target, sourceHandle: out, targetHandle: null };
  const bottom = node.position.y + sizeOf(node).height + GAP_Y;
  const shift = target.position.y < bottom ? bottom - target.position.y : 0;
  const moving = shift ? subtreeBelow(s, target.id, source.position.y) : new Set<string>();
  moving.delete(node.id);
  const nodes = s.nodes.map((n) => (moving.has(n.id) ? { ...n, position: { x: n.position.x, y: n.position.y + shift } } : n));
  return { ...s, nodes, edges: [...s.edges.filter((e) => e.id !== edge.id), inEdge, outEdge] };
}

// ---- the store ---------------------------------------------------------------------------------------
type Entry = { snap: Snapshot; key?: string; at: number };
type Clip = { nodes: CanvasNode[]; edges: CanvasEdge[] };

/** Where a new step goes: a drop point, below a node's handle, or below the selection / in `center`. */
export type Placement = { at?: XYPosition; from?: { id: string; handle: string }; center?: XYPosition };
export type Added = { id: string; source?: string; handle?: string; inserted: boolean };

export type EditorDeps = {
  /** PUT the draft; answers with the stored flow. Left out (tests), the store never saves. */
  saveDraft?: (body: { name: string; graph: Graph; settings: Settings }) => Promise<FlowDocument>;
  /** Publish the saved draft. */
  publishDraft?: (body: { expectedToChange?: { name: string; reason: string }[] }) => Promise<unknown>;
  autosaveMs?: number;
};

export type EditorState = {
  flowId: string;
  doc: Snapshot;
  /** Bumped by every change to the document (not by selection, measuring or drag frames). */
  rev: number;
  savedRev: number;
  saving: boolean;
  saveError: string | null;
  past: Entry[];
  future: Snapshot[];
  clipboard: Clip | null;
  publishOpen: boolean;
  publishing: boolean;
  publishError: string | null;

  /** Record a change to the document for undo (typing in one field coalesces by `key`), then autosave. */
  commit(next: Snapshot, key?: string, before?: Snapshot): void;
  update(fn: (s: Snapshot) => Snapshot, key?: string): void;
  /** Selection is editor state: no history, no save. */
  select(ids: string[]): void;
  undo(): boolean;
  redo(): boolean;
  onNodesChange(changes: NodeChange<CanvasNode>[]): void;
  onEdgesChange(changes: EdgeChange<CanvasEdge>[]): void;
  isValidConnection(c: Connection | CanvasEdge): boolean;
  /** Draw a wire; answers why not, or null when drawn. */
  connect(c: Wire): string | null;
  add(body: NodeBody, place?: Placement): Added;
  /** Put an unwired node into an edge (a node dragged onto a wire). */
  insertIntoEdge(nodeId: string, edgeId: string): boolean;
  copy(): boolean;
  paste(): void;
  remove(ids: string[]): void;
  setNodeData(id: string, data: FlowNode["data"], key?: string): void;
  setLabel(id: string, label: string): void;
  setSettings(settings: Settings, key?: string): void;
  rename(name: string): void;
  moveAll(positions: Map<string, XYPosition>): void;
  /** Replace the whole draft (restore a version, recover a backup); undoable. */
  replace(doc: { graph: Graph; settings: Settings; name?: string }, alreadySaved?: boolean): void;
  save(): Promise<boolean>;
  openPublish(): Promise<boolean>;
  closePublish(): void;
  publish(expectedToChange: { name: string; reason: string }[]): Promise<boolean>;
  /** Stop the autosave timer (the editor closes). */
  dispose(): void;
};

export type EditorStore = StoreApi<EditorState>;

const deselected = (nodes: CanvasNode[]) => nodes.map((n) => (n.selected ? { ...n, selected: false } : n));

export function createEditorStore(flow: Pick<FlowDocument, "id" | "name" | "graph" | "settings">, deps: EditorDeps = {}): EditorStore {
  let dragStart: Snapshot | null = null;
  let inflight: Promise<void> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // React Flow reports one deletion as a node change and an edge change; both land in one history entry.
  let removalBatch: string | null = null;
  const removalKey = () => {
    if (!removalBatch) {
      removalBatch = `remove:${Math.random()}`;
      queueMicrotask(() => (removalBatch = null));
    }
    return removalBatch;
  };

  const store = createStore<EditorState>()((set, get) => {
    const setDoc = (doc: Snapshot) => set({ doc });

    const changed = () => {
      const { rev, savedRev, doc } = get();
      if (rev === savedRev) return;
      try {
        const backup: Backup = { graph: toDocument(doc), settings: doc.settings, name: doc.name, savedAt: new Date().toISOString() };
        localStorage.setItem(backupKey(flow.id), JSON.stringify(backup));
      } catch {
        /* storage may be full, disabled or absent; autosave still runs */
      }
      if (!deps.saveDraft) return;
      clearTimeout(timer);
      timer = setTimeout(() => void get().save(), deps.autosaveMs ?? AUTOSAVE_MS);
    };

    const commit: EditorState["commit"] = (next, key, before = get().doc) => {
      const past = [...get().past];
      const top = past[past.length - 1];
      const now = Date.now();
      if (key && top && top.key === key && (key.startsWith("remove:") || now - top.at < COALESCE_MS)) past[past.length - 1] = { ...top, at: now };
      else {
        past.push({ snap: before, key, at: now });
        if (past.length > HISTORY_LIMIT) past.shift();
      }
      set((s) => ({ doc: next, past, future: [], rev: s.rev + 1 }));
      changed();
    };

    const update: EditorState["update"] = (fn, key) => commit(fn(get().doc), key);

    return {
      flowId: flow.id,
      doc: snapshotOf({ graph: flow.graph, settings: flow.settings, name: flow.name }),
      rev: 0,
      savedRev: 0,
      saving: false,
      saveError: null,
      past: [],
      future: [],
      clipboard: null,
      publishOpen: false,
      publishing: false,
      publishError: null,

      commit,
      update,

      select(ids) {
        const want = new Set(ids);
        const cur = get().doc;
        setDoc({ ...cur, nodes: cur.nodes.map((n) => (!!n.selected === want.has(n.id) ? n : { ...n, selected: want.has(n.id) })), edges: cur.edges.map((e) => (e.selected ? { ...e, selected: false } : e)) });
      },

      undo() {
        const { past, future, doc } = get();
        if (!past.length) return false;
        const prev = past[past.length - 1];
        set((s) => ({ doc: prev.snap, past: past.slice(0, -1), future: [...future, doc], rev: s.rev + 1 }));
        changed();
        return true;
      },

      redo() {
        const { past, future, doc } = get();
        if (!future.length) return false;
        set((s) => ({ doc: future[future.length - 1], future: future.slice(0, -1), past: [...past, { snap: doc, at: 0 }], rev: s.rev + 1 }));
        changed();
        return true;
      },

      onNodesChange(changes) {
        const cur = get().doc;
        const nodes = applyNodeChanges(changes, cur.nodes);
        const removed = new Set(changes.flatMap((c) => (c.type === "remove" ? [c.id] : [])));
        const next = { ...cur, nodes, edges: removed.size ? cur.edges.filter((e) => !removed.has(e.source) && !removed.has(e.target)) : cur.edges };
        const dragging = changes.some((c) => c.type === "position" && c.dragging);
        const dragEnded = changes.some((c) => c.type === "position" && c.dragging === false);
        if (dragging && !dragStart) dragStart = cur;
        if (removed.size) commit(next, removalKey());
        else if (changes.some((c) => c.type === "add" || c.type === "replace")) commit(next);
        else if (dragEnded) {
          commit(next, undefined, dragStart ?? cur);
          dragStart = null;
        } else setDoc(next); // selection, measured sizes and drag frames are editor state only
      },

      onEdgesChange(changes) {
        const cur = get().doc;
        const present = new Set(cur.edges.map((e) => e.id));
        // Removals of edges already gone with their node are no change at all.
        const live = changes.filter((c) => c.type !== "remove" || present.has(c.id));
        if (!live.length) return;
        const next = { ...cur, edges: applyEdgeChanges(live, cur.edges) };
        if (live.some((c) => c.type === "remove")) commit(next, removalKey());
        else if (live.some((c) => c.type === "add" || c.type === "replace")) commit(next);
        else setDoc(next);
      },

      isValidConnection: (c) => connectionProblem(get().doc, c) === null,

      connect(c) {
        const problem = connectionProblem(get().doc, c);
        if (problem) return problem;
        update((s) => ({
          ...s,
          edges: [...s.edges, { id: freshId("e", s.edges.map((e) => e.id)), source: c.source, target: c.target, sourceHandle: c.sourceHandle ?? "next", targetHandle: null }],
        }));
        return null;
      },

      add(body, place = {}) {
        const s = get().doc;
        const prefix = body.type === "message" ? (body.data.channel === "in_app" ? "in-app" : body.data.channel) : body.type;
        const id = freshId(prefix, s.nodes.map((n) => n.id));
        const make = (position: XYPosition): CanvasNode => ({ ...body, id, position, selected: true });
        const { at, from, center } = place;
        const sel = from ? s.nodes.filter((n) => n.id === from.id) : s.nodes.filter((n) => n.selected);
        if (!at && sel.length === 1 && body.type !== "trigger") {
          const src = sel[0];
          const handles = canvasHandles(src);
          const taken = (h: string) => s.edges.some((e) => e.source === src.id && handleOfEdge(e) === h);
          const handle = from ? (handles.includes(from.handle) ? from.handle : undefined) : (handles.find((h) => !taken(h)) ?? handles[0]);
          if (handle) {
            const i = handles.indexOf(handle);
            const below = { x: Math.round(src.position.x + (i - (handles.length - 1) / 2) * 300), y: Math.round(src.position.y + sizeOf(src).height + GAP_Y) };
            const child = s.edges.find((e) => e.source === src.id && handleOfEdge(e) === handle);
            if (!child) {
              const edge: CanvasEdge = { id: freshId("e", s.edges.map((e) => e.id)), source: src.id, target: id, sourceHandle: handle, targetHandle: null };
              commit({ ...s, nodes: [...deselected(s.nodes), make(below)], edges: [...s.edges, edge] });
              return { id, source: src.id, handle, inserted: false };
            }
            // The handle already leads somewhere: the new step goes in between, where the child was,
            // and the child with what follows it moves down.
            const target = s.nodes.find((n) => n.id === child.target);
            const node = make({ x: target ? target.position.x : below.x, y: below.y });
            const spliced = spliceInto({ ...s, nodes: [...deselected(s.nodes), node] }, node, child);
            if (spliced) {
              commit(spliced);
              return { id, source: src.id, handle, inserted: true };
            }
          }
        }
        let position = at;
        if (!position) {
          const c = center ?? { x: 0, y: 0 };
          position = { x: Math.round(c.x - CARD.width / 2 + (s.nodes.length % 5) * 12), y: Math.round(c.y - CARD.height / 2 + (s.nodes.length % 5) * 12) };
          // Not on top of a step already there (a card hidden under another is lost to sight and to the mouse).
          const overlaps = (p: XYPosition) => s.nodes.some((n) => Math.abs(n.position.x - p.x) < sizeOf(n).width + 20 && Math.abs(n.position.y - p.y) < sizeOf(n).height + 20);
          for (let i = 0; i < 12 && overlaps(position); i++) position = { x: position.x + 300, y: position.y };
        }
        commit({ ...s, nodes: [...deselected(s.nodes), make(position)] });
        return { id, inserted: false };
      },

      insertIntoEdge(nodeId, edgeId) {
        const s = get().doc;
        const node = s.nodes.find((n) => n.id === nodeId);
        const edge = s.edges.find((e) => e.id === edgeId);
        if (!node || !edge) return false;
        const next = spliceInto(s, node, edge);
        if (!next) return false;
        commit(next);
        return true;
      },

      copy() {
        const s = get().doc;
        const nodes = s.nodes.filter((n) => n.selected);
        if (!nodes.length) return false;
        const ids = new Set(nodes.map((n) => n.id));
        set({ clipboard: { nodes, edges: s.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) } });
        return true;
      },

      paste() {
        const clip = get().clipboard;
        if (!clip) return;
        const s = get().doc;
        const taken = new Set(s.nodes.map((n) => n.id));
        const rename = new Map<string, string>();
        for (const n of clip.nodes) {
          const id = freshId(n.id.replace(/-\d+$/, ""), taken);
          taken.add(id);
          rename.set(n.id, id);
        }
        const edgeIds = new Set(s.edges.map((e) => e.id));
        const nodes = clip.nodes.map((n): CanvasNode => ({ ...structuredClone(n), id: rename.get(n.id)!, position: { x: n.position.x + 40, y: n.position.y + 40 }, selected: true }));
        const newEdges = clip.edges.map((e) => {
          const id = freshId("e", edgeIds);
          edgeIds.add(id);
          return { ...e, id, source: rename.get(e.source)!, target: rename.get(e.target)!, selected: false };
        });
        commit({ ...s, nodes: [...deselected(s.nodes), ...nodes], edges: [...s.edges, ...newEdges] });
        set({ clipboard: { nodes: deselected(nodes), edges: newEdges } });
      },

      remove(ids) {
        const gone = new Set(ids);
        if (!gone.size) return;
        update((cur) => ({ ...cur, nodes: cur.nodes.filter((n) => !gone.has(n.id)), edges: cur.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)) }));
      },

      setNodeData(id, data, key) {
        update((s) => ({ ...s, nodes: s.nodes.map((n) => (n.id === id ? (withData(n, data) ?? n) : n)) }), key ? `${id}:${key}` : undefined);
      },

      setLabel(id, label) {
        update((s) => ({ ...s, nodes: s.nodes.map((n) => (n.id === id ? { ...n, label: label.trim() ? label : undefined } : n)) }), `${id}:label`);
      },

      setSettings(settings, key) {
        update((s) => ({ ...s, settings }), key ? `settings:${key}` : undefined);
      },

      rename(name) {
        update((s) => ({ ...s, name }), "name");
      },

      moveAll(positions) {
        update((s) => ({ ...s, nodes: s.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position })) }));
      },

      replace(doc, alreadySaved = false) {
        commit(snapshotOf({ graph: doc.graph, settings: doc.settings, name: doc.name ?? get().doc.name }));
        // The server already holds this draft (restore answered with it).
        if (alreadySaved) {
          set((s) => ({ savedRev: s.rev }));
          try {
            localStorage.removeItem(backupKey(flow.id));
          } catch {
            /* storage may be unavailable */
          }
        }
      },

      async save() {
        if (inflight) await inflight;
        const { rev: at, savedRev, doc } = get();
        if (at === savedRev) return true;
        if (draftProblems(doc).shapeErrors > 0) return false;
        if (!deps.saveDraft) return false;
        set({ saving: true });
        let ok = false;
        const p = deps
          .saveDraft({ name: doc.name.trim() || flow.name, graph: toDocument(doc), settings: doc.settings })
          .then(() => {
            ok = true;
            set({ savedRev: at, saveError: null });
            try {
              if (get().rev === at) localStorage.removeItem(backupKey(flow.id));
            } catch {
              /* storage may be unavailable */
            }
          })
          .catch((e: unknown) => set({ saveError: e instanceof ApiRequestError ? e.message : "Could not reach the server" }))
          .finally(() => {
            inflight = null;
            set({ saving: false });
          });
        inflight = p;
        await p;
        return ok;
      },

      async openPublish() {
        set({ publishError: null });
        if (await get().save()) {
          set({ publishOpen: true });
          return true;
        }
        // Read after the save: the error it just met, not the one before it.
        const { saveError, doc } = get();
        set({ publishError: saveError ?? (draftProblems(doc).shapeErrors ? "Fix the highlighted fields first" : "Save the draft first") });
        return false;
      },

      closePublish: () => set({ publishOpen: false }),

      async publish(expectedToChange) {
        if (!deps.publishDraft) return false;
        set({ publishing: true, publishError: null });
        try {
          await deps.publishDraft({ expectedToChange });
          set({ publishOpen: false });
          return true;
        } catch (e) {
          const details = e instanceof ApiRequestError ? e.details.flatMap((d) => (typeof d === "object" && d && "message" in d && typeof d.message === "string" ? [d.message] : [])) : [];
          set({ publishError: e instanceof Error ? (details.length ? `${e.message}: ${details.join("; ")}` : e.message) : "Could not publish" });
          return false;
        } finally {
          set({ publishing: false });
        }
      },

      dispose: () => clearTimeout(timer),
    };
  });
  return store;
}

// ---- React: provider and hooks -------------------------------------------------------------------------
const EditorContext = createContext<EditorStore | null>(null);

/** One store for the flow being edited, made once and disposed of when the editor closes. */
export function EditorProvider({ flow, deps, children }: { flow: FlowDocument; deps: EditorDeps; children: ReactNode }) {
  const [store] = useState(() => createEditorStore(flow, deps));
  useEffect(() => () => store.getState().dispose(), [store]);
  return createElement(EditorContext.Provider, { value: store }, children);
}

export function useEditorApi(): EditorStore {
  const store = useContext(EditorContext);
  if (!store) throw new Error("useEditor is used outside an EditorProvider");
  return store;
}

/** A slice of the editor's state; the component re-renders when the slice changes. */
export function useEditor<T>(selector: (s: EditorState) => T): T {
  return useStore(useEditorApi(), selector);
}

/**
 * The problems of the draft. Checking is not urgent: it runs in a background render after the first
 * paint and after each change, so opening a large flow and typing in the inspector never wait for it.
 */
export function useDraftCheck(): { problems: Problem[]; shapeErrors: number } {
  const rev = useEditor((s) => s.rev);
  const store = useEditorApi();
  const checkedRev = useDeferredValue(rev, -1);
  return useMemo(() => (checkedRev < 0 ? UNCHECKED : draftProblems(store.getState().doc)), [checkedRev, store]);
}

/** The autosave state the toolbar shows; while there are unsaved changes, leaving the page asks first. */
export function useSaveState(shapeErrors: number): SaveState {
  const saving = useEditor((s) => s.saving);
  const saveError = useEditor((s) => s.saveError);
  const dirty = useEditor((s) => s.rev !== s.savedRev);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
  return saving ? "saving" : saveError && dirty ? "error" : dirty ? (shapeErrors ? "invalid" : "unsaved") : "saved";
}

/** A backup left by a session that closed before its last autosave, if it differs from the server's. */
export function readBackup(flowId: string): Backup | null {
  try {
    const raw = localStorage.getItem(backupKey(flowId));
    return raw ? (JSON.parse(raw) as Backup) : null;
  } catch {
    return null;
  }
}
