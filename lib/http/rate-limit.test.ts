// Token buckets on a fake clock, the limit syntax, and 429 + Retry-After through a real route handler.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRateLimiter, enforceRateLimit, parseLimit, resetRateLimiter, TokenBuckets, type Verdict } from "./rate-limit";
import { route } from "./route";
import { call, errorOf, keyFor, sessionFor } from "@/lib/testing/routes";
import { installTestDb, removeTestDb } from "@/lib/testing/db";
import type { Db } from "@/lib/db/client";

describe("parseLimit", () => {
  it("reads rates, units and bursts", () => {
    expect(parseLimit("100/s burst 200")).toEqual({ ratePerSec: 100, burst: 200 });
    expect(parseLimit("600/m")).toEqual({ ratePerSec: 10, burst: 10 });
    expect(parseLimit("3600/h, burst 5")).toEqual({ ratePerSec: 1, burst: 5 });
    expect(parseLimit("50")).toEqual({ ratePerSec: 50, burst: 50 });
    expect(parseLimit("0.5/s")).toEqual({ ratePerSec: 0.5, burst: 1 });
  });
  it("turns off with 0 or off", () => {
    expect(parseLimit("0")).toBeNull();
    expect(parseLimit("off")).toBeNull();
    expect(parseLimit("0/s burst 10")).toBeNull();
  });
  it("refuses what it cannot read", () => {
    expect(() => parseLimit("lots")).toThrow(/Unreadable/);
    expect(() => parseLimit("10/fortnight")).toThrow(/unit/);
  });
});

describe("TokenBuckets", () => {
  it("allows the burst, then refills at the rate, per caller", () => {
    let now = 0;
    const b = new TokenBuckets({ ratePerSec: 2, burst: 3 }, () => now);
    expect([1, 2, 3].map(() => b.take("a").ok)).toEqual([true, true, true]);
    expect(b.take("a")).toEqual({ ok: false, retryAfterSec: 1 });
    expect(b.take("b").ok).toBe(true); // another caller has its own bucket
    now += 500; // half a second: one token back
    expect(b.take("a").ok).toBe(true);
    expect(b.take("a").ok).toBe(false);
    now += 10_000; // refills only up to the burst
    expect([1, 2, 3, 4].map(() => b.take("a").ok)).toEqual([true, true, true, false]);
  });

  it("says how long to wait for a slow rate", () => {
    let now = 0;
    const b = new TokenBuckets({ ratePerSec: 0.1, burst: 1 }, () => now);
    expect(b.take("a").ok).toBe(true);
    expect(b.take("a")).toEqual({ ok: false, retryAfterSec: 10 });
    now += 4_000;
    expect(b.take("a")).toEqual({ ok: false, retryAfterSec: 6 });
  });

  it("keeps write and api budgets apart, and 0 turns one off", () => {
    const now = 0;
    const l = createRateLimiter({ write: "1/s burst 1", api: "0" }, () => now);
    expect((l.check("write", "k") as Verdict).ok).toBe(true);
    expect((l.check("write", "k") as Verdict).ok).toBe(false);
    for (let i = 0; i < 100; i++) expect((l.check("api", "k") as Verdict).ok).toBe(true);
  });
});

