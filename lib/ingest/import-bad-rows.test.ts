// Rows that cannot be stored never jam an import: a NUL (or a lone surrogate) in a cell, a row over the
// 32 KB message limit; each is reported in errors and the other rows are applied. A job that runs out
// of attempts ends the import as failed with its reason. Real route handlers and job runner, PGlite.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as importRoute from "@/app/api/v1/import/route";
import * as importStatus from "@/app/api/v1/import/[id]/route";
import * as user from "@/app/api/v1/users/[userId]/route";
import { createImport, handleImportExhausted } from "./import";
import { bearer, callJson } from "@/lib/testing/routes";
import { drainImports } from "@/lib/testing/imports";
import { setupDb, type TestDb } from "@/lib/testing/db";

describe("imports with rows that cannot be stored", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await setupDb("pglite");
  });
  afterAll(async () => t?.close());

  const upload = async (raw: string, type = "text/csv") => {
    const r = await callJson(importRoute.POST, { auth: bearer(t.secret), raw, headers: { "content-type": type } });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    await drainImports(t.db);
    return (await callJson(importStatus.GET, { auth: bearer(t.secret), params: { id: r.json.id } })).json;
  };
  const traits = async (userId: string) => (await callJson(user.GET, { auth: bearer(t.secret), params: { userId } })).json.traits;

  it("a NUL in a CSV cell fails that row only", async () => {
    const s = await upload("userId,plan,note\nnul-1,pro,ok\nnul-2,free,a\u0000b\nnul-3,team,fine\n");
    expect(s).toMatchObject({ status: "done", total: 3, done: 2, failed: 1 });
    expect(s.errors).toEqual([{ row: 2, message: expect.stringMatching(/NUL/) }]);
    expect(await traits("nul-1")).toMatchObject({ plan: "pro" });
    expect(await traits("nul-3")).toMatchObject({ plan: "team" });
    expect((await callJson(user.GET, { auth: bearer(t.secret), params: { userId: "nul-2" } })).status).toBe(404);
  });

  it("a NUL in a JSON trait or a userId fails that row only", async () => {
    const s = await upload(JSON.stringify([{ userId: "j-1", traits: { a: 1 } }, { userId: "j-2", traits: { a: "x\u0000" } }, { userId: "j\u00003", traits: {} }, { userId: "j-4", traits: { a: 4 } }]), "application/json");
    expect(s).toMatchObject({ status: "done", done: 2, failed: 2 });
    expect(s.errors.map((e: { row: number }) => e.row)).toEqual([2, 3]);
    expect(await traits("j-4")).toMatchObject({ a: 4 });
  });

  it("a row over 32 KB is refused like a message over 32 KB", async () => {
    const big = "x".repeat(33 * 1024);
    const s = await upload(`userId,bio\nbig-1,short\nbig-2,${big}\nbig-3,short\n`);
    expect(s).toMatchObject({ status: "done", done: 2, failed: 1 });
    expect(s.errors).toEqual([{ row: 2, message: expect.stringMatching(/32 KB/) }]);
    expect((await callJson(user.GET, { auth: bearer(t.secret), params: { userId: "big-2" } })).status).toBe(404);
  });

  it("an import whose job ran out of attempts ends failed, with the reason", async () => {
    const created = await createImport(t.db, { data: Buffer.from("userId,plan\nx-1,pro\n"), format: "csv" });
    if (!created.ok) throw new Error(created.message);
    const [job] = await t.db.sql.query<{ id: number; payload: unknown }>(`SELECT id, payload FROM jobs WHERE key = $1`, [`import:${created.id}`]);
    await handleImportExhausted({ ...job, queue: "import", attempts: 5, max_attempts: 5 } as never, "connection reset", { db: t.db });
    const s = (await callJson(importStatus.GET, { auth: bearer(t.secret), params: { id: created.id } })).json;
    expect(s.status).toBe("failed");
    expect(s.finishedAt).not.toBeNull();
    expect(s.errors).toEqual([{ row: 1, message: expect.stringContaining("connection reset") }]);
  });
});

describe("large imports", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await setupDb("pglite");
  });
  afterAll(async () => t?.close());

  it("a CSV over 10 MB is imported whole: every row counted and applied", async () => {
    const rows = 2_700;
    const pad = "p".repeat(4000);
    let csv = "userId,n,pad\n";
    for (let i = 1; i <= rows; i++) csv += `big-${i},${i},${pad}\n`;
    expect(Buffer.byteLength(csv)).toBeGreaterThan(10 * 1024 * 1024);
    const r = await callJson(importRoute.POST, { auth: bearer(t.secret), raw: csv, headers: { "content-type": "text/csv" } });
    expect(r.status).toBe(202);
    await drainImports(t.db);
    const s = (await callJson(importStatus.GET, { auth: bearer(t.secret), params: { id: r.json.id } })).json;
    expect(s).toMatchObject({ status: "done", total: rows, done: rows, failed: 0 });
    expect((await callJson(user.GET, { auth: bearer(t.secret), params: { userId: `big-${rows}` } })).json.traits).toMatchObject({ n: rows });
  }, 180_000);

  it("over the limit: 413, by the declared length or while reading", async () => {
    const big = "userId\n" + "x\n".repeat(60 * 1024 * 1024);
    const declared = await callJson(importRoute.POST, { auth: bearer(t.secret), raw: "userId\nu1\n", headers: { "content-type": "text/csv", "content-length": String(101 * 1024 * 1024) } });
    expect(declared.status).toBe(413);
    expect(declared.json.error.code).toBe("payload_too_large");
    const read = await callJson(importRoute.POST, { auth: bearer(t.secret), raw: big, headers: { "content-type": "text/csv" } });
    expect(read.status).toBe(413);
  }, 60_000);

  it("the console proxy never sees /api/ (it would cut bodies over 10 MB)", async () => {
    const { config } = await import("@/proxy");
    const matches = (path: string) => config.matcher.some((m) => new RegExp(`^${m}$`).test(path));
    for (const p of ["/api/v1/import", "/api/v1/track", "/api/health", "/api"]) expect(matches(p), p).toBe(false);
    for (const p of ["/flows", "/flows/abc", "/settings/keys", "/apis-page"]) expect(matches(p), p).toBe(true);
  });
});
