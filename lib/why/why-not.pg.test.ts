// GET /api/v1/users/:userId/why through the real routes and ingestion, on PGlite and on PostgreSQL:
// stored history explained with the executor's own code; 400 and 404 as docs/api.md §3 errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, callJson } from "@/lib/testing/routes";
import { setupDb, type TestDb } from "@/lib/testing/db";
import { graph, n } from "@/lib/testing/builders";
import { POST as track } from "@/app/api/v1/track/route";
import { POST as createFlowRoute } from "@/app/api/v1/flows/route";
import { POST as publishRoute } from "@/app/api/v1/flows/[id]/publish/route";
import { POST as pauseRoute } from "@/app/api/v1/flows/[id]/pause/route";
import { POST as resumeRoute } from "@/app/api/v1/flows/[id]/resume/route";
import { GET as whyRoute } from "@/app/api/v1/users/[userId]/why/route";
import { putPolicies } from "@/lib/policies/runtime";
import { clearFlowCache } from "@/lib/runtime/flow-cache";

describe.each([["pglite"], ["pg"]] as const)("why (not) on %s", (kind) => {
  let t: TestDb;
  let flowId = "";
  const auth = () => bearer(t.secret);
  const send = (userId: string, event: string, properties: Record<string, unknown> = {}) => callJson(track, { body: { userId, event, properties }, auth: auth() });
  const why = (userId: string, query = `flowId=${flowId}`) => callJson(whyRoute, { path: `/api/v1/users/${userId}/why?${query}`, params: { userId }, auth: auth() });

  beforeAll(async () => {
    clearFlowCache();
    t = await setupDb(kind);
    //   t1 (Viewed Product, name = "Product A") ──▶ m1 in-app "banner"
    const g = graph([n.onEvent("t1", "Viewed Product", [{ property: "name", op: "eq", value: "Product A" }]), n.inApp("m1", "10% off", { placement: "banner" })], ["t1->m1"]);
    const created = await callJson(createFlowRoute, { body: { name: "Product A discount", graph: g, settings: { reentry: "never" } }, auth: auth() });
    flowId = created.json.id;
    expect((await callJson(publishRoute, { params: { id: flowId }, auth: auth(), method: "POST" })).status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    clearFlowCache();
  });

  it("a where that failed, with the value the event carried", async () => {
    expect((await send("w-1", "Viewed Product", { name: "Product B" })).status).toBe(200);
    const res = await why("w-1");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ flowId, flowName: "Product A discount", entered: false, summary: "would enter: no — a trigger condition failed" });
    expect(res.json.reasons[0]).toMatchObject({ code: "where", nodeId: "t1", predicate: { property: "name", op: "eq", value: "Product A" }, seen: "Product B" });
    expect(res.json.window).toMatchObject({ events: 1, limit: 200, complete: true });
  });

  it("entered, then re-entry never with the earlier run", async () => {
    await send("w-2", "Viewed Product", { name: "Product A" });
    await send("w-2", "Viewed Product", { name: "Product A" });
    const res = await why("w-2");
    expect(res.json.entered).toBe(true);
    const codes = res.json.reasons.map((r: { code: string }) => r.code);
    expect(codes).toEqual(["entered", "reentry_never"]);
    expect(res.json.reasons[1].runId).toBe(res.json.reasons[0].runId);
  });

  it("no trigger event among the events looked at, and a bounded window that says so", async () => {
    for (let i = 0; i < 3; i++) await send("w-3", "Searched", { q: i });
    const res = await why("w-3", `flowId=${flowId}&events=2`);
    expect(res.json.reasons.map((r: { code: string }) => r.code)).toEqual(["event_name"]);
    expect(res.json.window).toMatchObject({ events: 2, limit: 2, complete: false });
    expect(res.json.notes.join(" ")).toContain("Only the last 2 events");
  });

  it("an event that came while the flow was paused", async () => {
    await callJson(pauseRoute, { params: { id: flowId }, auth: auth(), method: "POST" });
    await send("w-4", "Viewed Product", { name: "Product A" });
    const paused = await why("w-4");
    expect(paused.json.reasons.map((r: { code: string }) => r.code)).toEqual(["paused", "paused"]);
    await callJson(resumeRoute, { params: { id: flowId }, auth: auth(), method: "POST" });
    const later = await why("w-4");
    // Resumed: what held at the time of the event is still the reason it did not enter.
    expect(later.json.reasons.map((r: { code: string }) => r.code)).toEqual(["paused"]);
    expect(later.json.reasons[0].at).toBeDefined();
  });

  it("a message dropped by a frequency cap", async () => {
    await putPolicies(t.db.sql, { caps: [{ channel: "in_app", limit: 0, window: "day", action: "drop" }] }, "tester");
    try {
      clearFlowCache();
      await send("w-5", "Viewed Product", { name: "Product A" });
      const res = await why("w-5");
      expect(res.json.reasons.map((r: { code: string }) => r.code)).toEqual(["entered", "frequency_cap"]);
      expect(res.json.reasons[1].message).toContain("dropped by the frequency cap");
    } finally {
      await putPolicies(t.db.sql, { caps: [] }, "tester");
    }
  });

  it("answers 400 without flowId and 404 for an unknown user or flow", async () => {
    const missing = await why("w-1", "");
    expect(missing.status).toBe(400);
    expect(missing.json.error.details[0]).toMatchObject({ path: "flowId" });
    expect((await why("nobody")).status).toBe(404);
    expect((await why("w-1", "flowId=nope")).status).toBe(404);
    expect((await why("w-1", `flowId=${flowId}&events=0`)).status).toBe(400);
  });
});
