// Property-based tests over ingestion bodies (docs/api.md §4: track, identify, page, alias, batch) and the
// decision endpoints (decide, outcomes): arbitrary JSON, broken JSON and near-valid messages with
// mutated fields never get a 500, and every error is docs/api.md §3 with a 4xx.
import { existsSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRateLimiter, resetRateLimiter } from "./rate-limit";
import { call, keyFor } from "@/lib/testing/routes";
import { installTestDb, removeTestDb } from "@/lib/testing/db";
import { assertContractAnswer, assertSeeded, mutation, mutate, rawBody } from "@/tests/property/support";
import type { Db } from "@/lib/db/client";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
type Handler = (req: Request, ctx?: { params?: Promise<Record<string, string | string[]>> }) => Promise<Response>;

const now = "2026-11-29T10:00:00.000Z";
const SEEDS: Record<string, unknown> = {
  track: { userId: "u1", anonymousId: "a1", event: "Order Completed", properties: { total: 42.5, items: ["a", "b"], coupon: null }, timestamp: now, messageId: "m-track", context: { ip: "127.0.0.1", page: { path: "/" } } },
  identify: { userId: "u1", anonymousId: "a1", traits: { email: "u1@example.com", plan: "pro", seats: 3 }, timestamp: now, messageId: "m-identify" },
  page: { anonymousId: "a2", name: "Pricing", properties: { path: "/pricing", url: "https://shop.example/pricing" }, timestamp: now },
  alias: { previousId: "a2", userId: "u2" },
  batch: {
    batch: [
      { type: "track", userId: "u3", event: "Viewed", properties: { sku: "x" } },
      { type: "identify", anonymousId: "a3", traits: { plan: "free" } },
      { type: "page", userId: "u3", name: "Home" },
      { type: "alias", previousId: "a3", userId: "u3" },
    ],
  },
  decide: { userId: "u1", placements: ["home", "onboarding"], context: { page: "/" } },
  outcomes: { decisionId: "d-unknown", type: "shown" },
};

const routeFile = (name: string) => path.join(process.cwd(), "app", "api", "v1", name, "route.ts");

describe("ingestion and decision bodies: never a 500, always a docs/api.md §3 error or a success", () => {
  let db: Db;
  let key: string;

  beforeAll(async () => {
    db = await installTestDb();
    resetRateLimiter(createRateLimiter({ write: "0", api: "0" }));
    key = await keyFor(db, "write");
  });
  afterAll(async () => {
    resetRateLimiter();
    await removeTestDb(db);
  });

  for (const [name, seed] of Object.entries(SEEDS)) {
    // A moved or renamed route fails here rather than taking its property tests with it.
    describe(`POST /api/v1/${name}`, () => {
      const handler = async () => {
        expect(existsSync(routeFile(name)), `app/api/v1/${name}/route.ts exists`).toBe(true);
        const post = ((await import(/* @vite-ignore */ routeFile(name))) as { POST?: Handler }).POST;
        expect(post, `app/api/v1/${name}/route.ts exports POST`).toBeTypeOf("function");
        return post!;
      };

      it("accepts the valid seed", async () => {
        const res = await call(await handler(), `/api/v1/${name}`, { body: seed, caller: { key } });
        // outcomes for an unknown decision is a 404; everything else must succeed.
        if (name === "outcomes") expect([200, 404]).toContain(res.status);
        else expect(res.status, await res.clone().text()).toBe(200);
        await assertContractAnswer(res, () => JSON.stringify(seed));
      });

      it("arbitrary or broken JSON", async () => {
        const post = await handler();
        await assertSeeded(
          fc.asyncProperty(rawBody, async (raw) => {
            const res = await call(post, `/api/v1/${name}`, { method: "POST", raw, headers: { "content-type": "application/json" }, caller: { key } });
            await assertContractAnswer(res, () => raw);
          }),
          { numRuns: RUNS },
        );
      });

      it("near-valid messages with mutated fields", async () => {
        const post = await handler();
        await assertSeeded(
          fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), async (muts, basic) => {
            const body = muts.reduce<unknown>((d, m) => mutate(d, m.pick, m.how, m.value, m.key), seed);
            const res = await call(post, `/api/v1/${name}`, { body, caller: { key, basic } });
            await assertContractAnswer(res, () => JSON.stringify(body));
          }),
          { numRuns: RUNS },
        );
      });

      it("a body over the limit is 413, a missing key 401", async () => {
        const post = await handler();
        const big = JSON.stringify({ ...(seed as object), filler: "x".repeat(600 * 1024) });
        const res = await call(post, `/api/v1/${name}`, { method: "POST", raw: big, headers: { "content-type": "application/json" }, caller: { key } });
        expect(res.status).toBe(413);
        await assertContractAnswer(res, () => "600 KB body");
        const anon = await call(post, `/api/v1/${name}`, { body: seed });
        expect(anon.status).toBe(401);
        await assertContractAnswer(anon, () => "no key");
      });
    });
  }
});
