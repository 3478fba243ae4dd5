// The sandbox runs fetch nodes against the answer the marketer typed in: nothing is called.
import { describe, expect, it } from "vitest";
import { simulate } from "./simulate";
import { graph, n } from "@/lib/testing/builders";

//   t1 (Signed Up) ──▶ f1 {GET .../tutorials?level={{user.level}} as tut} ──next──▶ m1 "Try {{ data.tut.title }}"
//                                                                       └─failed─▶ m2 "Browse tutorials"
const g = graph(
  [
    n.onEvent("t1", "Signed Up"),
    n.fetch("f1", { url: "https://tutorials.example/api?level={{ user.level }}", as: "tut" }),
    n.inApp("m1", "Try {{ data.tut.title }}"),
    n.inApp("m2", "Browse tutorials"),
  ],
  ["t1->f1", "f1->m1", "f1-failed->m2"],
);
const events = [{ at: "PT0S", type: "track" as const, event: "Signed Up" }];
const contents = (r: ReturnType<typeof simulate>) => r.messages.map((m) => (m as { content?: string }).content ?? "");

describe("simulate with a fetch node", () => {
  it("uses the stubbed answer as data.<as>", () => {
    const r = simulate({ graph: g }, { profile: { traits: { level: "new" } }, events, fetch: { f1: { body: '{"title":"Your first dashboard"}' } } });
    expect(r.trace.map((t) => `${t.nodeId}:${t.result}`)).toEqual(["t1:next", "f1:fetching", "f1:next", "m1:sent"]);
    expect(r.trace[1].reason).toMatchObject({ fetch: { url: "https://tutorials.example/api?level=new", method: "GET" } });
    expect(contents(r)).toEqual(["Try Your first dashboard"]);
  });

  it.each([
    [{ status: 500, body: '{"error":"down"}' }, "HTTP 500"],
    [{ status: 302, body: "" }, "redirects are not followed"],
    [{ body: "<html>not json</html>" }, "not JSON"],
    [{ body: `{"x":"${"a".repeat(70_000)}"}` }, "larger than"],
  ])("a bad stub %# leaves by failed with the reason", (stub, reason) => {
    const r = simulate({ graph: g }, { profile: { traits: { level: "new" } }, events, fetch: { f1: stub } });
    expect(r.trace.map((t) => `${t.nodeId}:${t.result}`)).toEqual(["t1:next", "f1:fetching", "f1:failed", "m2:sent"]);
    expect(r.trace[2].reason?.error).toContain(reason);
    expect(contents(r)).toEqual(["Browse tutorials"]);
  });

  it("without a stub the node fails and says why", () => {
    const r = simulate({ graph: g }, { profile: { traits: { level: "new" } }, events });
    expect(r.trace[2]).toMatchObject({ result: "failed", reason: { error: expect.stringContaining("No stubbed answer") } });
  });
});
