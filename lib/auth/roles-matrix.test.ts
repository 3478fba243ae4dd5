// The role test suite: every route family called through its real handler by every kind of caller
// (nobody, a write key, a secret key, and viewer, editor and admin sessions), asserting 401, 403 or
// success as designed. A family whose route file is missing fails (a renamed route never skips its checks).
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlow } from "@/lib/flows/store";
import { TEMPLATES } from "@/lib/flow/templates";
import { resetRateLimiter, createRateLimiter } from "@/lib/http/rate-limit";
import type { Db } from "@/lib/db/client";
import { call, errorOf, keyFor, sessionFor, type CallInit } from "@/lib/testing/routes";
import { installTestDb, removeTestDb } from "@/lib/testing/db";
import type { Role } from "./roles";

type Handler = (req: Request, ctx?: { params?: Promise<Record<string, string | string[]>> }) => Promise<Response>;
type Need = "write" | Role;
type CallerKind = "none" | "write key" | "secret key" | Role;
const CALLERS: CallerKind[] = ["none", "write key", "secret key", "viewer", "editor", "admin"];

/** The designed answer: 401 without credentials, 403 below the need, success otherwise. */
function expected(need: Need, who: CallerKind): 401 | 403 | "ok" {
  if (who === "none") return 401;
  if (who === "secret key") return "ok";
  if (who === "write key") return need === "write" ? "ok" : 403;
  if (need === "write") return "ok";
  const rank = { viewer: 0, editor: 1, admin: 2 } as const;
  return rank[who] >= rank[need] ? "ok" : 403;
}

type Case = {
  family: string;
  file: string; // under app/api
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  need: Need;
  /** Builds a fresh request (and whatever it acts on) for one call. */
  prepare: (db: Db) => Promise<{ path: string; params?: Record<string, string>; init?: CallInit }>;
};

const validGraph = TEMPLATES.find((t) => t.id === "role-onboarding")!;
const newFlow = async (db: Db) => (await createFlow(db, { name: "Role test", graph: validGraph.graph, settings: validGraph.settings })).id;
let userSeq = 0;

