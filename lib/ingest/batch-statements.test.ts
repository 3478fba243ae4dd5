// What one /batch about people already stored costs in statements, on both stores: each profile is
// locked and read once (with its identities' lookup), and each table is written with one statement
// for the whole batch, whatever the number of messages and people. And what the batch still does:
// events stored, last_seen moved, new user ids on stored anonymous profiles, a merge in the batch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import { parseBatch } from "./messages";
import { ingest } from "./pipeline";
import { STORES } from "@/lib/testing/db";

// Received an hour from now: a new profile starts with the store's now() as first and last seen.
const NOW = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 2 * 3_600_000);
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

describe.each(STORES)("a batch's statements on $name", ({ open }) => {
  let db: Db;
  const statements: string[] = [];
  const spy = (sql: Sql): Sql => ({
    ...sql,
    query: (text, params, o) => {
      statements.push(text.replace(/\s+/g, " ").trim());
      return sql.query(text, params, o);
    },
    exec: (text) => sql.exec(text),
    afterCommit: (fn) => sql.afterCommit(fn),
    item: (key, make) => sql.item(key, make),
  });
  let watched: Db;
  beforeAll(async () => {
    db = await open();
    watched = { ...db, sql: spy(db.sql), tx: (fn) => db.tx((sql) => fn(spy(sql))) };
  });
  afterAll(async () => db?.close());

  const send = async (target: Db, batch: Array<Record<string, unknown>>, at = NOW) => {
    const parsed = parseBatch({ batch }, at);
    if (!parsed.ok) throw new Error(parsed.message);
    const out = await ingest(target, parsed.messages, { batch: true, receivedAt: at });
    if (!out.ok) throw new Error(out.message);
    return out;
  };

  it("locks and reads each stored profile once, and writes each table once for the whole batch", async () => {
    const users = Array.from({ length: 8 }, (_, i) => `bs-${i}`);
    await send(db, users.map((u) => ({ type: "identify", userId: u, traits: { name: u }, timestamp: at(-120) })));
    statements.length = 0;
    const later = new Date(NOW.getTime() + 60_000);
    const out = await send(
      watched,
      users.flatMap((u, i) => [
        { type: "track", userId: u, event: "Nobody Listens", properties: { i }, timestamp: later.toISOString(), messageId: `m-${u}-1` },
        { type: "track", userId: u, event: "Nobody Listens", properties: { i }, timestamp: later.toISOString(), messageId: `m-${u}-2` },
      ]),
      later,
    );
    expect(out).toMatchObject({ stored: 16, duplicates: 0 });
    const reads = statements.filter((s) => /^SELECT .* FROM profiles/i.test(s));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatch(/FOR UPDATE/);
    const writes = (re: RegExp) => statements.filter((s) => re.test(s)).length;
    expect(writes(/INSERT INTO events/)).toBe(1);
    expect(writes(/^UPDATE profiles/)).toBe(1);
    expect(writes(/INTO event_summaries/)).toBe(1);

    const rows = await db.sql.query<{ user_id: string; last_seen: Date; n: number }>(
      `SELECT p.user_id, p.last_seen, (SELECT count(*)::int FROM events e WHERE e.profile_id = p.id AND e.name = 'Nobody Listens') AS n
         FROM profiles p WHERE p.user_id = ANY($1::text[]) ORDER BY p.user_id`,
      [users],
    );
    expect(rows.map((r) => [r.user_id, r.n, r.last_seen.toISOString()])).toEqual(users.map((u) => [u, 2, later.toISOString()]));
  });

  it("gives stored anonymous profiles their user ids with one statement for the whole batch", async () => {
    const anons = Array.from({ length: 6 }, (_, i) => `later-anon-${i}`);
    await send(db, anons.map((a) => ({ type: "track", anonymousId: a, event: "Seen", timestamp: at(-90) })));
    statements.length = 0;
    await send(
      watched,
      anons.map((a, i) => ({ type: "identify", anonymousId: a, userId: `later-user-${i}`, traits: { n: i }, timestamp: at(-30) })),
    );
    expect(statements.filter((s) => /^UPDATE profiles .*user_id/.test(s))).toHaveLength(1);
    const rows = await db.sql.query<{ user_id: string; traits: Record<string, unknown>; events: number }>(
      `SELECT p.user_id, p.traits, (SELECT count(*)::int FROM events e WHERE e.profile_id = p.id) AS events
         FROM profiles p WHERE p.user_id LIKE 'later-user-%' ORDER BY p.user_id`,
    );
    expect(rows).toEqual(anons.map((_, i) => ({ user_id: `later-user-${i}`, traits: { n: i, engagement_score: 0 }, events: 2 })));
  });

  it("reads again only what the batch changed: a stored anonymous profile that gets a user id, a merge, a new person", async () => {
    await send(db, [
      { type: "track", anonymousId: "anon-a", event: "Seen", timestamp: at(-180) },
      { type: "track", anonymousId: "anon-b", event: "Seen", timestamp: at(-240) },
      { type: "identify", userId: "known-b", traits: { plan: "pro" }, timestamp: at(-150) },
      { type: "track", userId: "bystander", event: "Seen", timestamp: at(-180) },
    ]);
    const out = await send(watched, [
      // anon-a becomes user-a (the stored anonymous profile gets the user id)
      { type: "identify", userId: "user-a", anonymousId: "anon-a", traits: { name: "A" }, timestamp: at(-60) },
      // anon-b's history is merged into known-b
      { type: "track", userId: "known-b", anonymousId: "anon-b", event: "Bought", timestamp: at(-60) },
      { type: "track", userId: "bystander", event: "Seen", timestamp: at(-60) },
      { type: "track", userId: "brand-new", event: "Seen", timestamp: at(-60) },
    ]);
    expect(out).toMatchObject({ stored: 4, duplicates: 0 });
    const rows = await db.sql.query<{ user_id: string | null; traits: Record<string, unknown>; first_seen: Date; last_seen: Date; events: number }>(
      `SELECT p.user_id, p.traits, p.first_seen, p.last_seen, (SELECT count(*)::int FROM events e WHERE e.profile_id = p.id) AS events
         FROM profiles p WHERE p.user_id = ANY($1::text[]) ORDER BY p.user_id`,
      [["user-a", "known-b", "bystander", "brand-new"]],
    );
    const by = new Map(rows.map((r) => [r.user_id, r]));
    expect(by.get("user-a")).toMatchObject({ traits: { name: "A" }, events: 2 });
    expect(by.get("user-a")!.first_seen.toISOString()).toBe(at(-180));
    expect(by.get("known-b")).toMatchObject({ traits: { plan: "pro" }, events: 3 });
    expect(by.get("known-b")!.first_seen.toISOString()).toBe(at(-240));
    expect(by.get("known-b")!.last_seen.toISOString()).toBe(at(-60));
    expect(by.get("bystander")).toMatchObject({ events: 2 });
    expect(by.get("brand-new")).toMatchObject({ events: 1 });
    const [{ n }] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM profiles WHERE user_id IS NULL AND id IN (SELECT profile_id FROM identities WHERE value IN ('anon-a', 'anon-b'))`);
    expect(n).toBe(0);
  });
});
