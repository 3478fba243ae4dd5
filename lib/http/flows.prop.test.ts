// Property-based tests over flow documents (POST and PUT /api/v1/flows): arbitrary JSON, broken JSON
// and near-valid documents with one field mutated never get a 500, and every error is docs/api.md §3.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createFlowRoute } from "@/app/api/v1/flows/route";
import { PUT as updateFlowRoute } from "@/app/api/v1/flows/[id]/route";
import { POST as publishRoute } from "@/app/api/v1/flows/[id]/publish/route";
import { TEMPLATES } from "@/lib/flow/templates";
import { createRateLimiter, resetRateLimiter } from "./rate-limit";
import { call, keyFor } from "@/lib/testing/routes";
import { installTestDb, removeTestDb } from "@/lib/testing/db";
import { assertContractAnswer, assertSeeded, mutation, mutate, rawBody } from "@/tests/property/support";
import type { Db } from "@/lib/db/client";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 120);

describe("flow documents: never a 500, always a docs/api.md §3 error or a success", () => {
  let db: Db;
  let key: string;
  let flowId: string;

  beforeAll(async () => {
    db = await installTestDb();
    resetRateLimiter(createRateLimiter({ write: "0", api: "0" }));
    key = await keyFor(db, "secret");
    const res = await call(createFlowRoute, "/api/v1/flows", { body: { name: "seed", graph: TEMPLATES[1].graph, settings: TEMPLATES[1].settings }, caller: { key } });
    flowId = ((await res.json()) as { id: string }).id;
  });
  afterAll(async () => {
    resetRateLimiter();
    await removeTestDb(db);
  });

  it("POST with arbitrary or broken JSON", async () => {
    await assertSeeded(
      fc.asyncProperty(rawBody, async (raw) => {
        const res = await call(createFlowRoute, "/api/v1/flows", { method: "POST", raw, headers: { "content-type": "application/json" }, caller: { key } });
        await assertContractAnswer(res, () => raw);
      }),
      { numRuns: RUNS },
    );
  });

  it("POST and PUT with near-valid documents (one field replaced, removed or added), then publish", async () => {
    const templates = TEMPLATES.map((t) => ({ name: t.name, graph: t.graph, settings: t.settings }));
    await assertSeeded(
      fc.asyncProperty(fc.nat({ max: templates.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (t, muts) => {
        const doc = muts.reduce<unknown>((d, m) => mutate(d, m.pick, m.how, m.value, m.key), templates[t]);
        const ctx = () => JSON.stringify(doc);
        const created = await call(createFlowRoute, "/api/v1/flows", { body: doc, caller: { key } });
        const createdStatus = created.status;
        const createdText = await created.clone().text();
        await assertContractAnswer(created, ctx);
        // Shape errors are 400 (unreadable body) or 422 (a flow that cannot be stored): never 404/409 here.
        if (createdStatus >= 400) expect([400, 413, 422]).toContain(createdStatus);
        const updated = await call(updateFlowRoute, `/api/v1/flows/${flowId}`, { method: "PUT", body: doc, caller: { key } }, { id: flowId });
        await assertContractAnswer(updated, ctx);
        if (createdStatus === 201) {
          const id = (JSON.parse(createdText) as { id: string }).id;
          const published = await call(publishRoute, `/api/v1/flows/${id}/publish`, { method: "POST", caller: { key } }, { id });
          await assertContractAnswer(published, ctx);
          if (published.status >= 400) expect(published.status).toBe(422);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("PUT with arbitrary JSON", async () => {
    await assertSeeded(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
        const res = await call(updateFlowRoute, `/api/v1/flows/${flowId}`, { method: "PUT", body, caller: { key } }, { id: flowId });
        await assertContractAnswer(res, () => JSON.stringify(body));
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses a body over the limit with 413", async () => {
    const big = JSON.stringify({ name: "x", graph: { nodes: [], edges: [] }, description: "x".repeat(2 * 1024 * 1024) });
    const res = await call(createFlowRoute, "/api/v1/flows", { method: "POST", raw: big, headers: { "content-type": "application/json" }, caller: { key } });
    expect(res.status).toBe(413);
    await assertContractAnswer(res, () => "2 MB body");
  });
});
