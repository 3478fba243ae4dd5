// Every validation rule of docs/api.md §5: shape errors refuse the document and name the node or edge;
// graph problems are listed with their nodeId / edgeId; a valid flow has no problems.
import { describe, expect, it } from "vitest";
import { checkFlow, graphProblems, parseGraph } from "./validate";
import type { FlowEdge, FlowNode, Graph } from "./schema";

const trigger = (id = "t"): FlowNode => ({ id, type: "trigger", data: { on: { type: "event", event: "Signed Up" } } });
const message = (id: string): FlowNode => ({ id, type: "message", data: { channel: "in_app", placement: "home", content: "Hi" } });
const wait = (id: string): FlowNode => ({ id, type: "wait", data: { for: "P1D" } });
const cond = (id: string): FlowNode => ({ id, type: "condition", data: { if: { trait: "role", op: "eq", value: "admin" } } });
const edge = (id: string, source: string, target: string, sourceHandle?: string): FlowEdge => ({ id, source, target, ...(sourceHandle ? { sourceHandle } : {}) });
const codes = (g: Graph) => graphProblems(g).map((p) => p.code);

describe("graph problems", () => {
  it("a valid flow has none", () => {
    //  t ──▶ c ─yes▶ m
    //        └─no──▶ x(exit)
    const g: Graph = {
      nodes: [trigger(), cond("c"), message("m"), { id: "x", type: "exit", data: {} }],
      edges: [edge("e1", "t", "c"), edge("e2", "c", "m", "yes"), edge("e3", "c", "x", "no")],
    };
    expect(graphProblems(g)).toEqual([]);
  });

  it("a webhook URL that is not http(s) is a problem on its node; a templated URL is checked at delivery", () => {
    const hook = (url: string): FlowNode => ({ id: "w", type: "message", data: { channel: "webhook", url } });
    const g = (url: string): Graph => ({ nodes: [trigger(), hook(url)], edges: [edge("e", "t", "w")] });
    for (const bad of ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "file:///etc/passwd", "ftp://example.com/x", "//example.com", "example.com/hook", "http://"]) {
      expect(graphProblems(g(bad)).filter((p) => p.code === "webhook_url_scheme" && p.nodeId === "w"), bad).toHaveLength(1);
    }
    for (const good of ["https://hooks.example.com/x", "HTTP://10.0.0.1:8080/x", "https://{{ user.domain }}/x", "{{ user.hook_url }}"]) {
      expect(codes(g(good)), good).not.toContain("webhook_url_scheme");
    }
  });

  it("no trigger", () => {
    expect(codes({ nodes: [message("m")], edges: [] })).toContain("no_trigger");
  });

  it("an edge to or from a node that does not exist names the edge", () => {
    const g: Graph = { nodes: [trigger()], edges: [edge("e1", "t", "ghost"), edge("e2", "ghost2", "t")] };
    const problems = graphProblems(g);
    expect(problems).toContainEqual(expect.objectContaining({ code: "edge_target_missing", edgeId: "e1" }));
    expect(problems).toContainEqual(expect.objectContaining({ code: "edge_source_missing", edgeId: "e2" }));
  });

  it("an edge leaving by a handle the node does not have", () => {
    const g: Graph = { nodes: [trigger(), message("m"), message("n")], edges: [edge("e1", "t", "m"), edge("e2", "m", "n", "yes")] };
    expect(graphProblems(g)).toContainEqual(expect.objectContaining({ code: "edge_handle_missing", edgeId: "e2", nodeId: "m" }));
  });

  it("an edge without sourceHandle leaves from next, which a condition lacks", () => {
    const g: Graph = { nodes: [trigger(), cond("c"), message("m")], edges: [edge("e1", "t", "c"), edge("e2", "c", "m")] };
    expect(graphProblems(g)).toContainEqual(expect.objectContaining({ code: "edge_handle_missing", edgeId: "e2" }));
  });

  it("a node not reachable from a trigger", () => {
    const g: Graph = { nodes: [trigger(), message("m"), message("lonely")], edges: [edge("e1", "t", "m")] };
    expect(graphProblems(g)).toEqual([expect.objectContaining({ code: "unreachable_node", nodeId: "lonely" })]);
  });

  it("a cycle without a wait, but not one through a wait", () => {
    //  t ─▶ a ─▶ b ─▶ a   (no wait: a problem)
    const bad: Graph = { nodes: [trigger(), message("a"), { id: "b", type: "update", data: { set: { x: 1 } } }], edges: [edge("e1", "t", "a"), edge("e2", "a", "b"), edge("e3", "b", "a")] };
    expect(codes(bad)).toContain("cycle_without_wait");
    //  t ─▶ a ─▶ w(wait) ─▶ a   (through a wait: fine)
    const ok: Graph = { nodes: [trigger(), message("a"), wait("w")], edges: [edge("e1", "t", "a"), edge("e2", "a", "w"), edge("e3", "w", "a")] };
    expect(graphProblems(ok)).toEqual([]);
  });

  it("split weights not totalling 100", () => {
    const g: Graph = {
      nodes: [trigger(), { id: "s", type: "split", data: { branches: [{ id: "a", weight: 50 }, { id: "b", weight: 40 }] } }],
      edges: [edge("e1", "t", "s")],
    };
    expect(graphProblems(g)).toContainEqual(expect.objectContaining({ code: "split_weights", nodeId: "s" }));
  });

  it("two edges from one handle, and an edge into a trigger", () => {
    const g: Graph = {
      nodes: [trigger(), message("a"), message("b")],
      edges: [edge("e1", "t", "a"), edge("e2", "t", "b"), edge("e3", "a", "t")],
    };
    const problems = graphProblems(g);
    expect(problems).toContainEqual(expect.objectContaining({ code: "handle_has_two_edges", edgeId: "e2" }));
    expect(problems).toContainEqual(expect.objectContaining({ code: "edge_into_trigger", edgeId: "e3" }));
  });

  it("a variant condition naming a split or branch that does not exist", () => {
    const g: Graph = {
      nodes: [trigger(), { id: "c", type: "condition", data: { if: { variant: { node: "nope", branch: "a" } } } }],
      edges: [edge("e1", "t", "c")],
    };
    expect(graphProblems(g)).toContainEqual(expect.objectContaining({ code: "variant_unknown_split", nodeId: "c" }));
  });
});

