// Team management and the audit log through their route handlers: role changes and removals are
// admin-only, never leave the console without an admin, end sessions, and are written to the log.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PATCH, DELETE } from "@/app/api/v1/accounts/[id]/route";
import { GET as listAccounts, POST as createAccountRoute } from "@/app/api/v1/accounts/route";
import { GET as auditList } from "@/app/api/v1/audit/route";
import { POST as createKeyRoute } from "@/app/api/v1/keys/route";
import { DELETE as revokeKeyRoute } from "@/app/api/v1/keys/[id]/route";
import { findSession } from "./sessions";
import { call, errorOf, sessionFor } from "@/lib/testing/routes";
import { installTestDb, removeTestDb, useTestDb } from "@/lib/testing/db";
import type { Db } from "@/lib/db/client";

type AuditBody = { entries: { id: number; actor: string; action: string; target: string | null; details: Record<string, unknown> }[]; nextBefore: number | null };

describe("team management", () => {
  let db: Db;
  let admin: Awaited<ReturnType<typeof sessionFor>>;

  beforeAll(async () => {
    db = await installTestDb();
    admin = await sessionFor(db, "admin");
  });
  afterAll(async () => removeTestDb(db));

  const asAdmin = () => ({ session: admin.token });

  it("changes a role, which applies to the account's live session at once", async () => {
    const ed = await sessionFor(db, "editor");
    const res = await call(PATCH, `/api/v1/accounts/${ed.account.id}`, { method: "PATCH", body: { role: "viewer" }, caller: asAdmin() }, { id: ed.account.id });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { account: { role: string } }).account.role).toBe("viewer");
    expect((await findSession(db, ed.token))?.role).toBe("viewer");
  });

  it("refuses to demote or remove the last admin (409), and allows it once another admin exists", async () => {
    const solo = await installTestDb();
    try {
      const a = await sessionFor(solo, "admin");
      const me = { session: a.token };
      let res = await call(PATCH, "/", { method: "PATCH", body: { role: "editor" }, caller: me }, { id: a.account.id });
      expect(res.status).toBe(409);
      expect((await errorOf(res)).details).toEqual([{ code: "last_admin" }]);
      res = await call(DELETE, "/", { method: "DELETE", caller: me }, { id: a.account.id });
      expect(res.status).toBe(409);
      const b = await sessionFor(solo, "admin");
      res = await call(DELETE, "/", { method: "DELETE", caller: me }, { id: b.account.id });
      expect(res.status).toBe(204);
      expect(await findSession(solo, b.token)).toBeNull(); // its session ended with it
      res = await call(PATCH, "/", { method: "PATCH", body: { role: "editor" }, caller: me }, { id: a.account.id });
      expect(res.status).toBe(409);
    } finally {
      await removeTestDb(solo);
      useTestDb(db);
    }
  });

  it("answers 404 for an unknown account and 400 for a bad role or an empty change", async () => {
    expect((await call(PATCH, "/", { method: "PATCH", body: { role: "viewer" }, caller: asAdmin() }, { id: "nope" })).status).toBe(404);
    expect((await call(DELETE, "/", { method: "DELETE", caller: asAdmin() }, { id: "nope" })).status).toBe(404);
    const v = await sessionFor(db, "viewer");
    expect((await call(PATCH, "/", { method: "PATCH", body: { role: "owner" }, caller: asAdmin() }, { id: v.account.id })).status).toBe(400);
    expect((await call(PATCH, "/", { method: "PATCH", body: {}, caller: asAdmin() }, { id: v.account.id })).status).toBe(400);
  });

  it("is admin only", async () => {
    const ed = await sessionFor(db, "editor");
    const v = await sessionFor(db, "viewer");
    expect((await call(PATCH, "/", { method: "PATCH", body: { role: "admin" }, caller: { session: ed.token } }, { id: ed.account.id })).status).toBe(403);
    expect((await call(DELETE, "/", { method: "DELETE", caller: { session: ed.token } }, { id: v.account.id })).status).toBe(403);
    expect((await call(listAccounts, "/api/v1/accounts", { caller: { session: v.token } })).status).toBe(403);
    expect((await call(auditList, "/api/v1/audit", { caller: { session: ed.token } })).status).toBe(403);
  });

  it("logs flow publish and pause and user erasure with who did it", async () => {
    const { createFlow } = await import("@/lib/flows/store");
    const { TEMPLATES } = await import("@/lib/flow/templates");
    const { POST: publish } = await import("@/app/api/v1/flows/[id]/publish/route");
    const { POST: pause } = await import("@/app/api/v1/flows/[id]/pause/route");
    const { DELETE: erase } = await import("@/app/api/v1/users/[userId]/route");
    const ed = await sessionFor(db, "editor");
    const t = TEMPLATES.find((x) => x.id === "role-onboarding")!;
    const flow = await createFlow(db, { name: "Audited", graph: t.graph, settings: t.settings });
    expect((await call(publish, "/", { method: "POST", caller: { session: ed.token } }, { id: flow.id })).status).toBe(200);
    expect((await call(pause, "/", { method: "POST", caller: { session: ed.token } }, { id: flow.id })).status).toBe(200);
    await db.sql.query(`INSERT INTO profiles (user_id) VALUES ('audited-user')`);
    await db.sql.query(`INSERT INTO identities (profile_id, kind, value) SELECT id, 'user', 'audited-user' FROM profiles WHERE user_id = 'audited-user'`);
    await db.sql.query(`INSERT INTO identity_directory (profile_id, kind, value) SELECT id, 'user', 'audited-user' FROM profiles WHERE user_id = 'audited-user'`);
    expect((await call(erase, "/", { method: "DELETE", caller: asAdmin() }, { userId: "audited-user" })).status).toBe(204);
    const log = (await (await call(auditList, "/api/v1/audit", { caller: asAdmin() })).json()) as AuditBody;
    const about = (target: string) => log.entries.filter((e) => e.target === target).map((e) => [e.action, e.actor]);
    expect(about(flow.id)).toEqual([["flow.pause", ed.account.email], ["flow.publish", ed.account.email]]);
    expect(about("audited-user")).toEqual([["user.erase", admin.account.email]]);
  });

  it("logs account, key changes in the audit log, newest first, filtered and paged", async () => {
    const created = await call(createAccountRoute, "/api/v1/accounts", { body: { email: "new.person@example.com", password: "password-123", role: "editor" }, caller: asAdmin() });
    expect(created.status).toBe(201);
    const { account } = (await created.json()) as { account: { id: string } };
    await call(PATCH, "/", { method: "PATCH", body: { role: "admin" }, caller: asAdmin() }, { id: account.id });
    await call(DELETE, "/", { method: "DELETE", caller: asAdmin() }, { id: account.id });
    const key = (await (await call(createKeyRoute, "/api/v1/keys", { body: { kind: "write", name: "site" }, caller: asAdmin() })).json()) as { id: string };
    expect((await call(revokeKeyRoute, "/", { method: "DELETE", caller: asAdmin() }, { id: key.id })).status).toBe(204);

    const res = await call(auditList, "/api/v1/audit?limit=200", { caller: asAdmin() });
    expect(res.status).toBe(200);
    const log = (await res.json()) as AuditBody;
    const mine = log.entries.filter((e) => e.target === account.id || e.target === key.id).map((e) => e.action);
    expect(mine).toEqual(["key.revoke", "key.create", "account.delete", "account.role", "account.create"]);
    expect(log.entries.filter((e) => e.target === account.id || e.target === key.id).every((e) => e.actor === admin.account.email)).toBe(true);
    const role = log.entries.find((e) => e.action === "account.role" && e.target === account.id);
    expect(role?.details).toMatchObject({ from: "editor", to: "admin" });

    const family = (await (await call(auditList, "/api/v1/audit?action=account.", { caller: asAdmin() })).json()) as AuditBody;
    expect(family.entries.length).toBeGreaterThan(0);
    expect(family.entries.every((e) => e.action.startsWith("account."))).toBe(true);

    const page1 = (await (await call(auditList, "/api/v1/audit?limit=2", { caller: asAdmin() })).json()) as AuditBody;
    expect(page1.entries).toHaveLength(2);
    expect(page1.nextBefore).toBe(page1.entries[1].id);
    const page2 = (await (await call(auditList, `/api/v1/audit?limit=2&before=${page1.nextBefore}`, { caller: asAdmin() })).json()) as AuditBody;
    expect(page2.entries[0].id).toBeLessThan(page1.entries[1].id);

    expect((await call(auditList, "/api/v1/audit?limit=0", { caller: asAdmin() })).status).toBe(400);
  });
});
