// The editor store: the canvas's connection rules and draft checks match lib/flow/validate, and its
// named actions change the draft as the canvas expects (undo, delete, paste, connect).
import { describe, expect, it } from "vitest";
import { connectionProblem, createEditorStore, draftProblems, snapshotOf } from "./editor-store";
import { TEMPLATES } from "@/lib/flow/templates";
import { DEFAULT_SETTINGS, type Graph } from "@/lib/flow/schema";
import { graphProblems, parseGraph } from "@/lib/flow/validate";
import { toDocument, type CanvasNode } from "@/lib/flow/canvas-mapping";

const t = TEMPLATES.find((x) => x.id === "abandoned-cart")!;
const settingsOf = (tpl: (typeof TEMPLATES)[number]) => ({ ...DEFAULT_SETTINGS, ...tpl.settings }) as typeof DEFAULT_SETTINGS;
const snap = snapshotOf({ name: t.name, graph: t.graph, settings: settingsOf(t) });
const storeOf = (graph: Graph) => createEditorStore({ id: "f", name: "Flow", graph, settings: DEFAULT_SETTINGS });

describe("connection rules", () => {
  it("refuses edges into a trigger, a second edge from a handle, and loops without a wait", () => {
    expect(connectionProblem(snap, { source: "discount", target: "cart", sourceHandle: "next" })).toMatch(/Triggers/);
    expect(connectionProblem(snap, { source: "cart", target: "reminder", sourceHandle: "next" })).toMatch(/already has a connection/);
    expect(connectionProblem(snap, { source: "wait-1d", target: "wait-1d", sourceHandle: "matched" })).toMatch(/already/);
    expect(connectionProblem(snap, { source: "discount", target: "wait-order", sourceHandle: "next" })).toBeNull();
    expect(connectionProblem(snap, { source: "done", target: "reminder", sourceHandle: "next" })).toMatch(/Exit/);
  });

  it("allows a loop through a wait but not one without, nor a self-loop but on a wait", () => {
    const s = snapshotOf({ name: "x", settings: DEFAULT_SETTINGS, graph: {
      nodes: [
        { id: "t", type: "trigger", data: { on: { type: "identify" } } },
        { id: "a", type: "update", data: { set: { x: 1 } } },
        { id: "b", type: "update", data: { set: { y: 1 } } },
        { id: "w", type: "wait", data: { for: "P1D" } },
      ],
      edges: [{ id: "e1", source: "t", target: "a" }, { id: "e2", source: "a", target: "b" }],
    } });
    expect(connectionProblem(s, { source: "b", target: "a", sourceHandle: "next" })).toMatch(/no wait/);
    expect(connectionProblem(s, { source: "b", target: "b", sourceHandle: "next" })).toMatch(/no wait/);
    expect(connectionProblem(s, { source: "b", target: "w", sourceHandle: "next" })).toBeNull();
    expect(connectionProblem(s, { source: "w", target: "w", sourceHandle: "next" })).toBeNull();
  });
});

describe("draftProblems", () => {
  it("is empty for a valid template and names the node of a shape error", () => {
    expect(draftProblems(snap).problems).toEqual([]);
    const broken = { ...snap, nodes: snap.nodes.map((n): CanvasNode => (n.id === "cart" ? { ...n, type: "trigger", data: { on: { type: "event", event: "" } } } : n)) };
    const r = draftProblems(broken);
    expect(r.shapeErrors).toBe(1);
    expect(r.problems[0].nodeId).toBe("cart");
  });

  it("finds the same graph problems as the server's full parse, for every template and a broken graph", () => {
    for (const tpl of TEMPLATES) {
      const sn = snapshotOf({ name: tpl.name, graph: tpl.graph, settings: settingsOf(tpl) });
      const server = parseGraph(toDocument(sn));
      expect(server.ok).toBe(true);
      if (server.ok) expect(draftProblems(sn).problems).toEqual(graphProblems(server.value, sn.settings));
    }
    // An orphan node and an edge from a handle the node does not have.
    const orphan: CanvasNode = { id: "orphan", type: "exit", position: { x: 0, y: 0 }, data: {} };
    const bad = { ...snap, nodes: [...snap.nodes, orphan], edges: [...snap.edges, { id: "ex", source: "discount", target: "orphan", sourceHandle: "nope", targetHandle: null }] };
    const server = parseGraph(toDocument(bad));
    expect(server.ok && graphProblems(server.value, bad.settings).length).toBeGreaterThan(0);
    if (server.ok) expect(draftProblems(bad).problems).toEqual(graphProblems(server.value, bad.settings));
  });

  it("re-checks a node whose data object is reused under another type", () => {
    const data = { for: "P1D" };
    const asWait = { ...snap, nodes: snap.nodes.map((n): CanvasNode => (n.id === "wait-1d" ? { ...n, type: "wait", data } : n)) };
    expect(draftProblems(asWait).shapeErrors).toBe(0);
    const mistyped = { ...snap, nodes: snap.nodes.map((n) => (n.id === "cart" ? { ...n, data } : n)) };
    // A wait's data under a trigger: only reachable by hand, and refused.
    expect(draftProblems(mistyped as typeof snap).shapeErrors).toBe(1);
  });
});