describe("through a route handler", () => {
  let db: Db;
  const ingest = route({ name: "test.ingest", access: "write" }, () => ({ success: true }));
  const read = route({ name: "test.read", access: "viewer" }, () => ({ ok: true }));
  const open = route({ name: "test.public", access: "public" }, () => ({ ok: true }));
  const selfLimited = route({ name: "test.self", access: "public" }, async ({ req }) => {
    await enforceRateLimit(req, "write", null);
    return { ok: true };
  });

  beforeAll(async () => {
    db = await installTestDb();
  });
  afterAll(async () => {
    resetRateLimiter();
    await removeTestDb(db);
  });
  beforeEach(() => resetRateLimiter(createRateLimiter({ write: "1/m burst 2", api: "1/m burst 1" })));

  it("answers 429 with Retry-After and a docs/api.md §3 body once a key's budget is spent", async () => {
    const key = await keyFor(db, "write");
    expect((await call(ingest, "/api/v1/track", { caller: { key }, method: "POST" })).status).toBe(200);
    expect((await call(ingest, "/api/v1/track", { caller: { key }, method: "POST" })).status).toBe(200);
    const res = await call(ingest, "/api/v1/track", { caller: { key }, method: "POST" });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    const err = await errorOf(res);
    expect(err.code).toBe("rate_limited");
    // Another key is not affected.
    const other = await keyFor(db, "write");
    expect((await call(ingest, "/api/v1/track", { caller: { key: other }, method: "POST" })).status).toBe(200);
  });

  it("gives ingestion and the rest separate budgets", async () => {
    const key = await keyFor(db, "secret");
    expect((await call(read, "/api/v1/flows", { caller: { key } })).status).toBe(200);
    expect((await call(read, "/api/v1/flows", { caller: { key } })).status).toBe(429);
    expect((await call(ingest, "/api/v1/track", { caller: { key }, method: "POST" })).status).toBe(200);
  });

  it("limits console sessions per session", async () => {
    const a = await sessionFor(db, "viewer");
    const b = await sessionFor(db, "viewer");
    expect((await call(read, "/api/v1/flows", { caller: { session: a.token } })).status).toBe(200);
    expect((await call(read, "/api/v1/flows", { caller: { session: a.token } })).status).toBe(429);
    expect((await call(read, "/api/v1/flows", { caller: { session: b.token } })).status).toBe(200);
  });

  it("limits unauthenticated callers per address, failed keys included", async () => {
    const h = (ip: string) => ({ headers: { "x-pathwise-peer": ip } });
    expect((await call(selfLimited, "/api/x", h("10.0.0.1"))).status).toBe(200);
    expect((await call(selfLimited, "/api/x", h("10.0.0.1"))).status).toBe(200); // write burst is 2
    expect((await call(selfLimited, "/api/x", h("10.0.0.1"))).status).toBe(429);
    expect((await call(selfLimited, "/api/x", h("10.0.0.2"))).status).toBe(200);
    // route() leaves public routes to limit themselves.
    for (let i = 0; i < 5; i++) expect((await call(open, "/api/x", h("10.0.0.1"))).status).toBe(200);
    const guess = (ip: string) => ({ caller: { key: "pw_sk_guess" }, headers: { "x-pathwise-peer": ip } });
    expect((await call(read, "/api/v1/flows", guess("10.0.0.3"))).status).toBe(401);
    expect((await call(read, "/api/v1/flows", guess("10.0.0.3"))).status).toBe(429);
  });

  it("limits the ingestion endpoints per write key, including a key sent in the body", async () => {
    const { POST: track } = await import("@/app/api/v1/track/route");
    const key = await keyFor(db, "write");
    const msg = (i: number) => ({ userId: `rl-${i}`, event: "Rate Test" });
    expect((await call(track, "/api/v1/track", { body: msg(1), caller: { key } })).status).toBe(200);
    expect((await call(track, "/api/v1/track", { body: { ...msg(2), writeKey: key } })).status).toBe(200);
    const res = await call(track, "/api/v1/track", { body: msg(3), caller: { key } });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBeTruthy();
    expect((await errorOf(res)).code).toBe("rate_limited");
    const other = await keyFor(db, "write");
    expect((await call(track, "/api/v1/track", { body: msg(4), caller: { key: other } })).status).toBe(200);
  });

  it("never throttles with both budgets off", async () => {
    resetRateLimiter(createRateLimiter({ write: "0", api: "off" }));
    const key = await keyFor(db, "secret");
    for (let i = 0; i < 20; i++) expect((await call(read, "/api/v1/flows", { caller: { key } })).status).toBe(200);
  });
});
