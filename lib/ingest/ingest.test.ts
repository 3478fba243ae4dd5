// The ingestion contract (docs/api.md §4 and §7) through the route handlers with real Requests, on
// PGlite and on PostgreSQL (describe.each over both stores); then the identity races on PostgreSQL:
// concurrent requests about one person from both of their ids never make two profiles nor lose an event.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import * as track from "@/app/api/v1/track/route";
import * as identify from "@/app/api/v1/identify/route";
import * as page from "@/app/api/v1/page/route";
import * as alias from "@/app/api/v1/alias/route";
import * as batch from "@/app/api/v1/batch/route";
import * as user from "@/app/api/v1/users/[userId]/route";
import * as userExport from "@/app/api/v1/users/[userId]/export/route";
import * as users from "@/app/api/v1/users/route";
import { enqueue } from "@/lib/runtime/jobs";
import { saveEngagement, saveTrackingPlan } from "./settings";
import { basic, bearer, callJson } from "@/lib/testing/routes";
import { setupDb, STORES, type TestDb } from "@/lib/testing/db";

const uid = (p = "u") => `${p}-${randomUUID().slice(0, 8)}`;

describe.each(STORES)("ingestion on $name", ({ kind }) => {
  let t: TestDb;
  let auth: string;
  beforeAll(async () => {
    t = await setupDb(kind);
    auth = basic(t.write);
  });
  afterAll(async () => t?.close());

  const getUser = async (id: string) => callJson(user.GET, { auth: bearer(t.secret), params: { userId: id } });

  it("stores a track with its timestamp, properties and context, and answers success", async () => {
    const u = uid();
    const at = "2024-03-01T10:00:00.000Z";
    const r = await callJson(track.POST, { auth, body: { userId: u, event: "Product Viewed", properties: { sku: "A" }, timestamp: at, context: { ip: "1.2.3.4" }, messageId: uid("m") } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ success: true });
    const p = await getUser(u);
    expect(p.status).toBe(200);
    expect(p.json.userId).toBe(u);
    expect(p.json.events).toHaveLength(1);
    expect(p.json.events[0]).toMatchObject({ type: "track", name: "Product Viewed", properties: { sku: "A" }, context: { ip: "1.2.3.4" }, timestamp: at });
    expect(p.json.firstSeen).toBe(at);
  });

  it("refuses a message without userId or anonymousId (400 naming the field)", async () => {
    const r = await callJson(track.POST, { auth, body: { event: "X" } });
    expect(r.status).toBe(400);
    expect(r.json.error.details[0].path).toBe("userId");
    const r2 = await callJson(alias.POST, { auth, body: { userId: "x" } });
    expect(r2.status).toBe(400);
    expect(r2.json.error.details.some((d: { path: string }) => d.path === "previousId")).toBe(true);
    const r3 = await callJson(track.POST, { auth, body: { userId: "x" } });
    expect(r3.status).toBe(400);
    expect(r3.json.error.details[0].path).toBe("event");
  });

  it("answers 400 for malformed JSON and a bad timestamp", async () => {
    expect((await callJson(track.POST, { auth, raw: "{nope" })).status).toBe(400);
    const r = await callJson(track.POST, { auth, body: { userId: "x", event: "E", timestamp: "yesterday" } });
    expect(r.status).toBe(400);
    expect(r.json.error.details[0].path).toBe("timestamp");
  });

  it("answers 413 for a message over 32 KB and a batch over 500 KB", async () => {
    const big = "x".repeat(33 * 1024);
    expect((await callJson(track.POST, { auth, body: { userId: "x", event: "E", properties: { big } } })).status).toBe(413);
    const inBatch = await callJson(batch.POST, { auth, body: { batch: [{ type: "track", userId: "x", event: "E", properties: { big } }] } });
    expect(inBatch.status).toBe(413);
    const many = Array.from({ length: 40 }, () => ({ type: "track", userId: "x", event: "E", properties: { s: "y".repeat(14 * 1024) } }));
    const r = await callJson(batch.POST, { auth, body: { batch: many } });
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe("payload_too_large");
  });

  it("validates a batch whole: one bad message rejects it all, naming its index", async () => {
    const u = uid();
    const r = await callJson(batch.POST, {
      auth,
      body: { batch: [{ type: "track", userId: u, event: "A" }, { type: "identify", userId: u, traits: { a: 1 } }, { type: "page", userId: u }, { type: "track", userId: u }] },
    });
    expect(r.status).toBe(400);
    expect(r.json.error.details.map((d: { path: string }) => d.path)).toContain("batch.3.event");
    expect((await getUser(u)).status).toBe(404);
    const r2 = await callJson(batch.POST, { auth, body: { batch: [{ type: "nope", userId: u }] } });
    expect(r2.status).toBe(400);
    expect(r2.json.error.details[0].path).toBe("batch.0.type");
  });

  it("accepts a batch of every type and answers accepted: N", async () => {
    const u = uid();
    const r = await callJson(batch.POST, {
      auth,
      body: {
        batch: [
          { type: "identify", userId: u, traits: { email: `${u}@example.com`, plan: "pro" } },
          { type: "track", userId: u, event: "Signed Up" },
          { type: "page", userId: u, name: "Pricing", properties: { path: "/pricing" }, context: { page: { url: "https://x.test/pricing", path: "/ignored" } } },
        ],
      },
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ success: true, accepted: 3 });
    const p = await getUser(u);
    expect(p.json.traits).toMatchObject({ email: `${u}@example.com`, plan: "pro" });
    const pv = p.json.events.find((e: { name: string }) => e.name === "Page Viewed");
    expect(pv.properties).toMatchObject({ name: "Pricing", path: "/pricing", url: "https://x.test/pricing" });
  });

  it("stores a page as Page Viewed from the page endpoint", async () => {
    const a = uid("anon");
    const r = await callJson(page.POST, { auth, body: { anonymousId: a, name: "Home", properties: { url: "https://x.test/", path: "/" } } });
    expect(r.status).toBe(200);
    const p = await getUser(a);
    expect(p.json.userId).toBeNull();
    expect(p.json.anonymousIds).toEqual([a]);
    expect(p.json.events[0]).toMatchObject({ type: "page", name: "Page Viewed", properties: { name: "Home", url: "https://x.test/", path: "/" } });
  });

  it("processes a messageId once, across requests and within a batch", async () => {
    const u = uid();
    const m = uid("m");
    for (let i = 0; i < 2; i++) expect((await callJson(track.POST, { auth, body: { userId: u, event: "Paid", messageId: m } })).status).toBe(200);
    const b = await callJson(batch.POST, { auth, body: { batch: [{ type: "track", userId: u, event: "Paid", messageId: m }, { type: "track", userId: u, event: "Other", messageId: `${m}-2` }, { type: "track", userId: u, event: "Other", messageId: `${m}-2` }] } });
    expect(b.json).toEqual({ success: true, accepted: 3 });
    const p = await getUser(u);
    expect(p.json.events.map((e: { name: string }) => e.name).sort()).toEqual(["Other", "Paid"]);
  });

  it("scopes messageId dedupe to the user: a write key cannot squat another user's messageId", async () => {
    const victim = uid("victim");
    const attacker = uid("anon");
    const m = uid("order");
    // The publishable write key sends the messageId first, under an identity it controls ...
    expect((await callJson(track.POST, { auth, body: { anonymousId: attacker, event: "Squat", messageId: m } })).status).toBe(200);
    expect((await callJson(track.POST, { auth, body: { userId: uid("other"), event: "Squat", messageId: m } })).status).toBe(200);
    // ... and the server's later Order Completed for the victim, with that messageId, is still processed.
    expect((await callJson(track.POST, { auth: bearer(t.secret), body: { userId: victim, event: "Order Completed", messageId: m } })).status).toBe(200);
    expect((await getUser(victim)).json.events.map((e: { name: string }) => e.name)).toEqual(["Order Completed"]);
    // The same messageId from the same user is still a duplicate; in a batch, per user too.
    expect((await callJson(track.POST, { auth: bearer(t.secret), body: { userId: victim, event: "Order Completed", messageId: m } })).status).toBe(200);
    const other = uid("victim2");
    const b = await callJson(batch.POST, { auth, body: { batch: [{ type: "track", userId: other, event: "A", messageId: m }, { type: "track", anonymousId: attacker, event: "B", messageId: m }, { type: "track", userId: other, event: "C", messageId: m }] } });
    expect(b.json).toEqual({ success: true, accepted: 3 });
    expect((await getUser(victim)).json.events).toHaveLength(1);
    expect((await getUser(other)).json.events.map((e: { name: string }) => e.name)).toEqual(["A"]);
    expect((await getUser(attacker)).json.events.map((e: { name: string }) => e.name)).toEqual(["Squat"]);
  });

  it("keeps an anonymous user's messageIds known after the merge into the user", async () => {
    const a = uid("anon");
    const u = uid();
    const m = uid("m");
    await callJson(track.POST, { auth, body: { anonymousId: a, event: "Cart Viewed", messageId: m } });
    await callJson(identify.POST, { auth, body: { userId: u, anonymousId: a, traits: {} } });
    // The anonymous id's retry, after its profile was merged into the user's, is the same message.
    await callJson(track.POST, { auth, body: { anonymousId: a, event: "Cart Viewed", messageId: m } });
    const p = await getUser(u);
    expect(p.json.events.filter((e: { name: string }) => e.name === "Cart Viewed")).toHaveLength(1);
  });

  it("rewrites only the event names a request touched in the stored summary", async () => {
    const u = uid();
    const names = Array.from({ length: 30 }, (_, i) => `Event ${i}`);
    await callJson(batch.POST, { auth, body: { batch: names.map((event) => ({ type: "track", userId: u, event })) } });
    const rows = async () =>
      new Map(
        (
          await t.db.sql.query<{ name: string; xmin: string; total: number }>(
            `SELECT s.name, s.xmin::text AS xmin, (s.stats->>'total')::int AS total FROM event_summaries s JOIN identity_directory d ON d.profile_id = s.profile_id WHERE d.kind = 'user' AND d.value = $1`,
            [u],
          )
        ).map((r) => [r.name, r]),
      );
    const before = await rows();
    expect(before.size).toBe(30);
    await callJson(track.POST, { auth, body: { userId: u, event: "Event 7" } });
    const after = await rows();
    const rewritten = [...after.values()].filter((r) => before.get(r.name)?.xmin !== r.xmin).map((r) => r.name);
    expect(rewritten).toEqual(["Event 7"]);
    expect(after.get("Event 7")!.total).toBe(2);
  });

  it("merges anonymous history into the user on identify, traits of the user winning", async () => {
    const u = uid();
    const a = uid("anon");
    await callJson(identify.POST, { auth, body: { userId: u, traits: { plan: "pro", email: "u@x.test" } } });
    await callJson(track.POST, { auth, body: { anonymousId: a, event: "Product Viewed", timestamp: "2024-01-01T00:00:00Z" } });
    await callJson(identify.POST, { auth, body: { anonymousId: a, traits: { plan: "free", color: "red" } } });
    expect((await getUser(a)).json.userId).toBeNull();
    const r = await callJson(identify.POST, { auth, body: { userId: u, anonymousId: a } });
    expect(r.status).toBe(200);
    const p = await getUser(u);
    expect(p.json.anonymousIds).toEqual([a]);
    expect(p.json.traits).toMatchObject({ plan: "pro", color: "red", email: "u@x.test" });
    expect(p.json.events.map((e: { name: string }) => e.name)).toContain("Product Viewed");
    expect(p.json.firstSeen).toBe("2024-01-01T00:00:00.000Z");
    // The anonymous id now reads the same profile; a repeat is a no-op.
    expect((await getUser(a)).json.userId).toBe(u);
    await callJson(identify.POST, { auth, body: { userId: u, anonymousId: a } });
    await callJson(track.POST, { auth, body: { anonymousId: a, event: "Later" } });
    const again = await getUser(u);
    expect(again.json.events.map((e: { name: string }) => e.name)).toContain("Later");
    const list = await callJson(users.GET, { auth: bearer(t.secret), path: `/api/v1/users?q=${a}` });
    expect(list.json.users).toHaveLength(1);
  });

  it("an anonymous profile identified later becomes the user (no second profile)", async () => {
    const u = uid();
    const a = uid("anon");
    await callJson(track.POST, { auth, body: { anonymousId: a, event: "Visit" } });
    await callJson(identify.POST, { auth, body: { userId: u, anonymousId: a, traits: { email: `${u}@x.test` } } });
    const p = await getUser(u);
    expect(p.json.anonymousIds).toEqual([a]);
    expect(p.json.events.map((e: { name: string }) => e.name).sort()).toEqual(["Identify", "Visit"]);
    const list = await callJson(users.GET, { auth: bearer(t.secret), path: `/api/v1/users?q=${u}@x.test` });
    expect(list.json.users.map((x: { userId: string }) => x.userId)).toEqual([u]);
  });

  it("alias joins previousId to userId, moving events", async () => {
    const u = uid();
    const a = uid("anon");
    await callJson(track.POST, { auth, body: { anonymousId: a, event: "Before" } });
    await callJson(track.POST, { auth, body: { userId: u, event: "Mine" } });
    const r = await callJson(alias.POST, { auth, body: { previousId: a, userId: u } });
    expect(r.status).toBe(200);
    const p = await getUser(u);
    expect(p.json.events.map((e: { name: string }) => e.name).sort()).toEqual(["Alias", "Before", "Mine"]);
    expect(p.json.anonymousIds).toEqual([a]);
    // alias of an old userId to a new one
    const old = uid();
    await callJson(track.POST, { auth, body: { userId: old, event: "Old" } });
    await callJson(alias.POST, { auth, body: { previousId: old, userId: u } });
    const q = await getUser(old);
    expect(q.json.userId).toBe(u);
    expect(q.json.userIds).toEqual(expect.arrayContaining([u, old]));
  });

  it("removes a trait set to null and keeps the others", async () => {
    const u = uid();
    await callJson(identify.POST, { auth, body: { userId: u, traits: { a: 1, b: 2 } } });
    await callJson(identify.POST, { auth, body: { userId: u, traits: { a: null, c: { d: 1 } } } });
    expect((await getUser(u)).json.traits).toEqual({ b: 2, c: { d: 1 } });
  });

  it("authenticates write keys (Basic, Bearer, body writeKey) and refuses others", async () => {
    const u = uid();
    expect((await callJson(track.POST, { auth: bearer(t.write), body: { userId: u, event: "E" } })).status).toBe(200);
    expect((await callJson(track.POST, { body: { userId: u, event: "E", writeKey: t.write } })).status).toBe(200);
    expect((await callJson(track.POST, { body: { userId: u, event: "E" } })).status).toBe(401);
    expect((await callJson(track.POST, { auth: basic("pw_wk_unknown"), body: { userId: u, event: "E" } })).status).toBe(401);
    expect((await callJson(track.POST, { raw: "{bad" })).status).toBe(401);
    expect((await callJson(user.GET, { auth: basic(t.write), params: { userId: u } })).status).toBe(403);
    const r = await callJson(track.POST, { auth: bearer(t.write), body: { userId: u, event: "E" } });
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("keeps an engagement score from the configured formula", async () => {
    await saveEngagement(t.db.sql, { window: "P30D", weights: { "Page Viewed": 1, "Order Completed": 10 }, cap: 100 });
    const u = uid();
    const now = Date.now();
    const old = new Date(now - 40 * 86_400_000).toISOString();
    await callJson(batch.POST, {
      auth,
      body: {
        batch: [
          { type: "page", userId: u, timestamp: old },
          { type: "page", userId: u },
          { type: "page", userId: u },
          { type: "track", userId: u, event: "Order Completed" },
        ],
      },
    });
    expect((await getUser(u)).json.traits.engagement_score).toBe(12);
    await callJson(batch.POST, { auth, body: { batch: Array.from({ length: 12 }, () => ({ type: "track", userId: u, event: "Order Completed" })) } });
    expect((await getUser(u)).json.traits.engagement_score).toBe(100);
  });

  it("applies the tracking plan: reject names the property, flag stores violations", async () => {
    const u = uid();
    await saveTrackingPlan(t.db.sql, { mode: "reject", events: [{ event: "Order Completed", properties: [{ name: "total", type: "number", required: true }] }] });
    try {
      const r = await callJson(track.POST, { auth, body: { userId: u, event: "Order Completed", properties: { total: "12" } } });
      expect(r.status).toBe(400);
      expect(r.json.error.details[0].path).toBe("properties.total");
      const b = await callJson(batch.POST, { auth, body: { batch: [{ type: "track", userId: u, event: "Fine" }, { type: "track", userId: u, event: "Order Completed" }] } });
      expect(b.status).toBe(400);
      expect(b.json.error.details[0].path).toBe("batch.1.properties.total");
      expect((await getUser(u)).status).toBe(404);
      await saveTrackingPlan(t.db.sql, { mode: "flag", events: [{ event: "Order Completed", properties: [{ name: "total", type: "number", required: true }] }] });
      expect((await callJson(track.POST, { auth, body: { userId: u, event: "Order Completed" } })).status).toBe(200);
      const p = await getUser(u);
      expect(p.json.events[0].violations).toEqual([{ property: "total", message: expect.stringContaining("total") }]);
    } finally {
      await saveTrackingPlan(t.db.sql, { mode: "flag", events: [] });
    }
  });

  it("erases a person with events, runs and queued jobs, and exports everything first", async () => {
    const u = uid();
    const a = uid("anon");
    await callJson(identify.POST, { auth, body: { userId: u, anonymousId: a, traits: { email: "gone@x.test" } } });
    await callJson(track.POST, { auth, body: { userId: u, event: "E" } });
    const profileId = (await getUser(u)).json.profileId as string;
    await enqueue(t.db.sql, { queue: "timer", key: `test:${profileId}`, payload: { profileId }, runAt: new Date(Date.now() + 3_600_000) });
    const exp = await callJson(userExport.GET, { auth: bearer(t.secret), params: { userId: u } });
    expect(exp.status).toBe(200);
    expect(exp.json.identities).toHaveLength(2);
    expect(exp.json.events.length).toBe(2);
    expect((await callJson(user.DELETE, { method: "DELETE", auth: bearer(t.write), params: { userId: u } })).status).toBe(403);
    const del = await callJson(user.DELETE, { method: "DELETE", auth: bearer(t.secret), params: { userId: u } });
    expect(del.status).toBe(204);
    expect((await getUser(u)).status).toBe(404);
    expect((await getUser(a)).status).toBe(404);
    const left = await t.db.sql.query(`SELECT 1 FROM events WHERE profile_id = $1 UNION ALL SELECT 1 FROM jobs WHERE payload->>'profileId' = $1 UNION ALL SELECT 1 FROM identities WHERE profile_id = $1`, [profileId]);
    expect(left).toHaveLength(0);
    const auditRows = await t.db.sql.query(`SELECT action FROM audit_log WHERE target = $1`, [u]);
    expect(auditRows.map((r) => (r as { action: string }).action)).toContain("user.erase");
    expect((await callJson(user.DELETE, { method: "DELETE", auth: bearer(t.secret), params: { userId: u } })).status).toBe(404);
  });
});

describe("identity races on PostgreSQL", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await setupDb("pg");
  });
  afterAll(async () => t?.close());

  it("concurrent identify/track/alias from the anonymous and the user id end in one profile with every event", async () => {
    const auth = basic(t.write);
    for (let round = 0; round < 5; round++) {
      const u = `race-${randomUUID().slice(0, 8)}`;
      const a = `anon-${randomUUID().slice(0, 8)}`;
      const a2 = `anon2-${randomUUID().slice(0, 8)}`;
      const requests = [
        ...Array.from({ length: 6 }, (_, i) => callJson(track.POST, { auth, body: { anonymousId: a, event: "Anon Event", properties: { i } } })),
        ...Array.from({ length: 6 }, (_, i) => callJson(track.POST, { auth, body: { userId: u, event: "User Event", properties: { i } } })),
        callJson(identify.POST, { auth, body: { userId: u, anonymousId: a, traits: { round } } }),
        callJson(identify.POST, { auth, body: { userId: u, anonymousId: a, traits: { round } } }),
        callJson(track.POST, { auth, body: { anonymousId: a2, event: "Other Device" } }),
        callJson(alias.POST, { auth, body: { previousId: a2, userId: u } }),
        callJson(batch.POST, { auth, body: { batch: [{ type: "track", anonymousId: a, event: "Anon Event" }, { type: "identify", userId: u, anonymousId: a2 }, { type: "track", userId: u, event: "User Event" }] } }),
      ];
      const results = await Promise.all(requests);
      expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
      const profiles = await t.db.sql.query<{ profile_id: string }>(`SELECT DISTINCT profile_id FROM identities WHERE value = ANY($1::text[])`, [[u, a, a2]]);
      expect(profiles).toHaveLength(1);
      const [{ n }] = await t.db.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM events WHERE profile_id = $1 AND name IN ('Anon Event', 'User Event', 'Other Device')`,
        [profiles[0].profile_id],
      );
      expect(n).toBe(15);
      const orphans = await t.db.sql.query(`SELECT id FROM profiles p WHERE NOT EXISTS (SELECT 1 FROM identities i WHERE i.profile_id = p.id)`);
      expect(orphans).toHaveLength(0);
    }
  });
});
