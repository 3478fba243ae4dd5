// The /decide cache on both stores: a repeated question is answered without a statement; every change
// that moves an answer (a new message through ingestion, a dismissal, a paused flow, a merge, a write
// from outside the application's code) is heard before the next answer; on PostgreSQL a second
// instance's write is heard by the first at once (read-your-writes across instances), and a lost
// listening connection makes /decide read the database until it listens again.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDb, type Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import { setFlowStatus } from "@/lib/flow-store/store";
import { ingest as ingestMessages } from "@/lib/ingest/pipeline";
import { parseBatch } from "@/lib/ingest/messages";
import { createPgDatabase, STORES } from "@/lib/testing/db";
import { publish } from "@/lib/testing/runtime";
import { clearFlowCache } from "./flow-cache";
import { decide, recordOutcome } from "./decide";
import { DecideCache, decideCache } from "./decide-cache";

const graph = (placement: string) => ({
  nodes: [
    { id: "t", type: "trigger", position: { x: 0, y: 0 }, data: { on: { type: "event", event: "Show" } } },
    { id: "m", type: "message", position: { x: 0, y: 0 }, data: { channel: "in_app", placement, content: "Hi {{ user.name }}" } },
  ],
  edges: [{ id: "e", source: "t", target: "m" }],
});

async function send(db: Db, batch: Array<Record<string, unknown>>) {
  const parsed = parseBatch({ batch }, new Date());
  if (!parsed.ok) throw new Error(parsed.message);
  const out = await ingestMessages(db, parsed.messages, { batch: true });
  if (!out.ok) throw new Error(out.message);
}

/** A Sql that counts the statements run through it. */
function counting(sql: Sql): { n: number; sql: Sql } {
  const c: { n: number; sql: Sql } = { n: 0, sql };
  c.sql = { ...sql, query: (text: string, params?: unknown[], o?: { name?: string }) => (c.n++, sql.query(text, params, o)) } as Sql;
  return c;
}

async function until(check: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return check();
}

describe.each(STORES)("the /decide cache on $name", ({ open }) => {
  let db: Db;
  let cache: DecideCache;
  let flowId = "";
  const ask = (userId: string, sql: Sql = db.sql, placements = ["home"]) => decide(sql, { userId, placements }, { cache });

  beforeAll(async () => {
    db = await open();
    clearFlowCache();
    flowId = (await publish(db, "Cached", graph("home"), { reentry: "always" })).id;
    cache = decideCache(db);
    expect(await until(() => cache.usable())).toBe(true);
  });
  afterAll(async () => db?.close());
  beforeEach(() => clearFlowCache());

  it("answers a repeated question from memory, and a new message through ingestion at once", async () => {
    await send(db, [
      { type: "identify", userId: "c-1", traits: { name: "Ada" } },
      { type: "track", userId: "c-1", event: "Show" },
    ]);
    expect((await ask("c-1")).decisions.home?.content).toBe("Hi Ada");
    const counted = counting(db.sql);
    const again = await ask("c-1", counted.sql, ["home"]);
    expect(again.decisions.home?.content).toBe("Hi Ada");
    expect(counted.n).toBe(0);
    // A new touchpoint for the same person: the very next answer has it.
    await send(db, [
      { type: "identify", userId: "c-1", traits: { name: "Grace" } },
      { type: "track", userId: "c-1", event: "Show" },
    ]);
    expect((await ask("c-1", counted.sql)).decisions.home?.content).toBe("Hi Grace");
    expect(counted.n).toBeGreaterThan(0);
  });

  it("forgets a dismissed message, a paused flow and a change written outside the application", async () => {
    await send(db, [
      { type: "identify", userId: "c-2", traits: { name: "Lin" } },
      { type: "track", userId: "c-2", event: "Show" },
    ]);
    const first = (await ask("c-2")).decisions.home!;
    expect(first.content).toBe("Hi Lin");
    await ask("c-2");

    await db.sql.query(`UPDATE touchpoints SET content = 'Changed by hand' WHERE id = $1`, [first.decisionId.split(".")[1]]);
    expect((await ask("c-2")).decisions.home?.content).toBe("Changed by hand");

    await recordOutcome(db.sql, { decisionId: first.decisionId, type: "dismissed" });
    expect((await ask("c-2")).decisions.home).toBeNull();

    await send(db, [{ type: "track", userId: "c-2", event: "Show" }]);
    expect((await ask("c-2")).decisions.home?.content).toBe("Hi Lin");
    await setFlowStatus(db, flowId, "paused");
    expect((await ask("c-2")).decisions.home).toBeNull();
    await setFlowStatus(db, flowId, "active");
    expect((await ask("c-2")).decisions.home?.content).toBe("Hi Lin");
  });

  it("follows a merge: the user's answer gains what the anonymous visitor had reached", async () => {
    await send(db, [
      { type: "identify", anonymousId: "anon-c3", traits: { name: "Visitor" } },
      { type: "track", anonymousId: "anon-c3", event: "Show" },
      { type: "identify", userId: "c-3", traits: {} },
    ]);
    expect((await ask("c-3")).decisions.home).toBeNull();
    expect((await ask("c-3")).decisions.home).toBeNull();
    await send(db, [{ type: "identify", userId: "c-3", anonymousId: "anon-c3", traits: {} }]);
    expect((await ask("c-3")).decisions.home?.content).toBe("Hi Visitor");
  });

  it("keeps no answer for an identity it does not know, so its first message is seen", async () => {
    expect((await ask("c-new")).decisions.home).toBeNull();
    await send(db, [
      { type: "identify", userId: "c-new", traits: { name: "New" } },
      { type: "track", userId: "c-new", event: "Show" },
    ]);
    expect((await ask("c-new")).decisions.home?.content).toBe("Hi New");
  });
});

