// Creating accounts through the route on PostgreSQL: concurrent requests for one email create one
// account; every other request is answered 409 (docs/api.md §3), none 500.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createAccountRoute } from "@/app/api/v1/accounts/route";
import type { Db } from "@/lib/db/client";
import { pgTestDb } from "@/lib/testing/db";
import { call, errorOf, sessionFor } from "@/lib/testing/routes";
import { useTestDb } from "@/lib/testing/db";

describe("POST /api/v1/accounts on PostgreSQL", () => {
  let db: Db;
  let adminToken = "";
  beforeAll(async () => {
    db = await pgTestDb();
    useTestDb(db);
    adminToken = (await sessionFor(db, "admin")).token;
  });
  afterAll(async () => {
    (globalThis as unknown as { __pathwiseDb?: unknown }).__pathwiseDb = undefined;
    await db?.close();
  });

  it("creates one account when eight requests race for the same email; the others get 409", async () => {
    const body = { email: "Race@Example.com", password: "password-123", role: "editor" };
    const responses = await Promise.all(Array.from({ length: 8 }, () => call(createAccountRoute, "/api/v1/accounts", { body, caller: { session: adminToken } })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    for (const r of responses.filter((r) => r.status === 409)) {
      const e = await errorOf(r);
      expect(e.code).toBe("conflict");
      expect(e.message).toMatch(/exists already/);
    }
    const created = (await responses.find((r) => r.status === 201)!.json()) as { account: { email: string; role: string } };
    expect(created.account).toMatchObject({ email: "race@example.com", role: "editor" });
    const rows = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM accounts WHERE email = 'race@example.com'`);
    expect(rows[0].n).toBe(1);
  });

  it("answers 409 for an email taken earlier, whatever its case", async () => {
    const first = await call(createAccountRoute, "/api/v1/accounts", { body: { email: "taken@example.com", password: "password-123" }, caller: { session: adminToken } });
    expect(first.status).toBe(201);
    const again = await call(createAccountRoute, "/api/v1/accounts", { body: { email: "TAKEN@example.com", password: "password-456" }, caller: { session: adminToken } });
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe("conflict");
  });
});