describe("shape errors", () => {
  it("an unknown node type names the node", () => {
    const r = parseGraph({ nodes: [{ id: "n1", type: "teleport", data: {} }], edges: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.details[0]).toMatchObject({ nodeId: "n1", path: "graph.nodes.0.type" });
  });

  it("data of the wrong shape names the node and the field", () => {
    const r = parseGraph({ nodes: [{ id: "w", type: "wait", data: { for: "three days" } }], edges: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.details[0].nodeId).toBe("w");
  });

  it("not a graph", () => {
    expect(parseGraph("nodes").ok).toBe(false);
    expect(parseGraph({ nodes: {}, edges: [] }).ok).toBe(false);
  });

  it("settings of the wrong shape", () => {
    const r = checkFlow({ nodes: [], edges: [] }, { rollout: 150 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.details[0].path).toBe("settings.rollout");
  });

  it("settings get their defaults", () => {
    const r = checkFlow({ nodes: [trigger()], edges: [] }, undefined);
    expect(r.ok && r.settings).toEqual({ exitOnGoal: false, reentry: "never", rollout: 100, holdout: 0, priority: 0 });
  });

  it("every handle type of the contract is accepted", () => {
    const g = {
      nodes: [
        trigger(),
        { id: "s", type: "split", data: { branches: [{ id: "a", weight: 50, label: "Control" }, { id: "b", weight: 50 }] } },
        { id: "c", type: "condition", data: { if: { all: [{ trait: "plan", op: "in", value: ["pro"] }, { event: "Viewed", within: "P7D", count: { gte: 2 }, where: [{ property: "sku", op: "eq", value: "A" }] }] } } },
        { id: "w", type: "wait", data: { until: { event: "Order Completed" }, timeout: "P3D" } },
        { id: "wh", type: "message", data: { channel: "webhook", url: "https://example.com/h", body: "{{ user.id }}" } },
        { id: "em", type: "message", data: { channel: "email", subject: "Hi", body: "Hello" } },
        { id: "u", type: "update", data: { set: { seen: true } } },
        { id: "x", type: "exit", data: {} },
      ],
      edges: [
        edge("e1", "t", "s"),
        edge("e2", "s", "c", "a"),
        edge("e3", "s", "w", "b"),
        edge("e4", "c", "wh", "yes"),
        edge("e5", "c", "em", "no"),
        edge("e6", "c", "x", "missing"),
        edge("e7", "w", "u", "matched"),
        edge("e8", "w", "x", "timeout"),
      ],
    };
    const r = checkFlow(g, {});
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.problems).toEqual([]);
  });
});

describe("fetch node", () => {
  const fetchNode = (data: Record<string, unknown>): FlowNode => ({ id: "f", type: "fetch", data: { url: "https://api.example/t", as: "tut", ...data } } as FlowNode);
  //  t ──▶ f ─next──▶ m
  //          └failed─▶ x
  const g = (data: Record<string, unknown> = {}): Graph => ({
    nodes: [trigger(), fetchNode(data), message("m"), { id: "x", type: "exit", data: {} }],
    edges: [edge("e1", "t", "f"), edge("e2", "f", "m"), edge("e3", "f", "x", "failed")],
  });

  it("a fetch with next and failed edges is valid; a third handle is not", () => {
    expect(graphProblems(g({ method: "POST", body: '{"a":1}', timeout: "PT10S", cacheFor: "PT1H", headers: { a: "b" } }))).toEqual([]);
    const bad = g();
    bad.edges.push(edge("e4", "f", "m", "yes"));
    expect(codes(bad)).toContain("edge_handle_missing");
  });

  it("a timeout over PT10S, a non-http URL and a body on GET are problems on the node", () => {
    expect(graphProblems(g({ timeout: "PT11S" }))).toEqual([expect.objectContaining({ code: "fetch_timeout", nodeId: "f" })]);
    expect(graphProblems(g({ url: "file:///etc/passwd" }))).toEqual([expect.objectContaining({ code: "fetch_url_scheme", nodeId: "f" })]);
    expect(codes(g({ url: "{{ user.api }}/x" }))).toEqual([]);
    expect(graphProblems(g({ body: "{}" }))).toEqual([expect.objectContaining({ code: "fetch_body_with_get", nodeId: "f" })]);
  });

  it("refuses a wrong shape: no as, a bad name, a method other than GET/POST, a bad duration; names the node", () => {
    for (const data of [{ as: undefined }, { as: "has space" }, { method: "PUT" }, { cacheFor: "1 hour" }, { url: "" }]) {
      const r = parseGraph(g(data));
      expect(r.ok, JSON.stringify(data)).toBe(false);
      if (!r.ok) expect(r.details[0]).toMatchObject({ nodeId: "f", path: expect.stringMatching(/^graph\.nodes\.1\.data\./) });
    }
  });

  it("a data condition parses like a trait rule", () => {
    const c: FlowNode = { id: "c", type: "condition", data: { if: { all: [{ data: "tut.level", op: "eq", value: "beginner" }, { data: "tut.items", op: "exists" }] } } };
    expect(parseGraph({ nodes: [trigger(), c], edges: [] }).ok).toBe(true);
    expect(parseGraph({ nodes: [trigger(), { ...c, data: { if: { data: "", op: "eq" } } }], edges: [] }).ok).toBe(false);
  });
});
