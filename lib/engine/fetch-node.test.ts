// The fetch node in the pure executor: it parks the run and asks the runtime for the call (an effect);
// the answer resumes it by `next` (kept as data.<as> for templates and conditions) or `failed`.
import { describe, expect, it } from "vitest";
import { compileFlow } from "./compile-flow";
import { Driver, flowOf, graph, n, T0 } from "@/lib/testing/builders";
import type { Effect, FetchAnswer, FetchEffect } from "./types";

const fetchEffects = (fx: Effect[]) => fx.filter((e): e is FetchEffect => e.type === "fetch");

//   t1 ──▶ f1 {GET /tutorials?role={{user.role}} as tut} ──next──▶ c1 {data tut.level eq "beginner"} ──yes──▶ m1 "{{ data.tut.title }}"
//                                                       │                                            └──no───▶ m2
//                                                       └──failed──▶ m3 "fallback copy"
const g = graph(
  [
    n.onEvent("t1", "Signed Up"),
    n.fetch("f1", { url: "https://api.example.com/tutorials?role={{ user.role | url_encode }}&id={{ user.id }}", as: "tut", cacheFor: "PT1H", headers: { authorization: "Bearer {{ user.token }}" } }),
    n.condition("c1", { data: "tut.level", op: "eq", value: "beginner" }),
    n.inApp("m1", "Start with {{ data.tut.title }}"),
    n.inApp("m2", "Advanced: {{ data.tut.title }}"),
    n.inApp("m3", "Browse our tutorials"),
  ],
  ["t1->f1", "f1->c1", "f1-failed->m3", "c1-yes->m1", "c1-no->m2"],
);

function start(traits: Record<string, unknown> = { role: "data analyst", token: "s3cret" }) {
  const d = new Driver(flowOf(g), traits);
  d.track("Signed Up", {}, T0);
  const [fx] = fetchEffects(d.effects);
  return { d, fx };
}

function answer(d: Driver, fx: FetchEffect, a: FetchAnswer, at = T0 + 150) {
  return d.dispatch({ kind: "fetched", runId: fx.runId, timerId: fx.timerId, answer: a, at });
}

describe("fetch node", () => {
  it("renders the request, parks the run and asks for exactly one call", () => {
    const { d, fx } = start();
    expect(d.steps()).toEqual(["t1:next", "f1:fetching"]);
    expect(d.run.status).toBe("waiting");
    expect(d.run.wait).toMatchObject({ nodeId: "f1", kind: "fetch", timerId: fx.timerId });
    expect(fx).toMatchObject({
      as: "tut",
      request: { url: "https://api.example.com/tutorials?role=data+analyst&id=u1", method: "GET", headers: { authorization: "Bearer s3cret" } },
      timeoutMs: 5000,
      cacheForMs: 3_600_000,
    });
    expect(fx.request.body).toBeUndefined();
    expect(d.messages()).toEqual([]);
  });

  it("leaves by next with the answer as data.<as> in templates and conditions", () => {
    const { d, fx } = start();
    answer(d, fx, { ok: true, data: { title: "SQL <basics>", level: "beginner" }, status: 200, ms: 12.4, cached: false });
    expect(d.steps()).toEqual(["t1:next", "f1:fetching", "f1:next", "c1:yes", "m1:sent"]);
    expect(d.messages().map((m) => m.channel === "in_app" && m.content)).toEqual(["Start with SQL &lt;basics&gt;"]);
    expect(d.run.data).toEqual({ tut: { title: "SQL <basics>", level: "beginner" } });
    const out = d.effects.find((e) => e.type === "step" && e.nodeId === "f1" && !e.entered);
    expect(out).toMatchObject({ reason: { fetch: { as: "tut", status: 200, ms: 12, cached: false } } });
    const cond = d.effects.find((e) => e.type === "step" && e.nodeId === "c1");
    expect(cond).toMatchObject({ reason: { seen: { data: { "tut.level": "beginner" } } } });
  });

  it("a data condition whose path is absent reads missing (down no without a missing edge)", () => {
    const { d, fx } = start();
    answer(d, fx, { ok: true, data: { title: "Dashboards" }, status: 200, ms: 3, cached: true });
    expect(d.steps().slice(2)).toEqual(["f1:next", "c1:missing", "m2:sent"]);
  });

  it("leaves by failed with the reason in the trace", () => {
    const { d, fx } = start();
    answer(d, fx, { ok: false, error: "The answer is not JSON", status: 200, ms: 4 });
    expect(d.steps().slice(2)).toEqual(["f1:failed", "m3:sent"]);
    const out = d.effects.find((e) => e.type === "step" && e.nodeId === "f1" && !e.entered);
    expect(out).toMatchObject({ result: "failed", reason: { error: "The answer is not JSON", fetch: { as: "tut", status: 200 } } });
    expect(d.run.data ?? {}).toEqual({});
  });

  it("ignores a stale or repeated answer", () => {
    const { d, fx } = start();
    answer(d, fx, { ok: true, data: { level: "beginner", title: "x" }, status: 200, ms: 1, cached: false });
    const again = answer(d, fx, { ok: false, error: "late", ms: 1 });
    expect(again.moves).toEqual([]);
    const { d: d2, fx: fx2 } = start();
    const wrong = d2.dispatch({ kind: "fetched", runId: fx2.runId, timerId: `${fx2.timerId}x`, answer: { ok: false, error: "x" }, at: T0 });
    expect(wrong.moves).toEqual([]);
  });

  it("a template that fails leaves by failed at once, without a call", () => {
    const { d } = start({ role: "pm" }); // no user.token: strict variables
    expect(fetchEffects(d.effects)).toEqual([]);
    expect(d.steps()).toEqual(["t1:next", "f1:failed", "m3:sent"]);
    const step = d.effects.find((e) => e.type === "step" && e.nodeId === "f1");
    expect(step).toMatchObject({ reason: { error: expect.stringContaining("headers.authorization") } });
  });

  it("POST sends the rendered body; timeout is held to PT10S", () => {
    //   t1 ──▶ f1 {POST, body {"id":"{{user.id}}"}, timeout PT30S}
    const flow = compileFlow({
      flowId: "f",
      flowName: "F",
      versionId: "v",
      version: 1,
      graph: graph([n.onEvent("t1", "Go"), n.fetch("f1", { url: "https://x.test/r", method: "POST", body: '{"id":"{{ user.id }}"}', as: "r", timeout: "PT30S" })], ["t1->f1"]),
    });
    const d = new Driver(flow);
    d.track("Go", {}, T0);
    const [fx] = fetchEffects(d.effects);
    // Liquid escapes HTML; a JSON body writes `| json` or `| raw` where a value may hold quotes.
    expect(fx.request).toMatchObject({ method: "POST", body: '{"id":"u1"}' });
    expect(fx.timeoutMs).toBe(10_000);
    expect(fx.cacheForMs).toBe(0);
  });
});
