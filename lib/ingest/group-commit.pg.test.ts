// Group commit on both stores: concurrent requests share transactions; each is answered after its
// commit (its events are visible then); a request whose message breaks the transaction fails alone;
// a messageId repeated by a later request of the same group is that request's duplicate; identities
// sent in several requests of one group end in one profile.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { pgliteTestDb, pgTestDb } from "@/lib/testing/db";
import { parseMessage, type MessageType } from "./messages";
import { GroupCommitter } from "./group-commit";

function msg(type: MessageType, raw: Record<string, unknown>) {
  const p = parseMessage(type, raw, new Date());
  if (!p.ok) throw new Error(p.message);
  return p.messages;
}

describe.each(["pglite", "pg"] as const)("group commit on %s", (kind) => {
  let db: Db;
  let counted: Db;
  let transactions = 0;
  beforeAll(async () => {
    db = kind === "pg" ? await pgTestDb() : await pgliteTestDb();
    counted = { ...db, tx: (fn) => (transactions++, db.tx(fn)) };
  });
  afterAll(async () => db?.close());

  it("writes concurrent requests in fewer transactions, each answered after its commit", async () => {
    const c = new GroupCommitter(counted, { maxMessages: 1000, concurrency: 1 });
    transactions = 0;
    const n = 30;
    const answers = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        c.submit(msg("track", { userId: `g-${i % 7}`, event: "Grouped", messageId: `grp-${kind}-${i}` }), {}).then(async (out) => {
          // Answered: its event is committed and visible to any other connection.
          const [row] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE message_id = $1`, [`grp-${kind}-${i}`]);
          return { out, visible: row.n };
        }),
      ),
    );
    expect(answers.every((a) => a.out.ok && a.out.stored === 1 && a.visible === 1)).toBe(true);
    expect(transactions).toBeLessThan(n);
    expect(transactions).toBeGreaterThan(0);
  });

  it("gathers requests that arrive in separate callbacks of one event-loop turn into one transaction", async () => {
    // As an HTTP server sees them: each request is its own I/O callback. PGlite runs a transaction in
    // process without yielding to I/O, so a group started by the first callback would hold it alone.
    const c = new GroupCommitter(counted, { maxMessages: 1000, concurrency: 1 });
    transactions = 0;
    const n = 16;
    const answers = await Promise.all(
      Array.from(
        { length: n },
        (_, i) =>
          new Promise<Awaited<ReturnType<GroupCommitter["submit"]>>>((resolve, reject) =>
            setImmediate(() => void c.submit(msg("track", { userId: `turn-${i}`, event: "Grouped", messageId: `turn-${kind}-${i}` }), {}).then(resolve, reject)),
          ),
      ),
    );
    expect(answers.every((a) => a.ok && a.stored === 1)).toBe(true);
    expect(transactions).toBeLessThanOrEqual(2);
  });

  it("fails only the request whose message breaks the transaction", async () => {
    const c = new GroupCommitter(counted, { maxMessages: 1000, concurrency: 1 });
    transactions = 0;
    const good = Array.from({ length: 6 }, (_, i) => c.submit(msg("track", { userId: `ok-${i}`, event: "Fine", messageId: `fine-${kind}-${i}` }), {}));
    // PostgreSQL refuses a NUL in jsonb text: this request's transaction fails, at the database.
    const bad = c.submit(msg("track", { userId: "bad-1", event: "Broken", properties: { text: "a\u0000b" }, messageId: `bad-${kind}` }), {});
    const more = Array.from({ length: 3 }, (_, i) => c.submit(msg("track", { userId: `ok2-${i}`, event: "Fine", messageId: `fine2-${kind}-${i}` }), {}));
    const results = await Promise.allSettled([...good, bad, ...more]);
    expect(results[6].status).toBe("rejected");
    expect(results.filter((r, i) => i !== 6 && r.status === "fulfilled" && r.value.ok)).toHaveLength(9);
    const [row] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE name = 'Fine' AND message_id LIKE $1`, [`fine%-${kind}-%`]);
    expect(row.n).toBe(9);
  });

  it("a messageId repeated by another request of the group is stored once; identities of one person end in one profile", async () => {
    const c = new GroupCommitter(counted, { maxMessages: 1000, concurrency: 1 });
    // Keep the committer busy so the following requests are grouped together.
    const busy = c.submit(msg("track", { userId: "warm", event: "Warm" }), {});
    const a = c.submit(msg("track", { userId: "dup-user", event: "Once", messageId: `same-${kind}` }), {});
    const b = c.submit(msg("track", { userId: "dup-user", event: "Once", messageId: `same-${kind}` }), {});
    const anon = c.submit(msg("track", { anonymousId: `anon-${kind}`, event: "Browsed" }), {});
    const join = c.submit(msg("identify", { anonymousId: `anon-${kind}`, userId: `user-${kind}`, traits: { plan: "pro" } }), {});
    const user = c.submit(msg("track", { userId: `user-${kind}`, event: "Bought" }), {});
    const [, ra, rb] = await Promise.all([busy, a, b, anon, join, user]);
    expect(ra.ok && ra.stored).toBe(1);
    expect(rb.ok && rb.stored).toBe(0);
    const [dups] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE message_id = $1`, [`same-${kind}`]);
    expect(dups.n).toBe(1);
    const profiles = await db.sql.query<{ profile_id: string }>(
      `SELECT DISTINCT profile_id FROM identities WHERE (kind = 'anonymous' AND value = $1) OR (kind = 'user' AND value = $2)`,
      [`anon-${kind}`, `user-${kind}`],
    );
    expect(profiles).toHaveLength(1);
    const [events] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE profile_id = $1 AND name IN ('Browsed', 'Bought')`, [profiles[0].profile_id]);
    expect(events.n).toBe(2);
  });
});
