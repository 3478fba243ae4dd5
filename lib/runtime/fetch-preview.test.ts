// "Try it" and the sandbox's stubbed answers through the real route handlers: a real profile, a real
// HTTP receiver, the outbound guard, and docs/api.md §3 errors for bad input.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import * as preview from "@/app/api/v1/flows/fetch-preview/route";
import * as simulateRoute from "@/app/api/v1/simulate/route";
import { call, errorOf, keyFor } from "@/lib/testing/routes";
import { installTestDb, removeTestDb } from "@/lib/testing/db";
import { seedProfile } from "@/lib/testing/runtime";
import { apiDocument } from "@/lib/http/api-document";

describe("POST /api/v1/flows/fetch-preview", () => {
  let db: Db;
  let key = "";
  let receiver: http.Server;
  let base = "";
  const calls: string[] = [];

  beforeAll(async () => {
    db = await installTestDb();
    key = await keyFor(db, "secret");
    receiver = http.createServer((req, res) => {
      calls.push(req.url ?? "");
      if (req.url?.startsWith("/html")) {
        res.writeHead(200, { "content-type": "text/html" });
        return res.end("<p>hello</p>");
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ path: req.url, auth: req.headers.authorization ?? null }));
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    await seedProfile(db, "try-1", { role: "admin", level: "expert" });
  });
  afterAll(async () => {
    delete process.env.PATHWISE_WEBHOOK_ALLOWLIST;
    await new Promise((r) => receiver.close(r));
    await removeTestDb(db);
  });

  const tryIt = (body: unknown) => call(preview.POST, "/api/v1/flows/fetch-preview", { caller: { key }, body });

  it("renders the request for a real profile and shows the JSON answer with status and time", async () => {
    process.env.PATHWISE_WEBHOOK_ALLOWLIST = "127.0.0.1";
    const res = await tryIt({ userId: "try-1", fetch: { url: `${base}/t?role={{ user.role }}&level={{ user.level }}`, as: "tut", headers: { Authorization: "Bearer {{ user.id }}" } } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      ok: true,
      status: 200,
      request: { url: `${base}/t?role=admin&level=expert`, method: "GET" },
      data: { path: "/t?role=admin&level=expert", auth: "Bearer try-1" },
    });
    expect(typeof body.ms).toBe("number");
  });

  it("says why a run would fail: not JSON (with the start of the text), a refused address, a template that does not render", async () => {
    process.env.PATHWISE_WEBHOOK_ALLOWLIST = "127.0.0.1";
    const html = await (await tryIt({ fetch: { url: `${base}/html`, as: "x" } })).json();
    expect(html).toMatchObject({ ok: false, status: 200, error: expect.stringContaining("not JSON"), text: "<p>hello</p>" });
    delete process.env.PATHWISE_WEBHOOK_ALLOWLIST;
    const n = calls.length;
    const refused = await (await tryIt({ fetch: { url: `${base}/t`, as: "x" } })).json();
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/Refused to send to 127\.0\.0\.1/) });
    expect(calls.length).toBe(n);
    const tpl = await (await tryIt({ fetch: { url: `${base}/t?x={{ user.missing }}`, as: "x" } })).json();
    expect(tpl).toMatchObject({ ok: false, error: expect.stringContaining("url:") });
  });

  it("answers bad input with docs/api.md §3 errors: 400 naming the field, 404 for an unknown user", async () => {
    const bad = await tryIt({ fetch: { url: "https://x.test", as: "no spaces allowed", method: "PUT" } });
    expect(bad.status).toBe(400);
    const err = await errorOf(bad);
    expect(JSON.stringify(err.details)).toContain("fetch.as");
    const missing = await tryIt({ userId: "nobody-here", fetch: { url: "https://x.test", as: "x" } });
    expect(missing.status).toBe(404);
  });

  it("simulate takes the marketer's stubbed answer for a fetch node", async () => {
    const graph = {
      nodes: [
        { id: "t1", type: "trigger", data: { on: { type: "event", event: "Go" } } },
        { id: "f1", type: "fetch", data: { url: "https://tutorials.example/api?role={{ user.role }}", as: "tut" } },
        { id: "m1", type: "message", data: { channel: "in_app", placement: "p", content: "{{ data.tut.title }}" } },
      ],
      edges: [
        { id: "e1", source: "t1", target: "f1" },
        { id: "e2", source: "f1", target: "m1" },
      ],
    };
    const n = calls.length;
    const res = await call(simulateRoute.POST, "/api/v1/simulate", {
      caller: { key },
      body: { graph, profile: { traits: { role: "pm" } }, events: [{ at: "PT0S", type: "track", event: "Go" }], fetch: { f1: { body: '{"title":"Roadmaps 101"}' } } },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.messages.map((m: { content: string }) => m.content)).toEqual(["Roadmaps 101"]);
    expect(body.trace.map((t: { nodeId: string; result: string }) => `${t.nodeId}:${t.result}`)).toEqual(["t1:next", "f1:fetching", "f1:next", "m1:sent"]);
    expect(calls.length).toBe(n);
  });

  it("is in the OpenAPI document with its request and answer schemas", () => {
    const doc = apiDocument() as unknown as { paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };
    const op = doc.paths["/api/v1/flows/fetch-preview"]?.post;
    expect(op).toBeDefined();
    expect(JSON.stringify(op.requestBody)).toContain("FetchPreviewRequest");
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "400", "404"]));
    expect(doc.components.schemas).toHaveProperty("FetchData");
    expect(JSON.stringify(doc.paths["/api/v1/simulate"].post.requestBody)).toBeDefined();
  });
});
