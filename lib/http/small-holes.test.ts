// Smaller holes, each through the real route handler: cookie-authenticated ingestion from a foreign
// Origin without Sec-Fetch-Site, and /api/metrics without a secret key or the metrics token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { installTestDb, removeTestDb } from "@/lib/testing/db";
import { keyFor, request, sessionFor } from "@/lib/testing/routes";
import * as track from "@/app/api/v1/track/route";
import * as metricsRoute from "@/app/api/metrics/route";

describe("small holes", () => {
  let db: Db;
  let secret: string;
  let write: string;
  let session: string;
  beforeAll(async () => {
    db = await installTestDb();
    secret = await keyFor(db, "secret");
    write = await keyFor(db, "write");
    session = (await sessionFor(db, "admin")).token;
  });
  afterAll(async () => {
    delete process.env.PATHWISE_METRICS_TOKEN;
    await removeTestDb(db);
  });

  it("refuses cookie-authenticated ingestion from a foreign Origin when Sec-Fetch-Site is absent", async () => {
    const req = request("/api/v1/track", { body: { userId: "u", event: "E" }, caller: { session } });
    req.headers.delete("sec-fetch-site");
    req.headers.set("origin", "https://evil.example");
    expect((await track.POST(req)).status).toBe(403);
    const own = request("/api/v1/track", { body: { userId: "u", event: "E" }, caller: { session } });
    own.headers.delete("sec-fetch-site");
    own.headers.set("origin", "http://pathwise.test");
    own.headers.set("host", "pathwise.test");
    expect((await track.POST(own)).status).toBe(200);
  });

  it("/api/metrics needs a secret key or PATHWISE_METRICS_TOKEN", async () => {
    const get = (headers: Record<string, string> = {}) => metricsRoute.GET(request("/api/metrics", { headers }));
    expect((await get()).status).toBe(401);
    expect((await get({ authorization: `Bearer ${write}` })).status).toBe(403);
    expect((await metricsRoute.GET(request("/api/metrics", { caller: { session } }))).status).toBe(403);
    const ok = await get({ authorization: `Bearer ${secret}` });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^# HELP /m);
    process.env.PATHWISE_METRICS_TOKEN = "scrape-token-123";
    expect((await get({ authorization: "Bearer scrape-token-123" })).status).toBe(200);
    expect((await get({ authorization: "Bearer scrape-token-124" })).status).toBe(401);
    const err = (await (await get()).json()) as { error: { code: string } };
    expect(err.error.code).toBe("unauthorized");
  });
});
