// CRM import on the embedded store: CSV through the route with a bad row, JSON, coercion, progress.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as importRoute from "@/app/api/v1/import/route";
import * as importStatus from "@/app/api/v1/import/[id]/route";
import * as user from "@/app/api/v1/users/[userId]/route";
import { coerceCell, nextChunkRows } from "./import";
import { bearer, callJson } from "@/lib/testing/routes";
import { drainImports } from "@/lib/testing/imports";
import { setupDb, type TestDb } from "@/lib/testing/db";

describe("coerceCell", () => {
  it("coerces numbers and booleans, keeps zip codes and text, empty leaves alone, null removes", () => {
    expect(coerceCell("42")).toBe(42);
    expect(coerceCell("-1.5")).toBe(-1.5);
    expect(coerceCell("007")).toBe("007");
    expect(coerceCell("true")).toBe(true);
    expect(coerceCell("FALSE")).toBe(false);
    expect(coerceCell("")).toBeUndefined();
    expect(coerceCell("null")).toBeNull();
    expect(coerceCell("2024-01-01")).toBe("2024-01-01");
    expect(coerceCell("12345678901234567890")).toBe("12345678901234567890");
  });
});

describe("import chunk size on the embedded store", () => {
  it("keeps each chunk to about 10 ms of work, growing at most twofold, and stays 1,000 on PostgreSQL", () => {
    // 1,000 rows took 400 ms with requests queued: the next chunk is sized to about 10 ms.
    expect(nextChunkRows(3, 1000, 400)).toBe(25);
    // Never below 20 rows, however slow the store.
    expect(nextChunkRows(3, 100, 10_000)).toBe(20);
    // A fast chunk with requests queued grows at most twofold.
    expect(nextChunkRows(1, 50, 1)).toBe(100);
    // Nobody queued on the store: still sized to the target (a transaction holds the event loop, and
    // requests that need no statement wait for it too), growing at most twofold up to 1,000.
    expect(nextChunkRows(0, 100, 400)).toBe(20);
    expect(nextChunkRows(0, 100, 20)).toBe(50);
    expect(nextChunkRows(0, 100, 2)).toBe(200);
    expect(nextChunkRows(0, 800, 4)).toBe(1000);
    // PostgreSQL (no single connection to share): always 1,000.
    expect(nextChunkRows(null, 100, 10_000)).toBe(1000);
  });
});

describe("import on PGlite", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await setupDb("pglite");
  });
  afterAll(async () => t?.close());

  it("counts the statements and transactions in flight on the store, which an import gives way to", async () => {
    expect(t.db.pending?.()).toBe(0);
    const running = [t.db.sql.query("SELECT pg_sleep(0.02)"), t.db.tx((sql) => sql.query("SELECT 1")), t.db.sql.exec("SELECT 1")];
    expect(t.db.pending?.()).toBe(3);
    await Promise.all(running);
    expect(t.db.pending?.()).toBe(0);
    await t.db.sql.query("SELECT x FROM no_such_table").catch(() => undefined);
    expect(t.db.pending?.()).toBe(0);
  });

  it("imports a CSV, reports the bad row and coerces values", async () => {
    await callJson((await import("@/app/api/v1/identify/route")).POST, { auth: bearer(t.secret), body: { userId: "crm-1", traits: { keep: "me", drop: "x" } } });
    const csv = 'userId,email,plan,seats,vip,drop\ncrm-1,a@x.test,pro,5,true,null\n,nobody@x.test,free,1,false,\n"crm-3","c@x.test","team, large",007,,\n';
    const r = await callJson(importRoute.POST, { auth: bearer(t.secret), raw: csv, headers: { "content-type": "text/csv" }, path: "/api/v1/import?name=crm.csv" });
    expect(r.status).toBe(202);
    const id = r.json.id as string;
    const queued = await callJson(importStatus.GET, { auth: bearer(t.secret), params: { id } });
    expect(queued.json.status).toBe("queued");
    await drainImports(t.db);
    const s = await callJson(importStatus.GET, { auth: bearer(t.secret), params: { id } });
    expect(s.json).toMatchObject({ status: "done", total: 3, done: 2, failed: 1, errors: [{ row: 2, message: expect.stringContaining("userId") }] });
    const p1 = await callJson(user.GET, { auth: bearer(t.secret), params: { userId: "crm-1" } });
    expect(p1.json.traits).toEqual({ keep: "me", email: "a@x.test", plan: "pro", seats: 5, vip: true });
    const p3 = await callJson(user.GET, { auth: bearer(t.secret), params: { userId: "crm-3" } });
    expect(p3.json.traits).toEqual({ email: "c@x.test", plan: "team, large", seats: "007" });
    expect(p3.json.events).toEqual([]);
  });

  it("imports JSON and refuses what is not an array", async () => {
    const r = await callJson(importRoute.POST, { auth: bearer(t.secret), body: [{ userId: "j-1", traits: { plan: "pro" } }, { userId: "j-2" }, { traits: {} }] });
    expect(r.status).toBe(202);
    await drainImports(t.db);
    const s = await callJson(importStatus.GET, { auth: bearer(t.secret), params: { id: r.json.id } });
    expect(s.json).toMatchObject({ status: "done", total: 3, done: 2, failed: 1, errors: [{ row: 3 }] });
    expect((await callJson(user.GET, { auth: bearer(t.secret), params: { userId: "j-1" } })).json.traits).toEqual({ plan: "pro" });
    expect((await callJson(importRoute.POST, { auth: bearer(t.secret), body: { userId: "x" } })).status).toBe(400);
    expect((await callJson(importStatus.GET, { auth: bearer(t.secret), params: { id: "nope" } })).status).toBe(404);
  });

  it("fails an import whose CSV cannot be parsed, keeping the rows before", async () => {
    const csv = 'userId,plan\nok-1,pro\nok-2,"unterminated\n';
    const r = await callJson(importRoute.POST, { auth: bearer(t.secret), raw: csv, headers: { "content-type": "text/csv" } });
    await drainImports(t.db);
    const s = await callJson(importStatus.GET, { auth: bearer(t.secret), params: { id: r.json.id } });
    expect(s.json.status).toBe("failed");
    expect(s.json.errors.at(-1).message).toMatch(/could not be read/);
  });
});
