// Flow test cases through the real route handlers and real Requests, on PGlite and on PostgreSQL:
// save, read, run, publish refused while a case fails, "expected to change" recorded, copies per version.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORES, useTestDb } from "@/lib/testing/db";
import { bearer, callJson, type JsonCallOptions, type RouteHandler } from "@/lib/testing/routes";
import type { Db } from "@/lib/db/client";
import * as flows from "@/app/api/v1/flows/route";
import * as flowRoute from "@/app/api/v1/flows/[id]/route";
import * as publish from "@/app/api/v1/flows/[id]/publish/route";
import * as tests from "@/app/api/v1/flows/[id]/tests/route";
import * as run from "@/app/api/v1/flows/[id]/tests/run/route";
import * as fromUser from "@/app/api/v1/flows/[id]/tests/from-user/route";
import * as track from "@/app/api/v1/track/route";
import * as identify from "@/app/api/v1/identify/route";
import * as openapi from "@/app/api/v1/openapi.json/route";

const SECRET = "pw_sk_test_cases";

/** A route handler called as an API client with the secret key; `body` is the parsed answer. */
async function call(handler: RouteHandler, opts: JsonCallOptions = {}) {
  const r = await callJson(handler, { path: "/api/v1/x", auth: bearer(SECRET), ...opts, headers: { "content-type": "application/json", ...opts.headers } });
  return { status: r.status, body: r.json ?? null };
}

//   t "Signed up" (Signed Up) ─▶ c "Is admin?" {role eq admin} ──yes──▶ a "Admin tour"
//                                                              └──no──▶ m "Member tour"
const graph = {
  nodes: [
    { id: "t", type: "trigger", label: "Signed up", data: { on: { type: "event", event: "Signed Up" } } },
    { id: "c", type: "condition", label: "Is admin?", data: { if: { trait: "role", op: "eq", value: "admin" } } },
    { id: "a", type: "message", label: "Admin tour", data: { channel: "in_app", placement: "home", content: "Welcome, admin {{ user.name }}" } },
    { id: "m", type: "message", label: "Member tour", data: { channel: "in_app", placement: "home", content: "Find your projects" } },
  ],
  edges: [
    { id: "e1", source: "t", target: "c" },
    { id: "e2", source: "c", target: "a", sourceHandle: "yes" },
    { id: "e3", source: "c", target: "m", sourceHandle: "no" },
  ],
};
const adminCase = {
  name: "Admin sees the admin tour",
  profile: { traits: { role: "admin", name: "Ada" } },
  events: [{ at: "PT1M", type: "track", event: "Signed Up" }],
  expect: { enters: true, steps: ["Signed up", "Is admin?", "Admin tour"], messages: [{ step: "Admin tour", contains: "Welcome, admin Ada" }] },
};
const memberCase = {
  name: "Member sees the member tour",
  profile: { traits: { role: "member" } },
  events: [{ at: "PT1M", type: "track", event: "Signed Up" }],
  expect: { steps: ["Is admin?", "Member tour"] },
};

