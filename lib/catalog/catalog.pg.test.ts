// The catalog and recommendations through the real route handlers and the real ingestion pipeline,
// on PostgreSQL and on PGlite: upsert, read, delete, bad input named by index, CSV import with
// progress, each strategy kept incrementally, bought items left out, unknown items kept, merges,
// and `recommendations.*` in a published flow's /decide content (a missing list reads as empty).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, callJson as call } from "@/lib/testing/routes";
import { drainImports } from "@/lib/testing/imports";
import { setupDb, type TestDb } from "@/lib/testing/db";
import * as items from "@/app/api/v1/catalog/items/route";
import * as item from "@/app/api/v1/catalog/items/[id]/route";
import * as catalogImport from "@/app/api/v1/catalog/import/route";
import * as importStatus from "@/app/api/v1/import/[id]/route";
import * as recs from "@/app/api/v1/users/[userId]/recommendations/route";
import * as batch from "@/app/api/v1/batch/route";
import * as flows from "@/app/api/v1/flows/route";
import * as publish from "@/app/api/v1/flows/[id]/publish/route";
import * as decide from "@/app/api/v1/decide/route";
import { compiledVersion, recommendationListsOf } from "@/lib/runtime/flow-cache";
import { expirePopularity } from "@/lib/catalog/activity";

const CATALOG = [
  { id: "s1", name: "Trail shoe", category: "shoes", price: 120, url: "/p/s1" },
  { id: "s2", name: "Road shoe", category: "shoes", price: 100 },
  { id: "s3", name: "Track spike", category: "shoes", price: 90 },
  { id: "s4", name: "Sandal", category: "shoes", price: 30 },
  { id: "h1", name: "Sun hat", category: "hats", price: 25, attributes: { color: "straw" } },
  { id: "h2", name: "Beanie", category: "hats", price: 15 },
];

