// docs/api.md §7: profiles (read, erase), import with per-row errors, the OpenAPI document and metrics.
import { describe, expect, it } from "vitest";
import type { Ctx } from "./suite";
import { eventually, expectError, uid } from "./http";
import { edge, inApp, node, onEvent } from "./flows";

export function opsSection(ctx: Ctx) {
  describe("§7 profiles and operations", () => {
    it("GET /api/v1/users/:userId answers the profile's shape; 404 when unknown", async () => {
      const t = uid("prof");
      const f = await ctx.api.post("/api/v1/flows", {
        name: `profile ${t}`,
        graph: { nodes: [node("t1", "trigger", onEvent(`Prof ${t}`)), node("w1", "wait", { for: "P1D" }), node("m1", "message", inApp(`prof-${t}`, "x"))], edges: [edge("t1", "w1"), edge("w1", "m1")] },
      });
      await ctx.api.post(`/api/v1/flows/${f.json.id}/publish`);
      const u = uid("prof-user");
      const anon = uid("prof-anon");
      await ctx.api.post("/api/v1/identify", { userId: u, anonymousId: anon, traits: { plan: "pro", age: 41 } });
      await ctx.api.post("/api/v1/track", { userId: u, event: `Prof ${t}`, properties: { n: 1 } });
      await ctx.api.post("/api/v1/batch", { batch: Array.from({ length: 60 }, (_, i) => ({ type: "track", userId: u, event: `Many ${i}` })) });
      const a = await ctx.api.get(`/api/v1/users/${encodeURIComponent(u)}`);
      expect(a.status).toBe(200);
      const p = a.json;
      expect(p).toMatchObject({ userId: u, anonymousIds: [anon], traits: { plan: "pro", age: 41 }, firstSeen: expect.any(String), lastSeen: expect.any(String) });
      expect(Number.isFinite(Date.parse(p.firstSeen))).toBe(true);
      expect(p.runs).toContainEqual(expect.objectContaining({ flowId: f.json.id, version: 1, nodeId: "w1", status: expect.any(String) }));
      expect(p.events).toHaveLength(50);
      expect(p.events[0].name).toBe("Many 59");
      // Ids with odd characters are path segments like any other.
      const odd = `o d/d ${t}@x.com`;
      await ctx.api.post("/api/v1/identify", { userId: odd, traits: { a: 1 } });
      const o = await ctx.api.get(`/api/v1/users/${encodeURIComponent(odd)}`);
      expect(o.status, o.text).toBe(200);
      expect(o.json.userId).toBe(odd);
      expectError(await ctx.api.get(`/api/v1/users/${uid("nobody")}`), 404);
    });

    it("GET /api/v1/users/:userId/why?flowId= says whether the user entered and why not, in words", async () => {
      const t = uid("why");
      const f = await ctx.api.post("/api/v1/flows", {
        name: `why ${t}`,
        graph: {
          nodes: [node("t1", "trigger", { on: { type: "event", event: `Why ${t}`, where: [{ property: "name", op: "eq", value: "Product A" }] } }), node("m1", "message", inApp(`why-${t}`, "x"))],
          edges: [edge("t1", "m1")],
        },
        settings: { reentry: "never" },
      });
      await ctx.api.post(`/api/v1/flows/${f.json.id}/publish`);
      const out = uid("why-out");
      await ctx.api.post("/api/v1/track", { userId: out, event: `Why ${t}`, properties: { name: "Product B" } });
      const a = await ctx.api.get(`/api/v1/users/${encodeURIComponent(out)}/why?flowId=${f.json.id}`);
      expect(a.status, a.text).toBe(200);
      expect(a.json).toMatchObject({ flowId: f.json.id, entered: false });
      expect(a.json.reasons[0]).toMatchObject({ code: expect.any(String), message: expect.stringContaining("Product B") });
      const inside = uid("why-in");
      await ctx.api.post("/api/v1/track", { userId: inside, event: `Why ${t}`, properties: { name: "Product A" } });
      await ctx.api.post("/api/v1/track", { userId: inside, event: `Why ${t}`, properties: { name: "Product A" } });
      const b = await ctx.api.get(`/api/v1/users/${encodeURIComponent(inside)}/why?flowId=${f.json.id}`);
      expect(b.json.entered).toBe(true);
      expect(b.json.reasons.map((r: { code: string }) => r.code)).toContain("reentry_never");
      expectError(await ctx.api.get(`/api/v1/users/${encodeURIComponent(out)}/why`), 400);
      expectError(await ctx.api.get(`/api/v1/users/${uid("nobody")}/why?flowId=${f.json.id}`), 404);
    });

    it("DELETE /api/v1/users/:userId answers 204 and erases the profile, its events and runs", async () => {
      const t = uid("erase");
      const pl = `erase-${t}`;
      const f = await ctx.api.post("/api/v1/flows", { name: `erase ${t}`, graph: { nodes: [node("t1", "trigger", onEvent(`Erase ${t}`)), node("m1", "message", inApp(pl, "x"))], edges: [edge("t1", "m1")] } });
      await ctx.api.post(`/api/v1/flows/${f.json.id}/publish`);
      const u = uid("erase-user");
      const anon = uid("erase-anon");
      await ctx.api.post("/api/v1/identify", { userId: u, anonymousId: anon, traits: { email: "gone@example.com" } });
      await ctx.api.post("/api/v1/track", { userId: u, event: `Erase ${t}` });
      expect((await ctx.api.post("/api/v1/decide", { userId: u, placements: [pl] })).json.decisions[pl]).not.toBeNull();
      const d = await ctx.api.del(`/api/v1/users/${encodeURIComponent(u)}`);
      expect(d.status).toBe(204);
      expect(d.text).toBe("");
      expectError(await ctx.api.get(`/api/v1/users/${encodeURIComponent(u)}`), 404);
      expect((await ctx.api.post("/api/v1/decide", { userId: u, placements: [pl] })).json.decisions[pl]).toBeNull();
      expect((await ctx.api.post("/api/v1/decide", { anonymousId: anon, placements: [pl] })).json.decisions[pl]).toBeNull();
      expectError(await ctx.api.del(`/api/v1/users/${encodeURIComponent(u)}`), 404);
      // The same id may come back later as a new person with nothing of the old one.
      await ctx.api.post("/api/v1/track", { userId: u, event: "Back" });
      const back = await ctx.api.get(`/api/v1/users/${encodeURIComponent(u)}`);
      expect(back.json.traits.email).toBeUndefined();
      expect(back.json.events.map((e: { name: string }) => e.name)).toEqual(["Back"]);
      expect(back.json.runs).toEqual([]);
    });

    it("imports CSV with a bad row: 202 {id}, then status, totals and per-row errors", async () => {
      const t = uid("imp");
      const csv = ["userId,plan,seats", `${t}-1,pro,3`, `${t}-2,free,1`, ",orphan,2", `${t}-3,"team",10`].join("\n") + "\n";
      const a = await ctx.api.call("POST", "/api/v1/import", { raw: csv, headers: { "content-type": "text/csv" } });
      expect(a.status, a.text).toBe(202);
      expect(a.json).toEqual({ id: expect.any(String) });
      const job = await eventually(async () => {
        const g = await ctx.api.get(`/api/v1/import/${a.json.id}`);
        return g.status === 200 && !/pending|running|queued|processing/.test(g.json.status) ? g.json : null;
      }, 30_000, 200);
      expect(job).toMatchObject({ status: expect.any(String), total: 4, done: 3, failed: 1 });
      expect(job.errors).toEqual([expect.objectContaining({ row: expect.any(Number), message: expect.any(String) })]);
      const p = await ctx.api.get(`/api/v1/users/${t}-3`);
      expect(p.status).toBe(200);
      expect(p.json.traits.plan).toBe("team");
      // JSON works as well.
      const j = await ctx.api.post("/api/v1/import", [{ userId: `${t}-j`, traits: { plan: "json" } }, { traits: { no: "id" } }]);
      expect(j.status, j.text).toBe(202);
      const jj = await eventually(async () => {
        const g = await ctx.api.get(`/api/v1/import/${j.json.id}`);
        return g.status === 200 && g.json.done + g.json.failed === g.json.total && g.json.total > 0 ? g.json : null;
      }, 30_000, 200);
      expect(jj).toMatchObject({ total: 2, done: 1, failed: 1 });
      expect((await ctx.api.get(`/api/v1/users/${t}-j`)).json.traits.plan).toBe("json");
      // No userId column at all is refused outright or fails every row.
      const none = await ctx.api.call("POST", "/api/v1/import", { raw: "email\na@b.c\n", headers: { "content-type": "text/csv" } });
      expect([202, 400, 422]).toContain(none.status);
    });

    it("serves an OpenAPI 3.1 document listing every endpoint of the contract", async () => {
      const a = await ctx.api.get("/api/v1/openapi.json", { key: null });
      expect(a.status).toBe(200);
      expect(a.json.openapi).toMatch(/^3\.1/);
      const paths = a.json.paths as Record<string, Record<string, unknown>>;
      const norm = Object.fromEntries(Object.entries(paths).map(([k, v]) => [k.replace(/\{[^}]+\}/g, "{}"), v]));
      const want: [string, string][] = [
        ["/api/v1/track", "post"], ["/api/v1/identify", "post"], ["/api/v1/page", "post"], ["/api/v1/alias", "post"], ["/api/v1/batch", "post"],
        ["/api/v1/flows", "get"], ["/api/v1/flows", "post"], ["/api/v1/flows/{}", "get"], ["/api/v1/flows/{}", "put"], ["/api/v1/flows/{}", "delete"],
        ["/api/v1/flows/{}/publish", "post"], ["/api/v1/flows/{}/pause", "post"], ["/api/v1/flows/{}/stats", "get"], ["/api/v1/simulate", "post"],
        ["/api/v1/decide", "post"], ["/api/v1/outcomes", "post"], ["/api/v1/users/{}", "get"], ["/api/v1/users/{}", "delete"],
        ["/api/v1/import", "post"], ["/api/v1/import/{}", "get"], ["/api/v1/keys", "post"], ["/api/health", "get"], ["/api/metrics", "get"],
      ];
      const missing = want.filter(([p, m]) => !norm[p]?.[m]).map(([p, m]) => `${m.toUpperCase()} ${p}`);
      expect(missing).toEqual([]);
    });

    it("serves Prometheus text at /api/metrics to a secret key only", async () => {
      expect((await ctx.api.get("/api/metrics", { key: null })).status).toBe(401);
      const a = await ctx.api.get("/api/metrics");
      expect(a.status).toBe(200);
      expect(a.contentType).toMatch(/text\/plain/);
      expect(a.text).toMatch(/^# HELP \w+ .+$/m);
      expect(a.text).toMatch(/^# TYPE \w+ (counter|gauge|histogram|summary)$/m);
      for (const line of a.text.split("\n").filter((l) => l && !l.startsWith("#"))) {
        expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? -?(\d|NaN|\+Inf|-Inf)/);
      }
    });
  });
}
