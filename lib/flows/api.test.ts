// The flow, key and auth endpoints through their real route handlers and real Requests on an
// in-memory PGlite: docs/api.md §2 (auth), §3 (errors) and §5 (flow endpoints except stats/simulate).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgliteTestDb, useTestDb } from "@/lib/testing/db";
import { bearer, callJson, type JsonCallOptions, type RouteHandler } from "@/lib/testing/routes";
import type { Db } from "@/lib/db/client";
import * as flows from "@/app/api/v1/flows/route";
import * as flow from "@/app/api/v1/flows/[id]/route";
import * as publish from "@/app/api/v1/flows/[id]/publish/route";
import * as pause from "@/app/api/v1/flows/[id]/pause/route";
import * as resume from "@/app/api/v1/flows/[id]/resume/route";
import * as versions from "@/app/api/v1/flows/[id]/versions/route";
import * as version from "@/app/api/v1/flows/[id]/versions/[version]/route";
import * as restore from "@/app/api/v1/flows/[id]/versions/[version]/restore/route";
import * as keys from "@/app/api/v1/keys/route";
import * as key from "@/app/api/v1/keys/[id]/route";
import * as login from "@/app/api/auth/login/route";
import * as openapi from "@/app/api/v1/openapi.json/route";
import { createAccount } from "@/lib/auth/accounts";

const SECRET = "pw_sk_test_bootstrap";
let db: Db;

/** A route handler called with the secret key (`auth: null`: no credentials); `body` is the parsed answer. */
async function call(handler: RouteHandler, opts: Omit<JsonCallOptions, "auth"> & { auth?: string | null; cookie?: string } = {}) {
  const { auth, cookie, ...rest } = opts;
  const headers = { "content-type": "application/json", ...(cookie ? { cookie } : {}), ...opts.headers };
  const r = await callJson(handler, { path: "/api/v1/x", ...rest, auth: auth === null ? undefined : (auth ?? bearer(SECRET)), headers });
  return { status: r.status, body: r.json ?? null, headers: r.headers };
}

const validGraph = {
  nodes: [
    { id: "t1", type: "trigger", data: { on: { type: "event", event: "Product Viewed", where: [{ property: "product", op: "eq", value: "A" }] } } },
    { id: "m1", type: "message", data: { channel: "in_app", placement: "home_banner", content: "10% off A, {{ user.name | default: 'friend' }}" } },
  ],
  edges: [{ id: "e1", source: "t1", target: "m1" }],
};

function expectError(res: { status: number; body: { error?: { code: string; message: string; details: unknown[] } } }, status: number) {
  expect(res.status).toBe(status);
  expect(res.body.error).toBeDefined();
  expect(typeof res.body.error!.code).toBe("string");
  expect(res.body.error!.message.length).toBeGreaterThan(0);
  expect(Array.isArray(res.body.error!.details)).toBe(true);
}

beforeAll(async () => {
  process.env.PATHWISE_API_KEY = SECRET;
  db = await pgliteTestDb();
  useTestDb(db);
});
afterAll(() => db.close());

