// The data plane answers exactly what Next's route handlers answer (it calls the same route()), over a
// real node:http server: success, 401/400/413 with CORS, the preflight, read-your-writes through
// /decide, /outcomes; a path or method it does not serve is left to the next handler (Next).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataPlane } from "./server";
import * as track from "@/app/api/v1/track/route";
import * as batch from "@/app/api/v1/batch/route";
import * as identify from "@/app/api/v1/identify/route";
import * as decide from "@/app/api/v1/decide/route";
import * as outcomes from "@/app/api/v1/outcomes/route";
import * as health from "@/app/api/health/route";
import { DATA_PLANE_PATHS } from "./paths";
import { basic, bearer } from "@/lib/testing/routes";
import { setupDb, type TestDb } from "@/lib/testing/db";
import { createFlow, publishFlow } from "@/lib/flow-store/store";

type Answer = { status: number; json: Record<string, any>; headers: Record<string, string> }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("data plane server", () => {
  let t: TestDb;
  let server: http.Server;
  let base: string;
  let fallthrough = 0;

  beforeAll(async () => {
    t = await setupDb();
    const plane = createDataPlane(
      { "/api/v1/track": track, "/api/v1/batch": batch, "/api/v1/identify": identify, "/api/v1/decide": decide, "/api/v1/outcomes": outcomes, "/api/health": health },
      { headers: [{ regex: /^\/.*$/, headers: [["x-content-type-options", "nosniff"]] }] },
    );
    server = http.createServer((req, res) => {
      if (plane.handle(req, res)) return;
      fallthrough++;
      res.writeHead(418).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await t?.close();
  });

  async function send(path: string, init: { method?: string; auth?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    const res = await fetch(`${base}${path}`, {
      method: init.method ?? "POST",
      headers: { ...(init.auth ? { authorization: init.auth } : {}), "content-type": "application/json", ...init.headers },
      body: init.body,
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null, headers: Object.fromEntries(res.headers) };
  }

  it("answers /api/health itself (load balancers poll it while Next renders pages), GET only", async () => {
    expect(DATA_PLANE_PATHS).toContain("/api/health");
    const before = fallthrough;
    const r = await send("/api/health", { method: "GET" });
    expect(r).toMatchObject({ status: 200, json: { status: "ok" } });
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(fallthrough).toBe(before);
    await send("/api/health", { method: "DELETE" });
    expect(fallthrough).toBe(before + 1);
  });

  it("stores a track and answers success with CORS and the build's headers", async () => {
    const r = await send("/api/v1/track", { auth: basic(t.write), body: JSON.stringify({ userId: "dp-1", event: "Signed Up" }) });
    expect(r).toMatchObject({ status: 200, json: { success: true } });
    expect(r.headers["access-control-allow-origin"]).toBe("*");
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    const rows = await t.db.sql.query(`SELECT e.name FROM events e JOIN profiles p ON p.id = e.profile_id WHERE p.user_id = 'dp-1'`);
    expect(rows).toEqual([{ name: "Signed Up" }]);
  });

  it("answers the same errors as Next's handlers: 401, 400 with the field, 413, all with CORS", async () => {
    const unknown = await send("/api/v1/track", { auth: bearer("pw_wk_nope"), body: JSON.stringify({ userId: "x", event: "E" }) });
    expect(unknown.status).toBe(401);
    expect(unknown.json.error.code).toBe("unauthorized");
    expect(unknown.headers["access-control-allow-origin"]).toBe("*");
    const invalid = await send("/api/v1/track", { auth: basic(t.write), body: JSON.stringify({ event: "E" }) });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.json.error.details)).toContain("userId");
    const big = await send("/api/v1/track", { auth: basic(t.write), body: JSON.stringify({ userId: "x", event: "E", properties: { pad: "x".repeat(40 * 1024) } }) });
    expect(big.status).toBe(413);
    const huge = await send("/api/v1/batch", { auth: basic(t.write), body: JSON.stringify({ batch: [{ type: "track", userId: "x", event: "E", properties: { pad: "x".repeat(2 * 1024 * 1024) } }] }) });
    expect(huge.status).toBe(413);
    expect(huge.json.error.code).toBe("payload_too_large");
    const malformed = await send("/api/v1/decide", { auth: bearer(t.secret), body: "{" });
    expect(malformed.status).toBe(400);
  });

  it("takes analytics.js's text/plain body with the write key inside", async () => {
    const r = await send("/api/v1/track", { body: JSON.stringify({ writeKey: t.write, anonymousId: "dp-anon", event: "Viewed" }), headers: { "content-type": "text/plain" } });
    expect(r.status).toBe(200);
  });

  it("answers the CORS preflight", async () => {
    const r = await fetch(`${base}/api/v1/track`, { method: "OPTIONS", headers: { origin: "https://shop.example", "access-control-request-method": "POST" } });
    expect(r.status).toBe(204);
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("answers the preflight of any /api/v1 path, not only its own, allowing the asked-for headers", async () => {
    for (const path of ["/api/v1/flows", "/api/v1/users/someone"]) {
      const r = await fetch(`${base}${path}`, { method: "OPTIONS", headers: { origin: "https://shop.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-retry-count" } });
      expect(r.status, path).toBe(204);
      expect(r.headers.get("access-control-allow-origin"), path).toBe("*");
      expect(r.headers.get("access-control-allow-headers"), path).toMatch(/x-retry-count/);
    }
  });

  it("read-your-writes: once a track answers, /decide shows what it reached; /outcomes records", async () => {
    const flow = await createFlow(t.db, {
      name: "DP",
      graph: {
        nodes: [
          { id: "t1", type: "trigger", data: { on: { type: "event", event: "DP Go" } } },
          { id: "m1", type: "message", data: { channel: "in_app", placement: "dp-home", content: "Hello {{ user.name }}" } },
        ],
        edges: [{ id: "e1", source: "t1", target: "m1" }],
      },
    });
    await publishFlow(t.db, (flow as { id: string }).id);
    expect((await send("/api/v1/identify", { auth: basic(t.write), body: JSON.stringify({ userId: "dp-2", traits: { name: "Ada" } }) })).status).toBe(200);
    expect((await send("/api/v1/track", { auth: basic(t.write), body: JSON.stringify({ userId: "dp-2", event: "DP Go" }) })).status).toBe(200);
    const d = await send("/api/v1/decide", { auth: basic(t.write), body: JSON.stringify({ userId: "dp-2", placements: ["dp-home", "none"] }) });
    expect(d.status).toBe(200);
    expect(d.json.decisions["dp-home"].content).toBe("Hello Ada");
    expect(d.json.decisions.none).toBeNull();
    const o = await send("/api/v1/outcomes", { auth: basic(t.write), body: JSON.stringify({ decisionId: d.json.decisions["dp-home"].decisionId, type: "shown" }) });
    expect(o).toMatchObject({ status: 200, json: { success: true, recorded: true } });
  });

  it("leaves other paths and methods it does not serve to the next handler", async () => {
    const before = fallthrough;
    expect((await fetch(`${base}/api/v1/flows`)).status).toBe(418);
    expect((await fetch(`${base}/api/v1/track`)).status).toBe(418); // GET: Next's 405
    expect(fallthrough).toBe(before + 2);
  });

  it("keeps serving after a client disconnects mid-body", async () => {
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => {
      const req = http.request({ host: "127.0.0.1", port, path: "/api/v1/track", method: "POST", headers: { "content-type": "application/json", "content-length": "1000", authorization: basic(t.write) } });
      req.on("error", () => resolve());
      req.write('{"userId":"half');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    const r = await send("/api/v1/track", { auth: basic(t.write), body: JSON.stringify({ userId: "dp-3", event: "After" }) });
    expect(r.status).toBe(200);
  });
});
