// docs/api.md §3: every error is {"error":{"code","message","details"}} JSON; bad input is a 4xx (never a
// 500, never an HTML page), malformed JSON 400, wrong shapes 400 naming the field, unknown ids 404,
// bodies over the limits 413.
import { beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "./suite";
import { detailPaths, expectError, expectSane, uid } from "./http";
import { simpleFlow } from "./flows";

export function errorsSection(ctx: Ctx) {
  describe("§3 errors", () => {
    let flowId = "";
    beforeAll(async () => {
      const f = await ctx.api.post("/api/v1/flows", simpleFlow("errors target", uid("Err"), uid("err"), "x"));
      flowId = f.json.id;
    });

    const jsonEndpoints = () => [
      "/api/v1/track",
      "/api/v1/identify",
      "/api/v1/page",
      "/api/v1/alias",
      "/api/v1/batch",
      "/api/v1/decide",
      "/api/v1/outcomes",
      "/api/v1/flows",
      `/api/v1/flows/${flowId}`,
      "/api/v1/simulate",
      "/api/v1/keys",
    ];

    it("answers malformed JSON with 400 invalid JSON", async () => {
      for (const path of jsonEndpoints()) {
        const method = path.endsWith(flowId) ? "PUT" : "POST";
        for (const raw of ["{", '{"a":}', "{'single':1}", "[1,2", "\uFEFF{}x"]) {
          const a = await ctx.api.call(method, path, { raw, headers: { "content-type": "application/json" } });
          expectSane(a, `${method} ${path} ${raw}`);
          expect.soft(a.status, `${method} ${path} body ${raw} → ${a.text.slice(0, 200)}`).toBe(400);
        }
      }
    });

    it("answers fields of the wrong shape with 400 whose details name the field path", async () => {
      const cases: [string, unknown, string][] = [
        ["/api/v1/track", { userId: "u1", event: 42 }, "event"],
        ["/api/v1/track", { userId: "u1", event: "E", properties: "not an object" }, "properties"],
        ["/api/v1/identify", { userId: "u1", traits: [1, 2] }, "traits"],
        ["/api/v1/track", { userId: "u1", event: "E", timestamp: "yesterday" }, "timestamp"],
        ["/api/v1/decide", { userId: "u1", placements: "home" }, "placements"],
        ["/api/v1/decide", { userId: "u1", placements: ["ok", 5] }, "placements.1"],
        ["/api/v1/outcomes", { decisionId: "d", type: "liked" }, "type"],
        ["/api/v1/keys", { kind: "write", name: 7 }, "name"],
        ["/api/v1/batch", { batch: "nope" }, "batch"],
      ];
      for (const [path, body, field] of cases) {
        const a = await ctx.api.post(path, body);
        expectError(a, 400);
        expect.soft(detailPaths(a).some((p) => p === field || p.startsWith(`${field}.`) || p.endsWith(field)), `${path} ${JSON.stringify(body)} details ${JSON.stringify(a.json.error.details)}`).toBe(true);
      }
    });

    it("answers unknown ids with 404 JSON", async () => {
      const missing = "00000000-0000-4000-8000-000000000000";
      const probes: [string, string][] = [
        ["GET", `/api/v1/flows/${missing}`],
        ["GET", "/api/v1/flows/not-an-id"],
        ["PUT", `/api/v1/flows/${missing}`],
        ["DELETE", `/api/v1/flows/${missing}`],
        ["POST", `/api/v1/flows/${missing}/publish`],
        ["POST", `/api/v1/flows/${missing}/pause`],
        ["GET", `/api/v1/flows/${missing}/stats`],
        ["GET", `/api/v1/users/${uid("nobody")}`],
        ["DELETE", `/api/v1/users/${uid("nobody")}`],
        ["GET", `/api/v1/import/${missing}`],
        ["GET", "/api/v1/import/not-an-id"],
      ];
      for (const [method, path] of probes) {
        const a = await ctx.api.call(method, path, { body: method === "PUT" ? { name: "x" } : undefined });
        expectSane(a, `${method} ${path}`);
        expect.soft(a.status, `${method} ${path} → ${a.text.slice(0, 200)}`).toBe(404);
      }
      const sim = await ctx.api.post("/api/v1/simulate", { flowId: missing, profile: { traits: {} }, events: [] });
      expectSane(sim, "simulate unknown flow");
      expect.soft(sim.status).toBe(404);
    });

    it("answers ids and query values holding NUL, lone surrogates or broken percent-encoding with a 4xx JSON error", async () => {
      const probes: [string, string][] = [];
      for (const bad of ["%00", "a%00b", "%FF", "%ED%A0%80", "%ud800", "%", "%E2%82"]) {
        probes.push(["GET", `/api/v1/users/${bad}`], ["DELETE", `/api/v1/users/${bad}`], ["GET", `/api/v1/flows/${bad}`], ["PUT", `/api/v1/flows/${bad}`], ["POST", `/api/v1/flows/${bad}/publish`], ["GET", `/api/v1/flows/${bad}/stats`], ["GET", `/api/v1/import/${bad}`]);
      }
      probes.push(["GET", "/api/v1/users?q=%00"], ["GET", `/api/v1/flows/${flowId}/stats?from=%00`], ["GET", `/api/v1/flows/${flowId}/stats?to=%ED%A0%80`]);
      for (const [method, path] of probes) {
        const a = await ctx.api.call(method, path, { body: method === "PUT" ? { name: "x" } : undefined });
        expectSane(a, `${method} ${path}`);
        expect.soft([400, 404], `${method} ${path} → ${a.status}`).toContain(a.status);
      }
    });

    it("answers unknown /api paths with 404 JSON for every method", async () => {
      for (const path of ["/api/nope", "/api/v1/nope", "/api/v1/flows/x/nope", "/api/v2/track", "/api/v1/users/a/b/c", "/api/v1/flows/"]) {
        for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
          const a = await ctx.api.call(method, path, { body: method === "GET" || method === "DELETE" ? undefined : {} });
          // A trailing slash may redirect to the canonical path (no body), which then answers.
          const final = a.status === 308 && path.endsWith("/") ? await ctx.api.call(method, new URL(a.headers.get("location")!, ctx.url).pathname, { body: method === "GET" || method === "DELETE" ? undefined : {} }) : a;
          expectSane(final, `${method} ${path}`);
          if (path !== "/api/v1/flows/") expect.soft(final.status, `${method} ${path}`).toBe(404);
        }
      }
    });

    it("answers odd methods on real endpoints with a JSON error, never HTML or an empty 500", async () => {
      const probes: [string, string][] = [
        ["PATCH", "/api/v1/track"],
        ["GET", "/api/v1/track"],
        ["PUT", "/api/v1/decide"],
        ["DELETE", "/api/v1/flows"],
        ["PATCH", `/api/v1/flows/${flowId}`],
        ["GET", `/api/v1/flows/${flowId}/publish`],
        ["PUT", "/api/v1/keys"],
        ["POST", "/api/v1/users/someone"],
        ["POST", "/api/health"],
        ["POST", "/api/metrics"],
        ["DELETE", "/api/v1/openapi.json"],
      ];
      for (const [method, path] of probes) {
        const a = await ctx.api.call(method, path, { body: method === "GET" || method === "DELETE" ? undefined : { x: 1 } });
        expectSane(a, `${method} ${path}`);
        expect.soft([404, 405], `${method} ${path} → ${a.status} ${a.text.slice(0, 120)}`).toContain(a.status);
        expect.soft(a.contentType, `${method} ${path} content type`).toMatch(/application\/json/);
      }
    });

    it("survives odd content types, empty bodies, huge numbers, deep nesting, unicode and NUL", async () => {
      const deep = "[".repeat(20_000) + "]".repeat(20_000);
      const deepObj = '{"a":'.repeat(5_000) + "1" + "}".repeat(5_000);
      const bodies: { raw: string; type?: string }[] = [
        { raw: "" },
        { raw: " " },
        { raw: "null" },
        { raw: "[]" },
        { raw: '"just a string"' },
        { raw: "1e999" },
        { raw: '{"userId":"u","event":"E","properties":{"n":1e400,"m":-1e400,"big":123456789012345678901234567890}}' },
        { raw: '{"userId":1e400,"event":"E"}' },
        { raw: deep },
        { raw: deepObj },
        { raw: '{"userId":"u\\u0000x","event":"E"}' },
        { raw: '{"userId":"u","event":"E\\ud800"}' },
        { raw: '{"userId":"ü-😀-中文","event":"Ünïcødé 😀","properties":{"k😀":"v\\u2028"}}' },
        { raw: "userId=u&event=E", type: "application/x-www-form-urlencoded" },
        { raw: '{"userId":"u","event":"E"}', type: "text/plain" },
        { raw: "<xml/>", type: "application/xml" },
        { raw: '{"userId":"u","event":"E"}', type: "multipart/form-data; boundary=x" },
        { raw: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},"userId":"u","event":"E"}' },
      ];
      const paths = [...jsonEndpoints(), "/api/v1/import"];
      for (const path of paths) {
        const method = path.endsWith(flowId) ? "PUT" : "POST";
        for (const b of bodies) {
          const a = await ctx.api.call(method, path, { raw: b.raw, headers: { "content-type": b.type ?? "application/json" } });
          expectSane(a, `${method} ${path} [${b.type ?? "json"}] ${b.raw.slice(0, 60)}`);
        }
      }
      // A name full of unicode is stored and read back exactly.
      const name = "Ünïcødé 😀 中文 \u2028 flow";
      const f = await ctx.api.post("/api/v1/flows", simpleFlow(name, "U", "u-place", "😀"));
      expect(f.status).toBe(201);
      expect((await ctx.api.get(`/api/v1/flows/${f.json.id}`)).json.name).toBe(name);
    });

    it("answers bodies over the limits with 413 JSON", async () => {
      const big = "x".repeat(1100 * 1024);
      for (const path of ["/api/v1/flows", "/api/v1/decide", "/api/v1/outcomes", "/api/v1/simulate", "/api/v1/keys", `/api/v1/flows/${flowId}`]) {
        const method = path.endsWith(flowId) ? "PUT" : "POST";
        const a = await ctx.api.call(method, path, { raw: JSON.stringify({ name: big, userId: big, placements: [big] }), headers: { "content-type": "application/json" } });
        expectSane(a, `${method} ${path} 1.1 MB`);
        expect.soft(a.status, `${method} ${path} 1.1 MB`).toBe(413);
      }
    });
  });
}