describe("flows", () => {
  it("create, read, update, publish, pause, resume, versions, restore, delete", async () => {
    const created = await call(flows.POST, { method: "POST", body: { name: "Product A discount", graph: validGraph } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Product A discount", status: "draft", version: 0, problems: [] });
    const id = created.body.id as string;

    const list = await call(flows.GET);
    expect(list.body.flows).toContainEqual(expect.objectContaining({ id, name: "Product A discount", status: "draft", version: 0 }));

    const p1 = await call(publish.POST, { method: "POST", params: { id } });
    expect(p1.body).toEqual({ id, status: "active", version: 1 });

    const updated = await call(flow.PUT, { method: "PUT", params: { id }, body: { settings: { rollout: 50 } } });
    expect(updated.status).toBe(200);
    expect(updated.body.settings.rollout).toBe(50);
    expect(updated.body.graph.nodes).toHaveLength(2);
    expect(updated.body.hasUnpublishedChanges).toBe(true);
    expect(updated.body.status).toBe("active");

    const p2 = await call(publish.POST, { method: "POST", params: { id } });
    expect(p2.body.version).toBe(2);

    const paused = await call(pause.POST, { method: "POST", params: { id } });
    expect(paused.body.status).toBe("paused");
    expect((await call(flow.GET, { params: { id } })).body.status).toBe("paused");
    expect((await call(resume.POST, { method: "POST", params: { id } })).body.status).toBe("active");

    const vs = await call(versions.GET, { params: { id } });
    expect(vs.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const v1 = await call(version.GET, { params: { id, version: "1" } });
    expect(v1.body.settings.rollout).toBe(100);
    const restored = await call(restore.POST, { method: "POST", params: { id, version: "1" } });
    expect(restored.body.settings.rollout).toBe(100);
    expect(restored.body.version).toBe(2);

    expect((await call(flow.DELETE, { method: "DELETE", params: { id } })).status).toBe(204);
    expectError(await call(flow.GET, { params: { id } }), 404);
  });

  it("stores a draft with graph problems and refuses to publish it, listing each problem", async () => {
    const res = await call(flows.POST, {
      method: "POST",
      body: { name: "Broken", graph: { nodes: [{ id: "m", type: "message", data: { channel: "in_app", placement: "p", content: "x" } }], edges: [{ id: "e9", source: "m", target: "ghost" }] } },
    });
    expect(res.status).toBe(201);
    expect(res.body.problems.map((p: { code: string }) => p.code).sort()).toEqual(["edge_target_missing", "no_trigger"]);
    const pub = await call(publish.POST, { method: "POST", params: { id: res.body.id } });
    expectError(pub, 422);
    expect(pub.body.error.details).toContainEqual(expect.objectContaining({ code: "edge_target_missing", edgeId: "e9" }));
    expect((await call(flow.GET, { params: { id: res.body.id } })).body.version).toBe(0);
  });

  it("refuses shape errors with 422 and stores nothing", async () => {
    const before = (await call(flows.GET)).body.flows.length;
    const res = await call(flows.POST, { method: "POST", body: { name: "Bad", graph: { nodes: [{ id: "n", type: "teleport", data: {} }], edges: [] } } });
    expectError(res, 422);
    expect(res.body.error.details[0]).toMatchObject({ nodeId: "n" });
    expect((await call(flows.GET)).body.flows.length).toBe(before);
  });

  it("an update with a wrong shape keeps the stored draft", async () => {
    const created = await call(flows.POST, { method: "POST", body: { name: "Keep me", graph: validGraph } });
    const res = await call(flow.PUT, { method: "PUT", params: { id: created.body.id }, body: { graph: { nodes: [{ id: "w", type: "wait", data: { for: "soon" } }], edges: [] } } });
    expectError(res, 422);
    expect((await call(flow.GET, { params: { id: created.body.id } })).body.graph.nodes).toHaveLength(2);
  });

  it("answers malformed JSON, wrong fields and oversized bodies with docs/api.md §3 errors", async () => {
    expectError(await call(flows.POST, { method: "POST", raw: "{nope" }), 400);
    const noName = await call(flows.POST, { method: "POST", body: { graph: validGraph } });
    expectError(noName, 400);
    expect(noName.body.error.details[0].path).toBe("name");
    expectError(await call(flows.POST, { method: "POST", raw: JSON.stringify({ name: "x".repeat(10), pad: "y".repeat(1_100_000) }) }), 413);
    expectError(await call(flow.GET, { params: { id: "does-not-exist" } }), 404);
    expectError(await call(publish.POST, { method: "POST", params: { id: "does-not-exist" } }), 404);
  });
});

describe("auth", () => {
  it("401 without or with an unknown key; 403 for a write key on a secret endpoint", async () => {
    expectError(await call(flows.GET, { auth: null }), 401);
    expectError(await call(flows.GET, { auth: "Bearer pw_sk_unknown" }), 401);
    const created = await call(keys.POST, { method: "POST", body: { kind: "write", name: "web" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: "write", name: "web" });
    expect(created.body.key).toMatch(/^pw_wk_/);
    expectError(await call(flows.GET, { auth: `Bearer ${created.body.key}` }), 403);
    // Segment's Basic form of the same key is recognised too.
    const basic = `Basic ${Buffer.from(`${created.body.key}:`).toString("base64")}`;
    expectError(await call(flows.GET, { auth: basic }), 403);
    expectError(await call(keys.POST, { method: "POST", auth: `Bearer ${created.body.key}`, body: { kind: "secret", name: "x" } }), 403);
  });

  it("keys are stored hashed, listed without the secret, and revocable", async () => {
    const created = await call(keys.POST, { method: "POST", body: { kind: "secret", name: "server" } });
    const secret = created.body.key as string;
    expect((await call(flows.GET, { auth: `Bearer ${secret}` })).status).toBe(200);
    const listed = await call(keys.GET);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const rows = await db.sql.query<{ hash: string }>(`SELECT hash FROM api_keys WHERE id = $1`, [created.body.id]);
    expect(rows[0].hash).not.toContain(secret);
    expect((await call(key.DELETE, { method: "DELETE", params: { id: created.body.id } })).status).toBe(204);
    expectError(await call(flows.GET, { auth: `Bearer ${secret}` }), 401);
    expectError(await call(keys.POST, { method: "POST", body: { kind: "root", name: "x" } }), 400);
  });

  it("console sessions: sign in, roles enforced, cross-origin mutations refused", async () => {
    await createAccount(db, { email: "viewer@example.com", password: "viewer-password", role: "viewer" });
    await createAccount(db, { email: "editor@example.com", password: "editor-password", role: "editor" });
    const signIn = async (email: string, password: string) => {
      const res = await login.POST(new Request("http://localhost/api/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) }));
      expect(res.status).toBe(200);
      const setCookie = res.headers.get("set-cookie")!;
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Lax/);
      return setCookie.split(";")[0];
    };
    const bad = await login.POST(new Request("http://localhost/api/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "viewer@example.com", password: "wrong-password" }) }));
    expect(bad.status).toBe(401);

    const viewer = await signIn("viewer@example.com", "viewer-password");
    expect((await call(flows.GET, { auth: null, cookie: viewer })).status).toBe(200);
    expectError(await call(flows.POST, { method: "POST", auth: null, cookie: viewer, body: { name: "v" }, headers: { "sec-fetch-site": "same-origin" } }), 403);

    const editor = await signIn("editor@example.com", "editor-password");
    const made = await call(flows.POST, { method: "POST", auth: null, cookie: editor, body: { name: "by editor" }, headers: { "sec-fetch-site": "same-origin" } });
    expect(made.status).toBe(201);
    expectError(await call(flows.POST, { method: "POST", auth: null, cookie: editor, body: { name: "csrf" }, headers: { "sec-fetch-site": "cross-site" } }), 403);
    expectError(await call(flows.POST, { method: "POST", auth: null, cookie: editor, body: { name: "csrf" }, headers: { origin: "https://evil.example" } }), 403);
    expectError(await call(keys.GET, { auth: null, cookie: editor }), 403);
  });
});

describe("openapi", () => {
  it("documents the flow endpoints with schemas generated from zod", async () => {
    const res = await openapi.GET();
    const doc = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/api/v1/flows/{id}/publish"].post).toBeDefined();
    expect(doc.components.schemas.Condition.anyOf.length).toBe(6);
    expect(JSON.stringify(doc)).not.toContain("#/$defs/");
  });
});
