// The key check on the hot path (/decide, ingestion) costs no database round trip while cached, and a
// revoke reaches every instance within KEY_CACHE_MS (< 5 s): at once in the revoking process, on the
// others when their entry expires. The clock is passed in, so nothing here sleeps.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import { pgliteTestDb } from "@/lib/testing/db";
import { createKey, findKey, KEY_CACHE_MS, revokeKey } from "./keys";

describe("key cache", () => {
  let db: Db;
  let queries = 0;
  let counted: Db;
  beforeAll(async () => {
    db = await pgliteTestDb();
    const sql: Sql = { ...db.sql, query: (text, params, opts) => (queries++, db.sql.query(text, params, opts)) };
    counted = { ...db, sql };
  });
  afterAll(async () => db?.close());

  it("answers from the cache, and a revoke elsewhere is seen once the entry expires (< 5 s)", async () => {
    expect(KEY_CACHE_MS).toBeLessThan(5_000);
    const { key } = await createKey(db, { kind: "write", name: "cached" });
    const t0 = 1_000_000_000_000;
    expect(await findKey(counted, key, t0)).toMatchObject({ kind: "write", name: "cached" });
    const after = queries;
    expect(await findKey(counted, key, t0 + 1_000)).toMatchObject({ kind: "write" });
    expect(queries - after).toBe(0);
    // Another instance revokes it: this process does not hear of it, its entry expires.
    await db.sql.query(`UPDATE api_keys SET revoked_at = now() WHERE hash IS NOT NULL AND name = 'cached'`);
    expect(await findKey(counted, key, t0 + KEY_CACHE_MS - 1)).not.toBeNull();
    expect(await findKey(counted, key, t0 + KEY_CACHE_MS)).toBeNull();
  });

  it("a revoke in this process takes effect at once", async () => {
    const created = await createKey(db, { kind: "secret", name: "local" });
    const now = Date.now();
    expect(await findKey(db, created.key, now)).not.toBeNull();
    await revokeKey(db, created.id);
    expect(await findKey(db, created.key, now + 1)).toBeNull();
  });
});
