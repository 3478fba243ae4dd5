// docs/api.md §4 and §7 on PostgreSQL, plus the races: concurrent requests about one person from both of
// their ids never make two profiles nor lose an event.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import * as track from "@/app/api/v1/track/route";
import * as identify from "@/app/api/v1/identify/route";
import * as alias from "@/app/api/v1/alias/route";
import * as batch from "@/app/api/v1/batch/route";
import { ingestSuite } from "./ingest-suite";
import { basic, callJson } from "@/lib/testing/routes";
import { setupDb, type TestDb } from "@/lib/testing/db";

ingestSuite("pg");

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
