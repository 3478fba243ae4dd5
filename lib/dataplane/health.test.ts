// GET /api/health: ok while the database answers, 503 as soon as it does not (a failure is never
// remembered), ok again once it is back; within 250 ms of a success, polls cost no query.
import { afterEach, describe, expect, it } from "vitest";
import { GET } from "@/app/api/health/route";
import { closeDb, useDbForTests, type Db } from "@/lib/db/client";
import { pgliteTestDb } from "@/lib/testing/db";

const holder = globalThis as unknown as { __pathwiseHealthOk?: number };

describe("GET /api/health", () => {
  afterEach(async () => {
    holder.__pathwiseHealthOk = undefined;
    await closeDb();
  });

  it("checks the database at most every 250 ms while it answers, and every call once it does not", async () => {
    const db = await pgliteTestDb();
    let queries = 0;
    let down = false;
    const watched: Db = {
      ...db,
      sql: { ...db.sql, query: (text: string, params?: unknown[]) => (queries++, down ? Promise.reject(new Error("down")) : db.sql.query(text, params)) } as Db["sql"],
    };
    useDbForTests(watched);
    for (let i = 0; i < 20; i++) expect((await GET()).status).toBe(200);
    expect(queries).toBe(1);

    down = true;
    holder.__pathwiseHealthOk = Date.now() - 300; // the last success is older than 250 ms
    const failed = await GET();
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ status: "error", error: { code: "database_unavailable" } });
    expect((await GET()).status).toBe(503);
    expect(queries).toBe(3);

    down = false;
    expect((await GET()).status).toBe(200);
    await db.close();
  });
});
