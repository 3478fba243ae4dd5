// The Segment message types beyond track/identify/page/alias (screen, group), analytics.js's short
// paths, gzip bodies and CORS on every /api/v1 answer, through the route handlers with real Requests,
// on PGlite and on PostgreSQL (describe.each over both stores).
import zlib from "node:zlib";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as track from "@/app/api/v1/track/route";
import * as identify from "@/app/api/v1/identify/route";
import * as screen from "@/app/api/v1/screen/route";
import * as group from "@/app/api/v1/group/route";
import * as batch from "@/app/api/v1/batch/route";
import * as shortT from "@/app/api/v1/t/route";
import * as shortI from "@/app/api/v1/i/route";
import * as shortP from "@/app/api/v1/p/route";
import * as shortS from "@/app/api/v1/s/route";
import * as shortG from "@/app/api/v1/g/route";
import * as shortA from "@/app/api/v1/a/route";
import * as shortB from "@/app/api/v1/b/route";
import * as user from "@/app/api/v1/users/[userId]/route";
import * as flows from "@/app/api/v1/flows/route";
import * as decide from "@/app/api/v1/decide/route";
import * as notFound from "@/app/api/[...path]/route";
import { publish, runWorkerUntil } from "@/lib/testing/runtime";
import { clearFlowCache } from "@/lib/runtime/flow-cache";
import { basic, bearer, callJson } from "@/lib/testing/routes";
import { setupDb, STORES, type TestDb } from "@/lib/testing/db";

const uid = (p = "u") => `${p}-${randomUUID().slice(0, 8)}`;

