// Browser endpoints called from customers' sites answer with CORS headers, errors included.
import { afterAll, beforeAll, expect, it } from "vitest";
import { pgliteTestDb, useTestDb } from "@/lib/testing/db";
import type { Db } from "@/lib/db/client";
import * as decide from "@/app/api/v1/decide/route";
import * as outcomes from "@/app/api/v1/outcomes/route";

let db: Db;
beforeAll(async () => {
  process.env.PATHWISE_API_KEY = "pw_sk_cors_test";
  db = await pgliteTestDb();
  useTestDb(db);
});
afterAll(() => db.close());

const post = (body: unknown, auth = "Bearer pw_sk_cors_test") =>
  new Request("http://localhost/api/v1/decide", { method: "POST", headers: { "content-type": "application/json", authorization: auth, origin: "https://shop.example" }, body: JSON.stringify(body) });

it("preflight and answers of /decide and /outcomes carry CORS headers", async () => {
  const pre = decide.OPTIONS();
  expect(pre.status).toBe(204);
  expect(pre.headers.get("access-control-allow-headers")).toContain("authorization");
  const ok = await decide.POST(post({ userId: "nobody", placements: ["home"] }));
  expect(ok.status).toBe(200);
  expect(ok.headers.get("access-control-allow-origin")).toBe("*");
  expect(await ok.json()).toEqual({ decisions: { home: null } });
  const unauthorized = await decide.POST(post({ userId: "x", placements: ["home"] }, "Bearer wrong"));
  expect(unauthorized.status).toBe(401);
  expect(unauthorized.headers.get("access-control-allow-origin")).toBe("*");
  const missing = await outcomes.POST(post({ decisionId: "00000000-0000-0000-0000-000000000000", type: "shown" }));
  expect(missing.status).toBe(404);
  expect(missing.headers.get("access-control-allow-origin")).toBe("*");
});
