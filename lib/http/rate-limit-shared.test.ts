// Rate limits counted per message, shared across instances through a real Redis (127.0.0.1:6379),
// the source webhook limited per address and per source, and the fair share of write slots between
// keys. Real route handlers on PGlite.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { call, keyFor } from "@/lib/testing/routes";
import { installTestDb, removeTestDb } from "@/lib/testing/db";
import { createRateLimiter, createRedisRateLimiter, resetRateLimiter, type RateLimiter, type Verdict } from "./rate-limit";
import { FairGate, fairGate, resetFairGate } from "./fair-gate";
import * as batch from "@/app/api/v1/batch/route";
import * as track from "@/app/api/v1/track/route";
import * as sourceWebhook from "@/app/api/v1/sources/[id]/webhook/route";

export const TEST_REDIS_URL = "redis://127.0.0.1:6379";

const msgs = (n: number) => Array.from({ length: n }, (_, i) => ({ type: "track", userId: `rl-${i}`, event: "E" }));

describe("limits through the routes", () => {
  let db: Db;
  let a: string;
  let b: string;
  beforeAll(async () => {
    db = await installTestDb();
    a = await keyFor(db, "write");
    b = await keyFor(db, "write");
  });
  afterAll(async () => {
    resetRateLimiter();
    resetFairGate();
    await removeTestDb(db);
  });

  it("counts messages, not requests: a batch costs its length", async () => {
    resetRateLimiter(createRateLimiter({ write: "1/m burst 10", api: "0" }));
    expect((await call(batch.POST, "/api/v1/batch", { caller: { key: a }, body: { batch: msgs(8) } })).status).toBe(200);
    const over = await call(batch.POST, "/api/v1/batch", { caller: { key: a }, body: { batch: msgs(5) } });
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toBeTruthy();
    expect((await call(track.POST, "/api/v1/track", { caller: { key: a }, body: { userId: "x", event: "E" } })).status).toBe(200);
    // Another key has its own budget.
    expect((await call(batch.POST, "/api/v1/batch", { caller: { key: b }, body: { batch: msgs(10) } })).status).toBe(200);
  });

  it("limits a source webhook per sender address (wrong secrets too) and per source", async () => {
    resetRateLimiter(createRateLimiter({ write: "0", api: "0", webhook: "1/m burst 5", webhook_address: "1/m burst 3" }));
    const hit = (source: string, peer: string) =>
      call(sourceWebhook.POST, `/api/v1/sources/${source}/webhook`, { body: { id: 1 }, headers: { "x-pathwise-secret": "wrong", "x-pathwise-peer": peer } }, { id: source });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await hit("src-1", "198.51.100.1")).status);
    expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(3)).toEqual([429, 429]);
    // Other addresses still reach src-1 until its own budget (5) is spent.
    expect((await hit("src-1", "198.51.100.2")).status).not.toBe(429);
    expect((await hit("src-1", "198.51.100.3")).status).not.toBe(429);
    expect((await hit("src-1", "198.51.100.4")).status).toBe(429);
    expect((await hit("src-2", "198.51.100.5")).status).not.toBe(429);
  });

  it("a key over its share of busy slots waits behind itself; another key goes first", async () => {
    resetRateLimiter(createRateLimiter({ write: "0", api: "0" }));
    const gate = new FairGate(1, 100);
    resetFairGate(gate);
    // Key A (a flood) holds the only slot and has two more requests waiting.
    const held = await gate.acquire("key:flood");
    const granted: string[] = [];
    const flood1 = gate.acquire("key:flood").then((r) => (granted.push("flood-1"), r));
    const flood2 = gate.acquire("key:flood").then((r) => (granted.push("flood-2"), r));
    // Key B's real request arrives after them and waits too.
    const other = call(track.POST, "/api/v1/track", { caller: { key: b }, body: { userId: "fair", event: "E" } });
    for (let i = 0; i < 200 && fairGate().stats.waiting < 3; i++) await new Promise((r) => setTimeout(r, 5));
    expect(fairGate().stats.waiting).toBe(3);
    held();
    const release1 = await flood1;
    release1();
    // The freed slot went to the other key, not to the flood's second request.
    await Promise.resolve();
    expect(granted).toEqual(["flood-1"]);
    expect(fairGate().stats).toMatchObject({ running: 1, waiting: 1 });
    expect((await other).status).toBe(200);
    (await flood2)();
    expect(granted).toEqual(["flood-1", "flood-2"]);
  });
});

describe("FairGate", () => {
  it("lets keys in by turns and refuses a key whose queue is full", async () => {
    const g = new FairGate(1, 2);
    const first = await g.acquire("a");
    const got: string[] = [];
    const wait = (k: string) => g.acquire(k).then((r) => (got.push(k), r));
    const a1 = wait("a");
    const a2 = wait("a");
    await expect(g.acquire("a")).rejects.toMatchObject({ status: 429 });
    const b1 = wait("b");
    first();
    (await a1)();
    (await b1)();
    (await a2)();
    expect(got).toEqual(["a", "b", "a"]);
    expect(g.stats).toEqual({ running: 0, waiting: 0, keysWaiting: 0 });
  });
});

describe("limits shared through Redis", () => {
  const limiters: RateLimiter[] = [];
  afterAll(async () => {
    for (const l of limiters) await l.close?.();
  });
  const make = (url: string, prefix: string) => {
    const l = createRedisRateLimiter(url, { write: "1/m burst 3", api: "0" }, { prefix });
    limiters.push(l);
    return l;
  };
  const ready = async (l: RateLimiter) => {
    await l.ready?.();
    return l;
  };

  it("two instances drain one bucket per key", async () => {
    const prefix = `pathwise-test:${randomUUID()}:`;
    const one = await ready(make(TEST_REDIS_URL, prefix));
    const two = await ready(make(TEST_REDIS_URL, prefix));
    const ok = async (l: RateLimiter, cost = 1) => ((await l.check("write", "key:k", cost)) as Verdict).ok;
    expect(await ok(one, 2)).toBe(true);
    expect(await ok(two)).toBe(true);
    expect(await ok(one)).toBe(false);
    expect(await ok(two)).toBe(false);
    const refused = (await two.check("write", "key:k")) as Verdict;
    expect(refused.ok === false && refused.retryAfterSec).toBeGreaterThanOrEqual(1);
    // Another key, and the api budget (off), are untouched.
    expect(await ok(two)).toBe(false);
    expect(((await one.check("write", "key:other")) as Verdict).ok).toBe(true);
    expect(((await one.check("api", "key:k")) as Verdict).ok).toBe(true);
  });

  it("without an answering Redis each instance still limits from its own memory", async () => {
    const down = make("redis://127.0.0.1:1", `pathwise-test:${randomUUID()}:`);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(((await down.check("write", "key:k")) as Verdict).ok);
    expect(results).toEqual([true, true, true, false]);
  });
});
