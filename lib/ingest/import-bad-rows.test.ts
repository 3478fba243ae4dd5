// Rows that cannot be stored never jam an import: a NUL (or a lone surrogate) in a cell, a row over the
// 32 KB message limit; each is reported in errors and the other rows are applied. A job that runs out
// of attempts ends the import as failed with its reason. Real route handlers and job runner, PGlite.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as importRoute from "@/app/api/v1/import/route";
import * as importStatus from "@/app/api/v1/import/[id]/route";
import * as user from "@/app/api/v1/users/[userId]/route";
import { createImport, handleImportExhausted } from "./import";
import { bearer, call, drainImports, setupDb, type TestDb } from "./test-helpers";

describe("imports with rows that cannot be stored", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await setupDb("pglite");
  });
  afterAll(async () => t?.close());

  const upload = async (raw: string, type = "text/csv") => {
    const r = await call(importRoute.POST, { auth: bearer(t.secret), raw, headers: { "content-type": type } });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    await drainImports(t.db);
    return (await call(importStatus.GET, { auth: bearer(t.secret), params: { id: r.json.id } })).json;
  };
  const traits = async (userId: string) => (await call(user.GET, { auth: bearer(t.secret), params: { userId } })).json.traits;

  it("a NUL in a CSV cell fails that row only", async () => {
    const s = await upload("userId,plan,note\nnul-1,pro,ok\nnul-2,free,a\u0000b\nnul-3,team,fine\n");
    expect(s).toMatchObject({ status: "done", total: 3, done: 2, failed: 1 });
    expect(s.errors).toEqual([{ row: 2, message: expect.stringMatching(/NUL/) }]);
    expect(await traits("nul-1")).toMatchObject({ plan: "pro" });
    expect(await traits("nul-3")).toMatchObject({ plan: "team" });
    expect((await call(user.GET, { auth: bearer(t.secret), params: { userId: "nul-2" } })).status).toBe(404);
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
    expect((await call(user.GET, { auth: bearer(t.secret), params: { userId: "big-2" } })).status).toBe(404);
  });

  it("an import whose job ran out of attempts ends failed, with the reason", async () => {
    const created = await createImport(t.db, { data: Buffer.from("userId,plan\nx-1,pro\n"), format: "csv" });
    if (!created.ok) throw new Error(created.message);
    const [job] = await t.db.sql.query<{ id: number; payload: unknown }>(`SELECT id, payload FROM jobs WHERE key = $1`, [`import:${created.id}`]);
    await handleImportExhausted({ ...job, queue: "import", attempts: 5, max_attempts: 5 } as never, "connection reset", { db: t.db });
    const s = (await call(importStatus.GET, { auth: bearer(t.secret), params: { id: created.id } })).json;
    expect(s.status).toBe("failed");
    expect(s.finishedAt).not.toBeNull();
    expect(s.errors).toEqual([{ row: 1, message: expect.stringContaining("connection reset") }]);
  });
});