describe("actions", () => {
  const chain: Graph = {
    nodes: [
      { id: "t", type: "trigger", position: { x: 0, y: 0 }, data: { on: { type: "identify" } } },
      { id: "m", type: "message", position: { x: 0, y: 200 }, data: { channel: "in_app", placement: "banner", content: "Hi" } },
      { id: "x", type: "exit", position: { x: 0, y: 400 }, data: {} },
    ],
    edges: [{ id: "e1", source: "t", target: "m" }, { id: "e2", source: "m", target: "x" }],
  };

  it("connects only what the rules allow, undoes and redoes, and pastes copies with fresh ids", () => {
    const store = storeOf(chain);
    const api = () => store.getState();
    expect(api().connect({ source: "x", target: "t" })).toMatch(/Exit/);
    api().remove(["x"]);
    expect(api().doc.edges.map((e) => e.id)).toEqual(["e1"]);
    expect(api().connect({ source: "m", target: "t" })).toMatch(/Triggers/);
    expect(api().undo()).toBe(true);
    expect(api().doc.nodes.map((n) => n.id)).toEqual(["t", "m", "x"]);
    expect(api().redo()).toBe(true);
    expect(api().doc.nodes.map((n) => n.id)).toEqual(["t", "m"]);
    api().select(["m"]);
    expect(api().copy()).toBe(true);
    api().paste();
    expect(api().doc.nodes.map((n) => `${n.id}${n.selected ? "*" : ""}`)).toEqual(["t", "m", "m-1*"]);
  });

  it("types node data by its node: data of another type is not written", () => {
    const store = storeOf(chain);
    store.getState().setNodeData("m", { for: "P1D" });
    expect(store.getState().doc.nodes.find((n) => n.id === "m")?.data).toEqual(chain.nodes[1].data);
    store.getState().setNodeData("m", { channel: "in_app", placement: "top", content: "Hey" }, "content");
    expect(store.getState().doc.nodes.find((n) => n.id === "m")?.data).toMatchObject({ placement: "top" });
  });

  it("reports a save refused for its own reason, not an earlier one", async () => {
    let n = 0;
    const store = createEditorStore({ id: "f", name: "Flow", graph: chain, settings: DEFAULT_SETTINGS }, {
      autosaveMs: 1e9,
      saveDraft: () => Promise.reject(new Error(`refused ${++n}`)),
    });
    store.getState().rename("Other");
    expect(await store.getState().openPublish()).toBe(false);
    // Not an ApiRequestError: the store says it could not reach the server.
    expect(store.getState().publishError).toBe("Could not reach the server");
    store.getState().dispose();
  });
});

describe("adding and inserting steps (issue items: Enter below a node with a child, a node onto a wire)", () => {
  const chain: Graph = {
    nodes: [
      { id: "t", type: "trigger", position: { x: 0, y: 0 }, data: { on: { type: "identify" } } },
      { id: "m", type: "message", position: { x: 0, y: 200 }, data: { channel: "in_app", placement: "banner", content: "Hi" } },
      { id: "x", type: "exit", position: { x: 0, y: 400 }, data: {} },
      { id: "far", type: "exit", position: { x: 900, y: 0 }, data: {} },
    ],
    edges: [{ id: "e1", source: "t", target: "m" }, { id: "e2", source: "m", target: "x" }],
  };
  const update = { type: "update" as const, data: { set: { seen: true } } };
  const pos = (store: ReturnType<typeof storeOf>, id: string) => store.getState().doc.nodes.find((n) => n.id === id)!.position;
  const wires = (store: ReturnType<typeof storeOf>) => store.getState().doc.edges.map((e) => `${e.source}-${e.sourceHandle ?? "next"}->${e.target}`).sort();

  it("adds below a selected node that already has a child: in between, connected, the child moved down", () => {
    const store = storeOf(chain);
    store.getState().select(["m"]);
    const added = store.getState().add(update);
    expect(added).toMatchObject({ id: "update-1", source: "m", inserted: true });
    expect(wires(store)).toEqual(["m-next->update-1", "t-next->m", "update-1-next->x"]);
    const u = pos(store, "update-1");
    expect(u.y).toBeGreaterThan(pos(store, "m").y + 96);
    expect(pos(store, "x").y).toBeGreaterThanOrEqual(u.y + 96 + 90);
    // Nodes not below the new step stay where they were.
    expect(pos(store, "far")).toEqual({ x: 900, y: 0 });
    // One undo takes the whole insertion back.
    store.getState().undo();
    expect(wires(store)).toEqual(["m-next->x", "t-next->m"]);
    expect(pos(store, "x")).toEqual({ x: 0, y: 400 });
  });

  it("puts a node dropped or dragged onto a wire into that wire", () => {
    const store = storeOf(chain);
    const { id } = store.getState().add(update, { at: { x: 0, y: 300 } });
    expect(store.getState().insertIntoEdge(id, "e2")).toBe(true);
    expect(wires(store)).toEqual(["m-next->update-1", "t-next->m", "update-1-next->x"]);
    expect(pos(store, "x").y).toBeGreaterThanOrEqual(300 + 96 + 90);
    // A node already wired, a trigger or an exit cannot be put into a wire.
    expect(store.getState().insertIntoEdge("m", "e1")).toBe(false);
    expect(store.getState().insertIntoEdge("far", "e1")).toBe(false);
  });

  it("undoes the deletion of a node and its wires in one step, however React Flow reports it", () => {
    const store = storeOf(chain);
    const api = () => store.getState();
    // React Flow's Delete key: the node's edges are removed first, then the node, in one task.
    api().onEdgesChange([{ type: "remove", id: "e1" }, { type: "remove", id: "e2" }]);
    api().onNodesChange([{ type: "remove", id: "m" }]);
    expect(api().doc.nodes.map((n) => n.id)).toEqual(["t", "x", "far"]);
    expect(api().past).toHaveLength(1);
    api().undo();
    expect(api().doc.nodes.map((n) => n.id)).toEqual(["t", "m", "x", "far"]);
    expect(wires(store)).toEqual(["m-next->x", "t-next->m"]);
  });
});