describe.each(STORES)("flow test cases on $name", ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    process.env.PATHWISE_API_KEY = SECRET;
    db = await open();
    useTestDb(db);
  });
  afterAll(() => db.close());

  async function newFlow() {
    const res = await call(flows.POST, { method: "POST", body: { name: "Onboarding", graph } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it("saves cases with the draft, runs them, refuses publish while one fails, and records “expected to change”", async () => {
    const id = await newFlow();
    const params = { id };
    expect((await call(tests.GET, { params })).body).toMatchObject({ flowId: id, cases: [] });

    const put = await call(tests.PUT, { method: "PUT", params, body: { cases: [adminCase, memberCase] } });
    expect(put.status).toBe(200);
    expect(put.body.cases.map((c: { name: string }) => c.name)).toEqual([adminCase.name, memberCase.name]);
    expect((await call(tests.GET, { params })).body.cases).toHaveLength(2);

    const ok = await call(run.POST, { method: "POST", params });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ passed: 2, failed: 0 });
    expect(ok.body.results[0]).toMatchObject({ name: adminCase.name, passed: true, path: ["Signed up", "Is admin?", "Admin tour"], failures: [] });
    expect(ok.body.results[0].messages[0]).toMatchObject({ step: "Admin tour", text: "Welcome, admin Ada" });

    const v1 = await call(publish.POST, { method: "POST", params });
    expect(v1.status).toBe(200);
    expect(v1.body.version).toBe(1);

    // The edit that breaks the admin case: the condition now asks for "owner".
    const broken = { ...graph, nodes: graph.nodes.map((n) => (n.id === "c" ? { ...n, data: { if: { trait: "role", op: "eq", value: "owner" } } } : n)) };
    expect((await call(flowRoute.PUT, { method: "PUT", params, body: { graph: broken } })).status).toBe(200);
    const failing = await call(run.POST, { method: "POST", params, raw: "" });
    expect(failing.body).toMatchObject({ passed: 1, failed: 1 });
    expect(failing.body.results[0]).toMatchObject({ name: adminCase.name, passed: false, path: ["Signed up", "Is admin?", "Member tour"], unreached: ["a"] });
    expect(failing.body.results[0].failures[0]).toContain("“Admin tour”");

    const refused = await call(publish.POST, { method: "POST", params });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("tests_failing");
    expect(refused.body.error.message).toContain(adminCase.name);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ case: adminCase.name, failures: expect.any(Array) })]);
    expect((await call(flowRoute.GET, { params })).body.version).toBe(1);
    // Refused inside publish's transaction: no version row, no copy of the cases is left behind.
    expect((await db.sql.query(`SELECT version FROM flow_versions WHERE flow_id = $1`, [id])).map((r) => (r as { version: number }).version)).toEqual([1]);
    expect((await db.sql.query(`SELECT version FROM flow_test_suites WHERE flow_id = $1 ORDER BY version`, [id])).map((r) => (r as { version: number }).version)).toEqual([0, 1]);

    // A reason is required; a listed case lets publish through and is audited with who and why.
    const noReason = await call(publish.POST, { method: "POST", params, body: { expectedToChange: [{ name: adminCase.name, reason: " " }] } });
    expect(noReason.status).toBe(400);
    const other = await call(publish.POST, { method: "POST", params, body: { expectedToChange: [{ name: memberCase.name, reason: "not this one" }] } });
    expect(other.status).toBe(422);
    const v2 = await call(publish.POST, { method: "POST", params, body: { expectedToChange: [{ name: adminCase.name, reason: "Admins are now called owners" }] } });
    expect(v2.status).toBe(200);
    expect(v2.body.version).toBe(2);
    const audit = await db.sql.query<{ actor: string; details: { case: string; reason: string } }>(
      `SELECT actor, details FROM audit_log WHERE action = 'flow.test.expected_to_change' AND target = $1`,
      [id],
    );
    expect(audit.map((a) => [a.details.case, a.details.reason])).toEqual([[adminCase.name, "Admins are now called owners"]]);
    expect(audit[0].actor).toMatch(/^key:/);

    // Each published version keeps the cases it was published with, and runs against its own graph.
    const v1Cases = await call(tests.GET, { params, path: `/api/v1/flows/${id}/tests?version=1` });
    expect(v1Cases.body.cases).toHaveLength(2);
    const onV1 = await call(run.POST, { method: "POST", params, body: { version: 1 } });
    expect(onV1.body).toMatchObject({ passed: 2, failed: 0 });
    await call(tests.PUT, { method: "PUT", params, body: { cases: [memberCase] } });
    expect((await call(tests.GET, { params, path: `/api/v1/flows/${id}/tests?version=2` })).body.cases).toHaveLength(2);
    expect((await call(tests.GET, { params })).body.cases).toHaveLength(1);

    // Deleting the flow deletes its cases.
    expect((await call(flowRoute.DELETE, { method: "DELETE", params })).status).toBe(204);
    expect((await db.sql.query(`SELECT 1 FROM flow_test_suites WHERE flow_id = $1`, [id])).length).toBe(0);
  });

  it("names a removed step, sorts events given out of order, and refuses oversized or malformed cases", async () => {
    const id = await newFlow();
    const params = { id };
    const outOfOrder = { ...memberCase, name: "late", events: [{ at: "PT2H", type: "track", event: "Other" }, { at: "PT1M", type: "track", event: "Signed Up" }] };
    const put = await call(tests.PUT, { method: "PUT", params, body: { cases: [outOfOrder, { ...adminCase, expect: { steps: ["Admin tour", "Billing setup"] } }] } });
    expect(put.status).toBe(200);
    expect(put.body.notes).toEqual(["Case “late”: the events were out of order; they were sorted by time"]);
    expect(put.body.cases[0].events.map((e: { at: string }) => e.at)).toEqual(["PT1M", "PT2H"]);

    const res = await call(run.POST, { method: "POST", params });
    expect(res.body.results[1].failures).toEqual(["step “Billing setup” was removed (no step has that label or id)"]);
    const unsorted = await call(run.POST, { method: "POST", params, body: { cases: [outOfOrder] } });
    expect(unsorted.body.results[0].notes).toContain("The events were out of order; they were run in time order");
    expect(unsorted.body.results[0].passed).toBe(true);

    const events = Array.from({ length: 1001 }, (_, i) => ({ at: `PT${i}S`, type: "track", event: "Tick" }));
    const big = await call(tests.PUT, { method: "PUT", params, body: { cases: [{ name: "big", events }] } });
    expect(big.status).toBe(400);
    expect(big.body.error.details.some((d: { message: string }) => d.message.includes("1000"))).toBe(true);
    expect((await call(run.POST, { method: "POST", params, body: { cases: [{ name: "big", events }] } })).status).toBe(400);
    expect((await call(tests.PUT, { method: "PUT", params, body: { cases: [{ name: "x", events: [{ at: "soon", type: "track", event: "A" }] }] } })).status).toBe(400);
    expect((await call(tests.PUT, { method: "PUT", params, body: { cases: [adminCase, adminCase] } })).status).toBe(400);
    expect((await call(run.POST, { method: "POST", params, raw: "{" })).status).toBe(400);
    expect((await call(tests.GET, { params: { id: "00000000-0000-0000-0000-000000000000" } })).status).toBe(404);
    expect((await call(run.POST, { method: "POST", params: { id: "nope" } })).status).toBe(404);
    expect((await call(run.POST, { method: "POST", params, body: { version: 7 } })).status).toBe(404);
  });

  it("builds a case from a real user's history, whose expectations are what the draft does with them", async () => {
    const id = await newFlow();
    expect((await call(identify.POST, { method: "POST", body: { userId: "real-ada", traits: { role: "admin", name: "Ada" } } })).status).toBe(200);
    expect((await call(track.POST, { method: "POST", body: { userId: "real-ada", event: "Signed Up" } })).status).toBe(200);
    const res = await call(fromUser.POST, { method: "POST", params: { id }, body: { userId: "real-ada" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "Like real-ada", profile: { traits: { role: "admin", name: "Ada" } } });
    expect(res.body.events.some((e: { event?: string }) => e.event === "Signed Up")).toBe(true);
    expect(res.body.expect).toMatchObject({ enters: true, steps: ["Signed up", "Is admin?", "Admin tour"] });
    const ran = await call(run.POST, { method: "POST", params: { id }, body: { cases: [res.body] } });
    expect(ran.body.results[0].passed).toBe(true);
    expect((await call(fromUser.POST, { method: "POST", params: { id }, body: { userId: "nobody" } })).status).toBe(404);
  });

  it("documents the endpoints in the OpenAPI document", async () => {
    const doc = (await call(async () => openapi.GET())).body;
    expect(Object.keys(doc.paths["/api/v1/flows/{id}/tests"])).toEqual(expect.arrayContaining(["get", "put"]));
    expect(doc.paths["/api/v1/flows/{id}/tests/run"].post).toBeDefined();
    expect(doc.components.schemas.TestCase).toBeDefined();
  });
});