const CASES: Case[] = [
  { family: "flows read", file: "v1/flows/route.ts", method: "GET", need: "viewer", prepare: async () => ({ path: "/api/v1/flows" }) },
  {
    family: "flows read one",
    file: "v1/flows/[id]/route.ts",
    method: "GET",
    need: "viewer",
    prepare: async (db) => {
      const id = await newFlow(db);
      return { path: `/api/v1/flows/${id}`, params: { id } };
    },
  },
  { family: "flows write (create)", file: "v1/flows/route.ts", method: "POST", need: "editor", prepare: async () => ({ path: "/api/v1/flows", init: { body: { name: "x", graph: { nodes: [], edges: [] } } } }) },
  {
    family: "flows write (update)",
    file: "v1/flows/[id]/route.ts",
    method: "PUT",
    need: "editor",
    prepare: async (db) => {
      const id = await newFlow(db);
      return { path: `/api/v1/flows/${id}`, params: { id }, init: { body: { name: "renamed" } } };
    },
  },
  {
    family: "flows write (delete)",
    file: "v1/flows/[id]/route.ts",
    method: "DELETE",
    need: "editor",
    prepare: async (db) => {
      const id = await newFlow(db);
      return { path: `/api/v1/flows/${id}`, params: { id } };
    },
  },
  {
    family: "flows publish",
    file: "v1/flows/[id]/publish/route.ts",
    method: "POST",
    need: "editor",
    prepare: async (db) => {
      const id = await newFlow(db);
      return { path: `/api/v1/flows/${id}/publish`, params: { id } };
    },
  },
  {
    family: "flows pause",
    file: "v1/flows/[id]/pause/route.ts",
    method: "POST",
    need: "editor",
    prepare: async (db) => {
      const { publishFlow } = await import("@/lib/flows/store");
      const id = await newFlow(db);
      await publishFlow(db, id, "test");
      return { path: `/api/v1/flows/${id}/pause`, params: { id } };
    },
  },
  { family: "keys list", file: "v1/keys/route.ts", method: "GET", need: "admin", prepare: async () => ({ path: "/api/v1/keys" }) },
  { family: "keys create", file: "v1/keys/route.ts", method: "POST", need: "admin", prepare: async () => ({ path: "/api/v1/keys", init: { body: { kind: "write", name: "k" } } }) },
  {
    family: "keys revoke",
    file: "v1/keys/[id]/route.ts",
    method: "DELETE",
    need: "admin",
    prepare: async (db) => {
      const { createKey } = await import("./keys");
      const k = await createKey(db, { kind: "write", name: "to revoke" });
      return { path: `/api/v1/keys/${k.id}`, params: { id: k.id } };
    },
  },
  { family: "accounts list", file: "v1/accounts/route.ts", method: "GET", need: "admin", prepare: async () => ({ path: "/api/v1/accounts" }) },
  {
    family: "accounts create",
    file: "v1/accounts/route.ts",
    method: "POST",
    need: "admin",
    prepare: async () => ({ path: "/api/v1/accounts", init: { body: { email: `someone-${++userSeq}@example.com`, password: "password-123", role: "viewer" } } }),
  },
  {
    family: "accounts change role",
    file: "v1/accounts/[id]/route.ts",
    method: "PATCH",
    need: "admin",
    prepare: async (db) => {
      const { account } = await sessionFor(db, "viewer");
      return { path: `/api/v1/accounts/${account.id}`, params: { id: account.id }, init: { body: { role: "editor" } } };
    },
  },
  { family: "audit", file: "v1/audit/route.ts", method: "GET", need: "admin", prepare: async () => ({ path: "/api/v1/audit" }) },
  {
    family: "ingestion (track)",
    file: "v1/track/route.ts",
    method: "POST",
    need: "write",
    prepare: async () => ({ path: "/api/v1/track", init: { body: { userId: `u-${++userSeq}`, event: "Role Test" } } }),
  },
  {
    family: "ingestion (batch)",
    file: "v1/batch/route.ts",
    method: "POST",
    need: "write",
    prepare: async () => ({ path: "/api/v1/batch", init: { body: { batch: [{ type: "identify", userId: `u-${++userSeq}`, traits: { a: 1 } }] } } }),
  },
  {
    family: "decide",
    file: "v1/decide/route.ts",
    method: "POST",
    need: "write",
    prepare: async () => ({ path: "/api/v1/decide", init: { body: { userId: `u-${++userSeq}`, placements: ["home"] } } }),
  },
  { family: "users read", file: "v1/users/route.ts", method: "GET", need: "viewer", prepare: async () => ({ path: "/api/v1/users" }) },
  {
    family: "users delete",
    file: "v1/users/[userId]/route.ts",
    method: "DELETE",
    need: "admin",
    prepare: async (db) => {
      const userId = `erase-${++userSeq}`;
      await db.sql.query(`INSERT INTO profiles (user_id) VALUES ($1)`, [userId]);
      await db.sql.query(`INSERT INTO identities (profile_id, kind, value) SELECT id, 'user', $1 FROM profiles WHERE user_id = $1`, [userId]);
      await db.sql.query(`INSERT INTO identity_directory (profile_id, kind, value) SELECT id, 'user', $1 FROM profiles WHERE user_id = $1`, [userId]);
      return { path: `/api/v1/users/${userId}`, params: { userId } };
    },
  },
  {
    family: "import",
    file: "v1/import/route.ts",
    method: "POST",
    need: "editor",
    prepare: async () => ({ path: "/api/v1/import", init: { body: [{ userId: `imp-${++userSeq}`, traits: { plan: "pro" } }] } }),
  },
  { family: "catalog read", file: "v1/catalog/items/route.ts", method: "GET", need: "viewer", prepare: async () => ({ path: "/api/v1/catalog/items" }) },
  {
    family: "catalog upsert",
    file: "v1/catalog/items/route.ts",
    method: "POST",
    need: "editor",
    prepare: async () => ({ path: "/api/v1/catalog/items", init: { body: { items: [{ id: `item-${++userSeq}`, name: "Item" }] } } }),
  },
  {
    family: "catalog delete",
    file: "v1/catalog/items/[id]/route.ts",
    method: "DELETE",
    need: "editor",
    prepare: async (db) => {
      const id = `item-${++userSeq}`;
      await db.sql.query(`INSERT INTO catalog_items (id, name) VALUES ($1, 'Item')`, [id]);
      return { path: `/api/v1/catalog/items/${id}`, params: { id } };
    },
  },
  {
    family: "recommendations",
    file: "v1/users/[userId]/recommendations/route.ts",
    method: "GET",
    need: "viewer",
    prepare: async () => ({ path: "/api/v1/users/someone/recommendations?strategy=popular", params: { userId: "someone" } }),
  },
  {
    family: "simulate",
    file: "v1/simulate/route.ts",
    method: "POST",
    need: "editor", // the canvas's sandbox: part of editing a flow
    prepare: async () => ({ path: "/api/v1/simulate", init: { body: { graph: validGraph.graph, settings: validGraph.settings, profile: { traits: {} }, events: [] } } }),
  },
];

