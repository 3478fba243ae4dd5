// One flow cannot stall the server: Liquid rendering has a budget per request (and per job run) as
// well as the per-template limit. A flow of 40 in-app nodes whose templates each run to the 100 ms
// limit, reached by one /track: once the request's budget is spent, the remaining templates fail at
// once with the budget named (their fallback is used), instead of 40 × 100 ms of blocked event loop.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { call, keyFor } from "@/lib/testing/routes";
import { installTestDb, removeTestDb } from "@/lib/testing/db";
import { clearFlowCache } from "@/lib/runtime/flow-cache";
import * as flows from "@/app/api/v1/flows/route";
import * as publish from "@/app/api/v1/flows/[id]/publish/route";
import * as track from "@/app/api/v1/track/route";
import { renderTemplate, liquidContext } from "./render";
import { withRenderBudget, RENDER_BUDGET_MS } from "./budget";

const HEAVY = "{% for a in (1..100000) %}{% for b in (1..100000) %}{% endfor %}{% endfor %}done";
const NODES = 40;

describe("render budget", () => {
  let db: Db;
  let key: string;
  beforeAll(async () => {
    db = await installTestDb();
    clearFlowCache();
    key = await keyFor(db, "secret");
  });
  afterAll(async () => removeTestDb(db));

  it("a request's renders stop once its budget is spent; the rest use their fallback", async () => {
    const nodes: unknown[] = [{ id: "t", type: "trigger", data: { on: { type: "event", event: "Heavy" } } }];
    const edges: unknown[] = [];
    for (let i = 1; i <= NODES; i++) {
      nodes.push({ id: `m${i}`, type: "message", data: { channel: "in_app", placement: `p${i}`, content: HEAVY, fallback: "plain" } });
      edges.push({ id: `e${i}`, source: i === 1 ? "t" : `m${i - 1}`, target: `m${i}` });
    }
    const created = await call(flows.POST, "/api/v1/flows", { caller: { key }, body: { name: "Heavy", graph: { nodes, edges } } });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    expect((await call(publish.POST, `/api/v1/flows/${id}/publish`, { caller: { key }, method: "POST" }, { id })).status).toBe(200);

    const res = await call(track.POST, "/api/v1/track", { caller: { key }, body: { userId: "heavy-user", event: "Heavy" } });
    expect(res.status).toBe(200);
    const steps = await db.sql.query<{ node_id: string; reason: { error?: string } | null }>(`SELECT node_id, reason FROM steps WHERE flow_id = $1 AND node_id LIKE 'm%'`, [id]);
    expect(steps).toHaveLength(NODES);
    const budget = steps.filter((s) => /budget/.test(s.reason?.error ?? ""));
    const timedOut = steps.filter((s) => s.reason?.error && !/budget/.test(s.reason.error));
    // Each heavy template spends up to the 100 ms per-template limit, so the budget covers only a few.
    expect(timedOut.length).toBeGreaterThan(0);
    expect(timedOut.length).toBeLessThanOrEqual(Math.ceil(RENDER_BUDGET_MS / 100) + 1);
    expect(budget.length).toBe(NODES - timedOut.length);
  });

  it("outside a budget scope, and for cheap templates, nothing changes", async () => {
    const ctx = liquidContext({ traits: { name: "Ada" }, flow: { id: "f", name: "F" } });
    expect(renderTemplate("Hi {{ user.name }}", ctx)).toEqual({ ok: true, output: "Hi Ada" });
    const out = await withRenderBudget(50, async () => [renderTemplate(HEAVY, ctx, "fb"), renderTemplate("Hi {{ user.name }}", ctx), renderTemplate(HEAVY, ctx, "fb")]);
    expect(out[0]).toMatchObject({ ok: false, output: "fb" });
    expect(out[2]).toMatchObject({ ok: false, output: "fb", error: expect.stringMatching(/budget/) });
  });
});