function suite(kind: "pg" | "pglite") {
  describe(`catalog and recommendations on ${kind === "pg" ? "PostgreSQL" : "PGlite"}`, () => {
    let t: TestDb;
    let auth: string;
    const base = Date.now() - 3 * 86_400_000;
    const at = (min: number) => new Date(base + min * 60_000).toISOString();
    const view = (who: Record<string, string>, id: string, min: number) => ({ type: "track", ...who, event: "Product Viewed", properties: { product_id: id }, timestamp: at(min) });
    const order = (who: Record<string, string>, ids: string[], min: number) => ({ type: "track", ...who, event: "Order Completed", properties: { products: ids.map((product_id) => ({ product_id })) }, timestamp: at(min) });
    const send = async (messages: unknown[]) => {
      const r = await call(batch.POST, { path: "/api/v1/batch", body: { batch: messages }, auth });
      expect(r.status).toBe(200);
    };
    const get = async (userId: string, query: string) => {
      const r = await call(recs.GET, { path: `/api/v1/users/${userId}/recommendations?${query}`, params: { userId }, auth });
      expect(r.status).toBe(200);
      return (r.json.items as Array<{ id: string; score: number }>).map((i) => i.id);
    };

    beforeAll(async () => {
      t = await setupDb(kind);
      auth = bearer(t.secret);
    });
    afterAll(() => t.close());

    it("upserts, reads and deletes items", async () => {
      const r = await call(items.POST, { path: "/api/v1/catalog/items", body: { items: CATALOG }, auth });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ upserted: 6 });
      const h1 = await call(item.GET, { path: "/api/v1/catalog/items/h1", params: { id: "h1" }, auth });
      expect(h1.json).toMatchObject({ id: "h1", name: "Sun hat", category: "hats", price: 25, url: null, attributes: { color: "straw" } });
      // Upsert replaces.
      await call(items.POST, { path: "/api/v1/catalog/items", body: { items: [{ ...CATALOG[4], name: "Straw hat" }] }, auth });
      expect((await call(item.GET, { params: { id: "h1" }, auth })).json.name).toBe("Straw hat");
      await call(items.POST, { path: "/api/v1/catalog/items", body: { items: [{ id: "gone", name: "Temporary" }] }, auth });
      expect((await call(item.DELETE, { method: "DELETE", params: { id: "gone" }, auth })).status).toBe(204);
      expect((await call(item.GET, { params: { id: "gone" }, auth })).status).toBe(404);
      expect((await call(item.DELETE, { method: "DELETE", params: { id: "gone" }, auth })).status).toBe(404);
      const list = await call(items.GET, { path: "/api/v1/catalog/items?q=shoe", auth });
      // By name, id or category: three shoes and the sandal of the "shoes" category.
      expect(list.json.total).toBe(4);
      expect(list.json.categories).toEqual(["hats", "shoes"]);
    });

    it("answers 400 naming the index of a bad item or of the first item over 1,000, and stores nothing of that call", async () => {
      const bad = await call(items.POST, { path: "/api/v1/catalog/items", body: { items: [{ id: "ok1", name: "Fine" }, { id: "x", name: "Bad", price: "cheap" }] }, auth });
      expect(bad.status).toBe(400);
      expect(bad.json.error.details.map((d: { path: string }) => d.path)).toContain("items.1.price");
      expect((await call(item.GET, { params: { id: "ok1" }, auth })).status).toBe(404);
      const noName = await call(items.POST, { path: "/api/v1/catalog/items", body: { items: [{ id: "y" }] }, auth });
      expect(noName.json.error.details[0].path).toBe("items.0.name");
      const many = Array.from({ length: 1001 }, (_, i) => ({ id: `m${i}`, name: `Item ${i}` }));
      const over = await call(items.POST, { path: "/api/v1/catalog/items", body: { items: many }, auth });
      expect(over.status).toBe(400);
      expect(over.json.error.details[0].path).toBe("items.1000");
      expect((await call(item.GET, { params: { id: "m0" }, auth })).status).toBe(404);
      expect((await call(items.POST, { path: "/api/v1/catalog/items", raw: "{nope", headers: { "content-type": "application/json" }, auth })).status).toBe(400);
      const badQuery = await call(recs.GET, { path: "/api/v1/users/u/recommendations?strategy=best", params: { userId: "u" }, auth });
      expect(badQuery.status).toBe(400);
      expect(badQuery.json.error.details[0].path).toBe("strategy");
    });

    it("imports a catalog CSV through the import job, with progress and errors per row", async () => {
      const csv = "id,name,price,category,brand\nc1,Cap,12.5,hats,Acme\n,No id,3,hats,\nc2,Scarf,abc,hats,\nc3,Glove,8,gloves,Zed\n";
      const r = await call(catalogImport.POST, { path: "/api/v1/catalog/import", raw: csv, headers: { "content-type": "text/csv" }, auth });
      expect(r.status).toBe(202);
      await drainImports(t.db);
      const s = await call(importStatus.GET, { params: { id: r.json.id }, auth });
      expect(s.json).toMatchObject({ status: "done", kind: "catalog", total: 4, done: 2, failed: 2 });
      expect(s.json.errors.map((e: { row: number }) => e.row)).toEqual([2, 3]);
      expect((await call(item.GET, { params: { id: "c1" }, auth })).json).toMatchObject({ name: "Cap", price: 12.5, category: "hats", attributes: { brand: "Acme" } });
      await call(item.DELETE, { method: "DELETE", params: { id: "c1" }, auth });
      await call(item.DELETE, { method: "DELETE", params: { id: "c3" }, auth });
    });

    it("keeps every strategy up to date at ingestion, leaves bought items out, and keeps unknown items", async () => {
      const a = { userId: "ann" };
      const b = { userId: "bob" };
      const c = { userId: "cat" };
      // Sessions: ann s1 → s2 → s3 (and s1 again); bob s1 → s2, then buys s2; cat s1 → s3 → ghost (not in the catalog yet).
      await send([view(a, "s1", 0), view(a, "s2", 2), view(a, "s3", 4), view(a, "s1", 6)]);
      await send([view(b, "s1", 10), { ...view(b, "s2", 12), properties: { productId: "s2" } }, order(b, ["s2"], 14)]);
      await send([view(c, "s1", 20), view(c, "s3", 22), view(c, "ghost", 24)]);

      expect(await get("ann", "strategy=recently_viewed")).toEqual(["s1", "s3", "s2"]);
      // bob bought s2: still in what he viewed, never among his suggestions.
      expect(await get("bob", "strategy=recently_viewed")).toEqual(["s2", "s1"]);
      // Views: s1 ×4, s2 ×2 + 1 purchase (×3), s3 ×2.
      expect(await get("ann", "strategy=popular&limit=3")).toEqual(["s2", "s1", "s3"]);
      expect(await get("bob", "strategy=popular&limit=3")).toEqual(["s1", "s3"]);
      expect(await get("nobody", "strategy=popular&category=hats")).toEqual([]);
      // Co-viewed with s1: s2 (ann, bob) and s3 (ann, cat) twice each, in id order on a tie.
      expect(await get("ann", "strategy=also_viewed&item=s1")).toEqual(["s2", "s3"]);
      expect(await get("bob", "strategy=also_viewed&item=s1")).toEqual(["s3"]);
      // Default item: the person's last viewed (cat: ghost, not in the catalog yet, co-viewed with s1 and s3).
      expect(await get("cat", "strategy=also_viewed")).toEqual(["s1", "s3"]);
      const forBob = await get("bob", "strategy=for_you");
      expect(forBob).not.toContain("s2");
      // Co-viewed with his latest items (s2, s1), then what is popular in his category.
      expect(forBob.slice(0, 2).sort()).toEqual(["s1", "s3"]);

      // The catalog arrives later: ghost's views were kept.
      await call(items.POST, { path: "/api/v1/catalog/items", body: { items: [{ id: "ghost", name: "Ghost runner", category: "shoes" }] }, auth });
      expect(await get("cat", "strategy=recently_viewed")).toEqual(["ghost", "s3", "s1"]);
      // s3 was co-viewed with s1 twice (ann, cat), with ghost and s2 once: ties in id order.
      expect(await get("ann", "strategy=also_viewed&item=s3")).toEqual(["s1", "ghost", "s2"]);
    });

    it("counts views and purchases in popular only while they are inside the sliding window", async () => {
      const old = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
      const w = (userId: string, days: number) => ({ type: "track", userId, event: "Product Viewed", properties: { product_id: "h2" }, timestamp: old(days) });
      // Long ago: outside the 30-day window, never counted. 29 days ago: counted for now.
      await send([w("old-1", 45), w("old-2", 45), w("old-3", 45), w("old-4", 45), w("old-5", 45)]);
      expect(await get("nobody", "strategy=popular&category=hats")).toEqual([]);
      await send([w("mid-1", 29), w("mid-2", 29)]);
      expect(await get("nobody", "strategy=popular&category=hats")).toEqual(["h2"]);
      // Two days later those days have left the window: maintenance takes them out.
      expect(await expirePopularity(t.db.sql, new Date(Date.now() + 2 * 86_400_000))).toBeGreaterThan(0);
      expect(await get("nobody", "strategy=popular&category=hats")).toEqual([]);
      expect(await expirePopularity(t.db.sql, new Date(Date.now() + 2 * 86_400_000))).toBe(0);
    });

    it("moves an anonymous visitor's items to the user they become", async () => {
      await send([view({ anonymousId: "anon-9" }, "h2", 100), view({ anonymousId: "anon-9" }, "h1", 101)]);
      await send([{ type: "identify", anonymousId: "anon-9", userId: "dora", traits: {} }]);
      expect(await get("dora", "strategy=recently_viewed")).toEqual(["h1", "h2"]);
      // for_you in dora's category (hats), leaving out the item she is looking at.
      expect(await get("dora", "strategy=for_you")).toContain("h2");
    });

    it("renders recommendations.* in a published flow's /decide content; a missing list is an empty list", async () => {
      const content = "{% for p in recommendations.recently_viewed limit: 2 %}{{ p.name }};{% endfor %}|{{ recommendations.also_viewed | size }}|{{ recommendations.no_such_list | size }}";
      const graph = {
        nodes: [
          { id: "t", type: "trigger", data: { on: { type: "event", event: "Product Viewed" } } },
          { id: "m", type: "message", data: { channel: "in_app", placement: "strip", content } },
        ],
        edges: [{ id: "e", source: "t", target: "m" }],
      };
      const f = await call(flows.POST, { path: "/api/v1/flows", body: { name: "Strip", graph, settings: { reentry: "always" } }, auth });
      expect(f.status).toBe(201);
      expect((await call(publish.POST, { method: "POST", params: { id: f.json.id }, auth })).status).toBe(200);
      const ed = { userId: "ed" };
      await send([view(ed, "s4", 200), view(ed, "s1", 201)]);
      const d = await call(decide.POST, { path: "/api/v1/decide", body: { userId: "ed", placements: ["strip"] }, auth });
      // Rendered after this request's views were recorded: s1 newest; s1 co-viewed with s2, s3, ghost, s4.
      expect(d.json.decisions.strip.content).toBe("Trail shoe;Sandal;|4|0");
      // Lazily: the lists the template names, and only for events that can move a run of the flow.
      const [v] = await t.db.sql.query<{ active_version_id: string }>(`SELECT active_version_id FROM flows WHERE id = $1`, [f.json.id]);
      const compiled = await compiledVersion(t.db.sql, v.active_version_id);
      expect([...recommendationListsOf(compiled, { names: new Set(["Product Viewed"]), identify: false })].sort()).toEqual(["also_viewed", "recently_viewed"]);
      expect(recommendationListsOf(compiled, { names: new Set(["Signed Up"]), identify: true })).toEqual([]);
    });
  });
}

suite("pg");
suite("pglite");
