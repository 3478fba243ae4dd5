// The trigger funnel through the real routes and ingestion, on PGlite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, callJson } from "@/lib/testing/routes";
import { setupDb, type TestDb } from "@/lib/testing/db";
import { graph, n } from "@/lib/testing/builders";
import { POST as batch } from "@/app/api/v1/batch/route";
import { POST as createFlowRoute } from "@/app/api/v1/flows/route";
import { POST as publishRoute } from "@/app/api/v1/flows/[id]/publish/route";
import { GET as funnelRoute } from "@/app/api/v1/flows/[id]/trigger-funnel/route";
import { clearFlowCache } from "@/lib/runtime/flow-cache";

describe.each([["pglite"], ["pg"]] as const)("trigger funnel on %s", (kind) => {
  let t: TestDb;
  let flowId = "";
  const auth = () => bearer(t.secret);
  const funnel = (query = "") => callJson(funnelRoute, { path: `/api/v1/flows/${flowId}/trigger-funnel?${query}`, params: { id: flowId }, auth: auth() });

  beforeAll(async () => {
    clearFlowCache();
    t = await setupDb(kind);
    //   t1 (Viewed Product, name = "Product A") ──▶ m1
    const g = graph([n.onEvent("t1", "Viewed Product", [{ property: "name", op: "eq", value: "Product A" }]), n.inApp("m1", "10% off")], ["t1->m1"]);
    flowId = (await callJson(createFlowRoute, { body: { name: "Funnel", graph: g, settings: { reentry: "never" } }, auth: auth() })).json.id;
    await callJson(publishRoute, { params: { id: flowId }, auth: auth(), method: "POST" });
    const ev = (userId: string, properties: Record<string, unknown>) => ({ type: "track", userId, event: "Viewed Product", properties });
    const res = await callJson(batch, {
      auth: auth(),
      body: { batch: [ev("f1", { name: "Product B" }), ev("f2", { name: "Product B" }), ev("f3", { name: "Product B" }), ev("f4", { name: "Product A" }), ev("f5", { name: "Product A" }), ev("f6", {}), { type: "track", userId: "f7", event: "Other" }] },
    });
    expect(res.status).toBe(200);
    // f4 comes back: re-entry "never" stops the second event, but f4 did enter.
    await callJson(batch, { auth: auth(), body: { batch: [ev("f4", { name: "Product A" })] } });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    clearFlowCache();
  });

  it("counts who sent the trigger event, what each test let through, who entered, and where the rest stopped", async () => {
    const res = await funnel();
    expect(res.status).toBe(200);
    expect(res.json.stages.map((s: { key: string; users: number }) => [s.key, s.users])).toEqual([
      ["sent", 6],
      ["trigger", 2],
      ["rules", 2],
      ["entered", 2],
    ]);
    expect(res.json.entered).toEqual({ sample: 2, holdout: 0, exact: 2 });
    expect(res.json.stops).toHaveLength(1);
    expect(res.json.stops[0]).toMatchObject({ code: "where", nodeId: "t1", users: 4, seen: [{ value: "Product B", users: 3 }, { value: null, users: 1 }] });
    expect(res.json.stops[0].label).toContain("Product A");
    expect(res.json.sample).toMatchObject({ events: 7, users: 6, complete: true, totalEvents: 7 });
  });

  it("is bounded: a sample smaller than the range says so", async () => {
    const res = await funnel("sample=3");
    expect(res.json.sample).toMatchObject({ events: 3, limit: 3, complete: false, totalEvents: 7, totalAtLeast: false });
  });

  it("counts trigger events up to a cap and then says 'at least'", async () => {
    const [p] = await t.db.sql.query<{ id: string }>(`SELECT profile_id AS id FROM identity_directory WHERE kind = 'user' AND value = 'f1'`);
    // Stored straight into the table: the count, not the executor, is under test here.
    await t.db.sql.query(
      `INSERT INTO events (profile_id, type, name, properties, "timestamp", received_at)
       SELECT $1, 'track', 'Viewed Product', '{}'::jsonb, now() - (i || ' seconds')::interval, now() FROM generate_series(1, 20001) i`,
      [p.id],
    );
    const res = await funnel("sample=5");
    expect(res.json.sample).toMatchObject({ events: 5, complete: false, totalEvents: 20000, totalAtLeast: true });
  }, 60_000);

  it("answers 400 for a bad range and 404 for an unknown flow", async () => {
    expect((await funnel("from=yesterday")).status).toBe(400);
    expect((await funnel("sample=0")).status).toBe(400);
    expect((await callJson(funnelRoute, { path: `/api/v1/flows/nope/trigger-funnel`, params: { id: "nope" }, auth: auth() })).status).toBe(404);
  });
});
