// The editor's data endpoints through their real route handlers and real Requests: suggestions from
// received data (docs/api.md §5), the global control group setting (§7) and flow conflicts. Run on
// PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDbForTests, type Db } from "@/lib/db/client";
import * as suggestions from "@/app/api/v1/suggestions/route";
import * as holdout from "@/app/api/v1/settings/holdout/route";
import * as conflicts from "@/app/api/v1/flows/conflicts/route";
import * as openapi from "@/app/api/v1/openapi.json/route";
import { clearSettingsCache } from "@/lib/ingest/settings";
import { ingest, publish, seedProfile } from "@/lib/testing/runtime";
import { STORES } from "@/lib/testing/db";
import { clearFlowCache } from "@/lib/runtime/flow-cache";

const SECRET = "pw_sk_test_journeys";
type Handler = (req: Request, ctx?: { params?: Promise<Record<string, string>> }) => Promise<Response> | Response;

async function call(handler: Handler, path: string, opts: { method?: string; body?: unknown } = {}) {
  const res = await handler(
    new Request(`http://localhost${path}`, { method: opts.method ?? "GET", headers: { "content-type": "application/json", authorization: `Bearer ${SECRET}` }, body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined }),
    { params: Promise.resolve({}) },
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const banner = (event: string, placement: string) => ({
  nodes: [
    { id: "t1", type: "trigger", data: { on: { type: "event", event } } },
    { id: "m1", type: "message", data: { channel: "in_app", placement, content: "Hi" } },
  ],
  edges: [{ id: "e1", source: "t1", target: "m1" }],
});

function journeysApiSuite(label: string, open: () => Promise<Db>) {
  describe(`editor data endpoints on ${label}`, () => {
    let db: Db;
    beforeAll(async () => {
      process.env.PATHWISE_API_KEY = SECRET;
      db = await open();
      useDbForTests(db);
      clearFlowCache();
      clearSettingsCache();
      const a = await seedProfile(db, "sg-1", { plan: "pro", role: "admin" });
      const b = await seedProfile(db, "sg-2", { plan: "pro" });
      const c = await seedProfile(db, "sg-3", { plan: "free" });
      await ingest(db, a, [{ name: "Product Viewed", properties: { sku: "A", price: 10 } }, { name: "Product Viewed", properties: { sku: "A" } }, { name: "Order Completed", properties: { total: 5 } }]);
      await ingest(db, b, [{ name: "Product Viewed", properties: { sku: "B" } }]);
      await ingest(db, c, [{ name: "Signed Up" }]);
    });
    afterAll(async () => {
      await db.close();
    });

    it("suggests event names with their counts, filtered by q", async () => {
      const r = await call(suggestions.GET, "/api/v1/suggestions?field=event");
      expect(r.status).toBe(200);
      expect(r.body.suggestions).toEqual([
        { value: "Product Viewed", count: 3 },
        { value: "Order Completed", count: 1 },
        { value: "Signed Up", count: 1 },
      ]);
      const q = await call(suggestions.GET, "/api/v1/suggestions?field=event&q=sign");
      expect(q.body.suggestions.map((s: { value: string }) => s.value)).toEqual(["Signed Up"]);
    });

    it("suggests an event's property names and values", async () => {
      const props = await call(suggestions.GET, "/api/v1/suggestions?field=property&event=Product%20Viewed");
      expect(props.body.suggestions).toEqual([
        { value: "sku", count: 3 },
        { value: "price", count: 1 },
      ]);
      const values = await call(suggestions.GET, "/api/v1/suggestions?field=value&event=Product%20Viewed&property=sku");
      expect(values.body.suggestions).toEqual([
        { value: "A", count: 2 },
        { value: "B", count: 1 },
      ]);
    });

    it("suggests trait names and values, and placements in use", async () => {
      const traits = await call(suggestions.GET, "/api/v1/suggestions?field=trait");
      expect(traits.body.suggestions).toEqual(expect.arrayContaining([{ value: "plan", count: 3 }, { value: "role", count: 1 }]));
      const plans = await call(suggestions.GET, "/api/v1/suggestions?field=trait_value&trait=plan");
      expect(plans.body.suggestions).toEqual([
        { value: "pro", count: 2 },
        { value: "free", count: 1 },
      ]);
      await publish(db, "Hero A", banner("Signed Up", "home-hero"));
      const placements = await call(suggestions.GET, "/api/v1/suggestions?field=placement");
      expect(placements.body.suggestions).toEqual([{ value: "home-hero", count: 1 }]);
    });

    it("answers a bad field with 400 naming it", async () => {
      const r = await call(suggestions.GET, "/api/v1/suggestions?field=nope");
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toContain("field");
    });

    it("stores the global control group's share, 0-20, and refuses other values with 400", async () => {
      expect((await call(holdout.GET, "/api/v1/settings/holdout")).body).toEqual({ percent: 0 });
      expect(await call(holdout.PUT, "/api/v1/settings/holdout", { method: "PUT", body: { percent: 10 } })).toEqual({ status: 200, body: { percent: 10 } });
      expect((await call(holdout.GET, "/api/v1/settings/holdout")).body).toEqual({ percent: 10 });
      const tooMuch = await call(holdout.PUT, "/api/v1/settings/holdout", { method: "PUT", body: { percent: 25 } });
      expect(tooMuch.status).toBe(400);
      expect(JSON.stringify(tooMuch.body)).toContain("percent");
      expect((await call(holdout.PUT, "/api/v1/settings/holdout", { method: "PUT", body: {} })).status).toBe(400);
      expect((await call(holdout.GET, "/api/v1/settings/holdout")).body).toEqual({ percent: 10 });
      await call(holdout.PUT, "/api/v1/settings/holdout", { method: "PUT", body: { percent: 0 } });
    });

    it("lists active flows that fill the same placement from the same trigger, winner first", async () => {
      await publish(db, "Hero B", banner("Signed Up", "home-hero"), { priority: 5 });
      await publish(db, "Side", banner("Signed Up", "sidebar"));
      const r = await call(conflicts.GET, "/api/v1/flows/conflicts");
      expect(r.status).toBe(200);
      expect(r.body.conflicts).toHaveLength(1);
      expect(r.body.conflicts[0]).toMatchObject({ placement: "home-hero", winner: { name: "Hero B" }, reason: "priority" });
      expect(r.body.conflicts[0].flows.map((f: { name: string }) => f.name)).toEqual(["Hero B", "Hero A"]);
    });

    it("documents the new endpoints in the OpenAPI document", async () => {
      const doc = (await call(openapi.GET, "/api/v1/openapi.json")).body;
      for (const p of ["/api/v1/suggestions", "/api/v1/settings/holdout", "/api/v1/flows/conflicts"]) expect(Object.keys(doc.paths)).toContain(p);
    });
  });
}

describe.each(STORES)("$name", ({ name, open }) => journeysApiSuite(name, open));