const routeFile = (file: string) => path.join(process.cwd(), "app", "api", file);

describe("every route family enforces its role", () => {
  let db: Db;
  const creds = {} as Record<CallerKind, CallInit["caller"]>;

  beforeAll(async () => {
    db = await installTestDb();
    resetRateLimiter(createRateLimiter({ write: "0", api: "0" }));
    creds.none = null;
    creds["write key"] = { key: await keyFor(db, "write") };
    creds["secret key"] = { key: await keyFor(db, "secret") };
    for (const role of ["viewer", "editor", "admin"] as const) creds[role] = { session: (await sessionFor(db, role)).token };
  });
  afterAll(async () => {
    resetRateLimiter();
    await removeTestDb(db);
  });

  for (const c of CASES) {
    // No skipping: a route moved or renamed without updating this table fails its family's tests.
    describe(`${c.family}: ${c.method} (${c.need})`, () => {
      for (const who of CALLERS) {
        const want = expected(c.need, who);
        it(`${who} → ${want === "ok" ? "2xx" : want}`, async () => {
          expect(existsSync(routeFile(c.file)), `app/api/${c.file} exists`).toBe(true);
          const mod = (await import(/* @vite-ignore */ routeFile(c.file))) as Record<string, Handler>;
          const handler = mod[c.method];
          expect(handler, `${c.file} exports ${c.method}`).toBeTypeOf("function");
          const { path: p, params, init } = await c.prepare(db);
          const res = await call(handler, p, { method: c.method, ...init, caller: creds[who] }, params);
          if (want === "ok") {
            const text = res.status >= 300 ? await res.text() : "";
            expect(res.status, `${who} on ${c.family}: ${text}`).toBeGreaterThanOrEqual(200);
            expect(res.status, `${who} on ${c.family}: ${text}`).toBeLessThan(300);
          } else {
            expect(res.status).toBe(want);
            expect((await errorOf(res)).code).toBe(want === 401 ? "unauthorized" : "forbidden");
          }
        });
      }
    });
  }

  it("refuses a console session's cross-site mutation (CSRF) but not its reads", async () => {
    const { POST } = await import("@/app/api/v1/flows/route");
    const { GET } = await import("@/app/api/v1/flows/route");
    const res = await call(POST, "/api/v1/flows", { body: { name: "x", graph: { nodes: [], edges: [] } }, caller: creds.admin, crossSite: true });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).message).toMatch(/Cross-origin/);
    expect((await call(GET, "/api/v1/flows", { caller: creds.viewer, crossSite: true })).status).toBe(200);
    // A key is not a cookie: cross-site requests with a key are fine (no ambient authority).
    expect((await call(POST, "/api/v1/flows", { body: { name: "x", graph: { nodes: [], edges: [] } }, caller: creds["secret key"], headers: { origin: "https://elsewhere.example" } })).status).toBe(201);
  });

  it("accepts a write key sent as Segment does (Basic base64(key:)) and refuses a revoked key", async () => {
    const { GET } = await import("@/app/api/v1/flows/route");
    const { createKey, revokeKey } = await import("./keys");
    const secret = await createKey(db, { kind: "secret", name: "soon revoked" });
    expect((await call(GET, "/api/v1/flows", { caller: { key: secret.key, basic: true } })).status).toBe(200);
    await revokeKey(db, secret.id);
    expect((await call(GET, "/api/v1/flows", { caller: { key: secret.key } })).status).toBe(401);
  });
});
