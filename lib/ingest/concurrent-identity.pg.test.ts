// 20 clients send random mixes of identify, alias and track at once on PostgreSQL (merges racing
// merges): no answer is a 5xx, and every track that was answered 200 is stored exactly once.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as track from "@/app/api/v1/track/route";
import * as identify from "@/app/api/v1/identify/route";
import * as alias from "@/app/api/v1/alias/route";
import { assertSeeded } from "@/tests/property/support";
import { bearer, callJson } from "@/lib/testing/routes";
import { setupDb, type TestDb } from "@/lib/testing/db";

const CLIENTS = 20;
const RUNS = Number(process.env.PROPERTY_RUNS_PG ?? 3);

type Op = { kind: "identify" | "alias" | "track"; a: number; b: number; byUser: boolean };
const op: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom("identify", "alias", "track", "track") as fc.Arbitrary<Op["kind"]>,
  a: fc.nat({ max: 5 }),
  b: fc.nat({ max: 7 }),
  byUser: fc.boolean(),
});

describe("concurrent identity merges on PostgreSQL", () => {
  let t: TestDb;
  let auth: string;
  let round = 0;
  beforeAll(async () => {
    t = await setupDb("pg");
    auth = bearer(t.secret);
  }, 60_000);
  afterAll(async () => t?.close());

  it("never answers 5xx and loses no event", async () => {
    await assertSeeded(
      fc.asyncProperty(fc.array(fc.array(op, { minLength: 4, maxLength: 10 }), { minLength: CLIENTS, maxLength: CLIENTS }), async (clients) => {
        const r = ++round;
        const user = (i: number) => `r${r}-u${i}`;
        const anon = (i: number) => `r${r}-a${i}`;
        const accepted: string[] = [];
        const failures: string[] = [];
        await Promise.all(
          clients.map(async (ops, c) => {
            for (const [i, o] of ops.entries()) {
              let res;
              if (o.kind === "identify") res = await callJson(identify.POST, { auth, body: { userId: user(o.a), anonymousId: anon(o.b), traits: { c } } });
              else if (o.kind === "alias") res = await callJson(alias.POST, { auth, body: { previousId: o.byUser ? user((o.a + 1) % 6) : anon(o.b), userId: user(o.a) } });
              else {
                const messageId = `r${r}-c${c}-${i}`;
                const who = o.byUser ? { userId: user(o.a) } : { anonymousId: anon(o.b) };
                res = await callJson(track.POST, { auth, body: { ...who, event: "Clicked", messageId } });
                if (res.status === 200) accepted.push(messageId);
              }
              if (res.status >= 500 || res.status !== 200) failures.push(`${o.kind} ${JSON.stringify(o)} -> ${res.status} ${JSON.stringify(res.json)}`);
            }
          }),
        );
        expect(failures).toEqual([]);
        const rows = await t.db.sql.query<{ message_id: string; n: number }>(
          `SELECT message_id, count(*)::int AS n FROM events WHERE message_id = ANY($1::text[]) GROUP BY message_id`,
          [accepted],
        );
        expect(rows.length).toBe(accepted.length);
        expect(rows.every((x) => x.n === 1)).toBe(true);
      }),
      // No shrinking: each case is 20 clients of real traffic, and the failures name the request.
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 600_000);
});