describe("the /decide cache across two instances on PostgreSQL", () => {
  let a: Db;
  let b: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const created = await createPgDatabase();
    drop = created.drop;
    a = await openDb({ databaseUrl: created.url, poolSize: 3 });
    b = await openDb({ databaseUrl: created.url, poolSize: 3, migrate: false });
    clearFlowCache();
    await publish(b, "Across", graph("side"), { reentry: "always" });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await drop?.();
  });

  it("an answer cached by one instance never outlives another instance's write", async () => {
    const cache = decideCache(a);
    expect(await until(() => cache.usable())).toBe(true);
    for (let i = 0; i < 15; i++) {
      await send(b, [
        { type: "identify", userId: "x-1", traits: { name: `N${i}` } },
        { type: "track", userId: "x-1", event: "Show" },
      ]);
      // Asked of the other instance right after the write answered: no waiting, no polling.
      expect((await decide(a.sql, { userId: "x-1", placements: ["side"] }, { cache })).decisions.side?.content).toBe(`Hi N${i}`);
      expect((await decide(a.sql, { userId: "x-1", placements: ["side"] }, { cache })).decisions.side?.content).toBe(`Hi N${i}`);
    }
    expect(cache.size).toBeGreaterThan(0);
  });

  it("reads the database while its listening connection is lost, and caches again once it is back", async () => {
    const cache = decideCache(a);
    expect(await until(() => cache.usable())).toBe(true);
    await a.sql.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pathwise listen pathwise_decide' AND pid <> pg_backend_pid()`);
    expect(await until(() => !cache.usable())).toBe(true);
    await send(b, [
      { type: "identify", userId: "x-1", traits: { name: "Offline" } },
      { type: "track", userId: "x-1", event: "Show" },
    ]);
    expect((await decide(a.sql, { userId: "x-1", placements: ["side"] }, { cache })).decisions.side?.content).toBe("Hi Offline");
    expect(await until(() => cache.usable())).toBe(true);
    expect((await decide(a.sql, { userId: "x-1", placements: ["side"] }, { cache })).decisions.side?.content).toBe("Hi Offline");
  });
});

describe("DecideCache", () => {
  it("does not store an answer read while one of its profiles changed", () => {
    const c = new DecideCache(10);
    const t = c.ticket();
    c.invalidate("p1");
    expect(c.put("k", t, ["p1"], [])).toBe(false);
    expect(c.put("k", c.ticket(), ["p1"], [])).toBe(true);
    const t2 = c.ticket();
    c.onMessage('{"all":true}');
    expect(c.put("k2", t2, ["p2"], [])).toBe(false);
    expect(c.get("k")).toBeUndefined();
  });

  it("holds at most its size, dropping the oldest", () => {
    const c = new DecideCache(3);
    for (let i = 0; i < 5; i++) c.put(`k${i}`, c.ticket(), [`p${i}`], []);
    expect(c.size).toBe(3);
    expect(c.get("k0")).toBeUndefined();
    expect(c.get("k4")).toEqual([]);
    c.invalidate("p4");
    expect(c.get("k4")).toBeUndefined();
  });

  it("holds about its byte budget, dropping the oldest, and keeps no single huge answer", () => {
    const row = (content: string) => ({ id: "t", profile_id: "p", placement: "home", content, flow_id: "f", node_id: "m", variant: null, held: false });
    const c = new DecideCache(1000, 64 * 1024);
    for (let i = 0; i < 40; i++) expect(c.put(`k${i}`, c.ticket(), [`p${i}`], [row("x".repeat(1000))])).toBe(true);
    expect(c.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(c.size).toBeLessThan(40);
    expect(c.get("k39")).toBeDefined();
    expect(c.get("k0")).toBeUndefined();
    expect(c.put("huge", c.ticket(), ["ph"], [row("x".repeat(10_000))])).toBe(false);
    c.clear();
    expect(c.bytes).toBe(0);
  });
});