function node(id: string, type: string, data: Record<string, unknown>) {
  return { id, type, position: { x: 0, y: 0 }, data };
}
const edge = (source: string, target: string, sourceHandle?: string) => ({ id: `${source}-${target}-${sourceHandle ?? "next"}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) });

describe.each(STORES)("Segment messages on $name", ({ kind }) => {
  let t: TestDb;
  let auth: string;
  beforeAll(async () => {
    t = await setupDb(kind);
    auth = basic(t.write);
  });
  afterAll(async () => t?.close());

  const getUser = async (id: string) => callJson(user.GET, { auth: bearer(t.secret), params: { userId: id } });

  it("stores a screen as Screen Viewed with its name and category", async () => {
    const u = uid();
    const r = await callJson(screen.POST, { auth, body: { userId: u, name: "Checkout", category: "Shop", properties: { step: 2 } } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ success: true });
    const p = await getUser(u);
    expect(p.json.events[0]).toMatchObject({ type: "screen", name: "Screen Viewed", properties: { name: "Checkout", category: "Shop", step: 2 } });
  });

  it("keeps a group's traits once per group, merged across calls, and shows them on every member", async () => {
    const [a, b, g] = [uid(), uid(), uid("acme")];
    expect((await callJson(group.POST, { auth, body: { userId: a, groupId: g, traits: { name: "Acme", plan: "team", seats: 5 } } })).status).toBe(200);
    expect((await callJson(group.POST, { auth, body: { userId: b, groupId: g, traits: { plan: "enterprise", seats: null } } })).status).toBe(200);
    const rows = await t.db.sql.query<{ traits: Record<string, unknown> }>(`SELECT traits FROM groups WHERE id = $1`, [g]);
    expect(rows).toEqual([{ traits: { name: "Acme", plan: "enterprise" } }]);
    for (const id of [a, b]) {
      const p = await getUser(id);
      expect(p.json.groups).toEqual([{ groupId: g, traits: { name: "Acme", plan: "enterprise" }, joinedAt: expect.any(String) }]);
      // The person's own traits are not touched by the group's.
      expect(p.json.traits).toEqual({});
      expect(p.json.events[0]).toMatchObject({ type: "group", name: "Group", properties: { groupId: g } });
    }
  });

  it("a group call in a batch with a track stores both (no longer a 400 that loses the batch)", async () => {
    const u = uid();
    const r = await callJson(batch.POST, {
      auth,
      body: {
        batch: [
          { type: "track", userId: u, event: "Clicked" },
          { type: "group", userId: u, groupId: "g-batch", traits: { plan: "free" } },
          { type: "screen", userId: u, name: "Home" },
        ],
      },
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ success: true, accepted: 3 });
    expect((await getUser(u)).json.events.map((e: { name: string }) => e.name).sort()).toEqual(["Clicked", "Group", "Screen Viewed"]);
  });

  it("still refuses a whole batch when one message has an unknown type, naming its index", async () => {
    const u = uid();
    const r = await callJson(batch.POST, { auth, body: { batch: [{ type: "track", userId: u, event: "Fine" }, { type: "bogus", userId: u }] } });
    expect(r.status).toBe(400);
    expect(r.json.error.details.map((d: { path: string }) => d.path)).toContain("batch.1.type");
    expect((await getUser(u)).status).toBe(404);
    const noGroupId = await callJson(batch.POST, { auth, body: { batch: [{ type: "track", userId: u, event: "Fine" }, { type: "group", userId: u }] } });
    expect(noGroupId.status).toBe(400);
    expect(noGroupId.json.error.details.map((d: { path: string }) => d.path)).toContain("batch.1.groupId");
  });

  it("moves an anonymous visitor's group to the person when they identify", async () => {
    const [anon, u] = [uid("anon"), uid()];
    await callJson(group.POST, { auth, body: { anonymousId: anon, groupId: "g-merge", traits: { plan: "pro" } } });
    await callJson(track.POST, { auth, body: { userId: u, event: "Existing" } });
    await callJson(identify.POST, { auth, body: { userId: u, anonymousId: anon } });
    const p = await getUser(u);
    expect(p.json.groups.map((x: { groupId: string }) => x.groupId)).toEqual(["g-merge"]);
    const left = await t.db.sql.query(`SELECT 1 FROM group_members m WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.id = m.profile_id)`);
    expect(left).toHaveLength(0);
  });

  it("answers analytics.js's short paths exactly as the named endpoints", async () => {
    const u = uid();
    const writeKey = t.write;
    // analytics.js: text/plain, the write key in the body, no Authorization header.
    const send = (h: typeof shortT.POST, body: Record<string, unknown>) => callJson(h, { raw: JSON.stringify({ ...body, writeKey }), headers: { "content-type": "text/plain" } });
    expect((await send(shortI.POST, { userId: u, anonymousId: `${u}-anon`, traits: { name: "Ann" } })).json).toEqual({ success: true });
    expect((await send(shortT.POST, { userId: u, event: "Short Track" })).status).toBe(200);
    expect((await send(shortP.POST, { userId: u, name: "Docs", properties: { path: "/docs" } })).status).toBe(200);
    expect((await send(shortS.POST, { userId: u, name: "Settings" })).status).toBe(200);
    expect((await send(shortG.POST, { userId: u, groupId: "g-short", traits: { plan: "team" } })).status).toBe(200);
    expect((await send(shortA.POST, { userId: u, previousId: `${u}-old` })).status).toBe(200);
    const b = await send(shortB.POST, { batch: [{ type: "track", userId: u, event: "In Batch" }] });
    expect(b.json).toEqual({ success: true, accepted: 1 });
    const p = await getUser(u);
    expect(p.json.events.map((e: { name: string }) => e.name).sort()).toEqual(["Alias", "Group", "Identify", "In Batch", "Page Viewed", "Screen Viewed", "Short Track"]);
    expect(p.json.anonymousIds).toContain(`${u}-old`);
    expect((await send(shortT.POST, { userId: u })).status).toBe(400);
  });

  it("reads gzip bodies; compressed garbage is a 400 and an inflated size over the limit a 413", async () => {
    const u = uid();
    const gz = (body: unknown) => zlib.gzipSync(JSON.stringify(body));
    const post = (h: typeof track.POST, data: Buffer) =>
      h(new Request("http://localhost/api/v1/track", { method: "POST", headers: { authorization: auth, "content-type": "application/json", "content-encoding": "gzip" }, body: new Uint8Array(data) }));
    const ok = await post(track.POST, gz({ userId: u, event: "Zipped" }));
    expect(ok.status).toBe(200);
    expect((await getUser(u)).json.events[0].name).toBe("Zipped");
    const garbage = await post(track.POST, Buffer.from("definitely not gzip"));
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get("access-control-allow-origin")).toBe("*");
    // 40 KB of one letter compresses to well under 1 KB; inflated it is over the 32 KB message limit.
    const big = gz({ userId: u, event: "Big", properties: { s: "x".repeat(40 * 1024) } });
    expect(big.length).toBeLessThan(1024);
    expect((await post(track.POST, big)).status).toBe(413);
    // A batch bomb: 200 MB of zeros inflated no further than the 500 KB limit.
    const bomb = zlib.gzipSync(Buffer.alloc(200 * 1024 * 1024));
    const b = await post(batch.POST, bomb);
    expect(b.status).toBe(413);
    expect((await b.json()).error.code).toBe("payload_too_large");
  });

  it("puts CORS headers on every /api/v1 answer and allows the headers a preflight asks for", async () => {
    const origin = { origin: "https://shop.example" };
    const pre = track.OPTIONS(new Request("http://localhost/api/v1/track", { method: "OPTIONS", headers: { ...origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type, x-retry-count, x-custom-thing" } }));
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    const allowed = pre.headers.get("access-control-allow-headers")!.split(/\s*,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(["content-type", "x-retry-count", "x-custom-thing", "authorization"]));
    // A secret-key endpoint, its errors, and a path that names no endpoint.
    const list = await callJson(flows.GET, { auth: bearer(t.secret), path: "/api/v1/flows", headers: origin });
    expect(list.status).toBe(200);
    expect(list.headers.get("access-control-allow-origin")).toBe("*");
    const denied = await callJson(flows.GET, { auth: bearer(t.write), path: "/api/v1/flows", headers: origin });
    expect(denied.status).toBe(403);
    expect(denied.headers.get("access-control-allow-origin")).toBe("*");
    const missing = await notFound.POST(new Request("http://localhost/api/v1/nothing-here", { method: "POST", headers: origin }));
    expect(missing.status).toBe(404);
    expect(missing.headers.get("access-control-allow-origin")).toBe("*");
    expect((await missing.json()).error.code).toBe("not_found");
    const missingPre = notFound.OPTIONS(new Request("http://localhost/api/v1/nothing-here", { method: "OPTIONS", headers: { ...origin, "access-control-request-headers": "x-retry-count" } }));
    expect(missingPre.headers.get("access-control-allow-headers")).toContain("x-retry-count");
    // Outside /api/v1 the console's own endpoints stay without CORS.
    const outside = await notFound.GET(new Request("http://localhost/api/other", { headers: origin }));
    expect(outside.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("B2B onboarding by company plan: group.plan in a condition and group traits in Liquid, read again after a wait", async () => {
    clearFlowCache();
    await publish(t.db, "B2B onboarding", {
      nodes: [
        node("t1", "trigger", { on: { type: "event", event: "Signed Up" } }),
        node("w1", "wait", { for: "PT1S" }),
        node("c1", "condition", { if: { trait: "group.plan", op: "eq", value: "enterprise" } }),
        node("m1", "message", { channel: "in_app", placement: "onboarding", content: "Book your onboarding call, {{ user.name }}: {{ group.name }} is on {{ group.plan }}" }),
        node("m2", "message", { channel: "in_app", placement: "onboarding", content: "Start with the self-serve guide{% if group.name %} for {{ group.name }}{% endif %}" }),
      ],
      edges: [edge("t1", "w1"), edge("w1", "c1"), edge("c1", "m1", "yes"), edge("c1", "m2", "no"), edge("c1", "m2", "missing")],
    });
    const [big, small, loner] = [uid("big"), uid("small"), uid("loner")];
    const [acme, tiny] = [uid("acme"), uid("tiny")];
    await callJson(batch.POST, {
      auth,
      body: {
        batch: [
          { type: "identify", userId: big, traits: { name: "Ann" } },
          { type: "group", userId: big, groupId: acme, traits: { name: "Acme", plan: "free" } },
          { type: "identify", userId: small, traits: { name: "Bo" } },
          { type: "group", userId: small, groupId: tiny, traits: { name: "Tiny", plan: "free" } },
          { type: "identify", userId: loner, traits: { name: "Cy" } },
        ],
      },
    });
    for (const u of [big, small, loner]) expect((await callJson(track.POST, { auth, body: { userId: u, event: "Signed Up" } })).status).toBe(200);
    // Acme upgrades during the wait, through another member's group call: the condition reads the group's traits as they are now.
    await callJson(group.POST, { auth, body: { userId: uid("colleague"), groupId: acme, traits: { plan: "enterprise" } } });
    const content = async (u: string) => {
      const r = await callJson(decide.POST, { auth: bearer(t.secret), body: { userId: u, placements: ["onboarding"] } });
      return (r.json.decisions.onboarding?.content as string | undefined) ?? null;
    };
    const done = await runWorkerUntil(t.db, async () => (await content(big)) !== null && (await content(small)) !== null && (await content(loner)) !== null, 15_000);
    expect(done).toBe(true);
    expect(await content(big)).toBe(`Book your onboarding call, Ann: Acme is on enterprise`);
    expect(await content(small)).toBe("Start with the self-serve guide for Tiny");
    expect(await content(loner)).toBe("Start with the self-serve guide");
  });
});
