// Sessions: a new token at every sign-in, sign-out deletes the session, expired and idle sessions are
// refused and removed; login throttling through the real login route.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as login } from "@/app/api/auth/login/route";
import { POST as logout } from "@/app/api/auth/logout/route";
import { GET as me } from "@/app/api/auth/me/route";
import { createAccount } from "./accounts";
import { createSession, findSession, SESSION_COOKIE, SESSION_IDLE_MS } from "./sessions";
import { sha256 } from "./tokens";
import { resetLoginThrottle } from "./throttle";
import { safeNext } from "./redirect";
import { call, errorOf, ORIGIN } from "@/lib/testing/routes";
import { installTestDb, removeTestDb } from "@/lib/testing/db";
import type { Db } from "@/lib/db/client";

const PASSWORD = "correct-horse-1";

function signIn(email: string, password: string, ip = "192.0.2.1", extra: Record<string, string> = {}) {
  return login(
    new Request(`${ORIGIN}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", host: new URL(ORIGIN).host, "x-pathwise-peer": ip, ...extra },
      body: JSON.stringify({ email, password }),
    }),
  );
}

function tokenOf(res: Response): string {
  const cookie = res.headers.get("set-cookie") ?? "";
  const m = new RegExp(`${SESSION_COOKIE}=([^;]*)`).exec(cookie);
  if (!m) throw new Error(`no session cookie in ${cookie}`);
  return decodeURIComponent(m[1]);
}

describe("sessions", () => {
  let db: Db;
  let accountId: string;
  const email = "session.person@example.com";

  beforeAll(async () => {
    db = await installTestDb();
    accountId = (await createAccount(db, { email, password: PASSWORD, role: "editor" })).id;
  });
  afterAll(async () => removeTestDb(db));

  it("issues a new token at every sign-in, in an HttpOnly SameSite cookie, and stores only its hash", async () => {
    const a = await signIn(email, PASSWORD, "192.0.2.10");
    const b = await signIn(email, PASSWORD, "192.0.2.10");
    expect(a.status).toBe(200);
    const [ta, tb] = [tokenOf(a), tokenOf(b)];
    expect(ta).not.toBe(tb);
    expect(ta.length).toBeGreaterThanOrEqual(40);
    expect(a.headers.get("set-cookie")).toMatch(/HttpOnly/);
    expect(a.headers.get("set-cookie")).toMatch(/SameSite=Lax/);
    const rows = await db.sql.query<{ id: string }>(`SELECT id FROM sessions WHERE account_id = $1`, [accountId]);
    expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining([sha256(ta), sha256(tb)]));
    expect(rows.map((r) => r.id)).not.toContain(ta);
    expect((await call(me, "/api/auth/me", { caller: { session: ta } })).status).toBe(200);
  });

  it("marks the cookie Secure behind https", async () => {
    const res = await signIn(email, PASSWORD, "192.0.2.11", { "x-forwarded-proto": "https" });
    expect(res.headers.get("set-cookie")).toMatch(/; Secure/);
  });

  it("deletes the session at sign-out, so the old cookie stops working", async () => {
    const token = tokenOf(await signIn(email, PASSWORD, "192.0.2.12"));
    expect(await findSession(db, token)).not.toBeNull();
    const res = await logout(new Request(`${ORIGIN}/api/auth/logout`, { method: "POST", headers: { cookie: `${SESSION_COOKIE}=${token}`, accept: "application/json" } }));
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect(await findSession(db, token)).toBeNull();
    expect((await call(me, "/api/auth/me", { caller: { session: token } })).status).toBe(401);
  });

  it("refuses and removes an expired session", async () => {
    const { token } = await createSession(db, accountId);
    await db.sql.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [sha256(token)]);
    const res = await call(me, "/api/auth/me", { caller: { session: token } });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe("unauthorized");
    expect(await db.sql.query(`SELECT 1 FROM sessions WHERE id = $1`, [sha256(token)])).toHaveLength(0);
  });

  it("refuses an idle session, and keeps an active one alive", async () => {
    const idle = await createSession(db, accountId);
    await db.sql.query(`UPDATE sessions SET last_seen_at = now() - ($2::bigint * interval '1 millisecond') - interval '1 minute' WHERE id = $1`, [sha256(idle.token), SESSION_IDLE_MS]);
    expect(await findSession(db, idle.token)).toBeNull();

    const active = await createSession(db, accountId);
    await db.sql.query(`UPDATE sessions SET last_seen_at = now() - interval '2 hours' WHERE id = $1`, [sha256(active.token)]);
    expect(await findSession(db, active.token)).not.toBeNull();
    const [row] = await db.sql.query<{ last_seen_at: Date }>(`SELECT last_seen_at FROM sessions WHERE id = $1`, [sha256(active.token)]);
    expect(Date.now() - row.last_seen_at.getTime()).toBeLessThan(60_000); // use refreshed it
  });

  it("ends every session of a removed account", async () => {
    const other = await createAccount(db, { email: "leaving@example.com", password: PASSWORD, role: "viewer" });
    const { token } = await createSession(db, other.id);
    await db.sql.query(`DELETE FROM accounts WHERE id = $1`, [other.id]);
    expect(await findSession(db, token)).toBeNull();
  });

  it("ignores forged or oversized tokens", async () => {
    expect(await findSession(db, "")).toBeNull();
    expect(await findSession(db, "x".repeat(5000))).toBeNull();
    expect(await findSession(db, sha256("anything"))).toBeNull();
  });
});

describe("login throttling through the login route", () => {
  let db: Db;
  beforeAll(async () => {
    db = await installTestDb();
    await createAccount(db, { email: "target@example.com", password: PASSWORD, role: "admin" });
  });
  afterAll(async () => removeTestDb(db));

  beforeEach(() => {
    resetLoginThrottle();
    delete process.env.PATHWISE_TRUST_PROXY;
  });

  it("locks one address out of one account after 5 failures (429, Retry-After), not the owner elsewhere", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await signIn("target@example.com", `wrong-${i}`, "198.51.100.1");
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe("invalid_credentials");
    }
    const blocked = await signIn("target@example.com", PASSWORD, "198.51.100.1");
    expect(blocked.status).toBe(429);
    expect((await errorOf(blocked)).code).toBe("too_many_attempts");
    const wait = Number(blocked.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(800);
    expect(wait).toBeLessThanOrEqual(900);
    expect(blocked.headers.get("set-cookie")).toBeNull();
    // The owner, from their own address, signs in.
    expect((await signIn("target@example.com", PASSWORD, "198.51.100.200")).status).toBe(200);
  });

  it("failures from many addresses do not lock the account for its owner", async () => {
    for (let i = 0; i < 9; i++) expect((await signIn("target@example.com", `wrong-${i}`, `198.51.100.${i + 10}`)).status).toBe(401);
    expect((await signIn("target@example.com", PASSWORD, "198.51.100.99")).status).toBe(200);
  });

  it("a forged, rotating X-Forwarded-For does not make a new address unless a proxy is trusted", async () => {
    for (let i = 0; i < 5; i++) expect((await signIn("target@example.com", "guess", "203.0.113.5", { "x-forwarded-for": `10.9.9.${i}` })).status).toBe(401);
    expect((await signIn("target@example.com", PASSWORD, "203.0.113.5", { "x-forwarded-for": "10.9.9.77" })).status).toBe(429);
    // Behind one trusted proxy, the address it appended (rightmost) is the client; entries to its left are the client's own words.
    process.env.PATHWISE_TRUST_PROXY = "1";
    for (let i = 0; i < 5; i++) expect((await signIn("target@example.com", "guess", "10.0.0.1", { "x-forwarded-for": `6.6.6.${i}, 198.51.100.50` })).status).toBe(401);
    expect((await signIn("target@example.com", PASSWORD, "10.0.0.1", { "x-forwarded-for": "7.7.7.7, 198.51.100.50" })).status).toBe(429);
    expect((await signIn("target@example.com", PASSWORD, "10.0.0.1", { "x-forwarded-for": "198.51.100.51" })).status).toBe(200);
  });

  it("throttles one address trying many emails (20 failures)", async () => {
    for (let i = 0; i < 20; i++) expect((await signIn(`nobody-${i}@example.com`, "guess", "203.0.113.7")).status).toBe(401);
    expect((await signIn("someone-else@example.com", "guess", "203.0.113.7")).status).toBe(429);
    expect((await signIn("someone-else@example.com", "guess", "203.0.113.8")).status).toBe(401);
  });

  it("a NUL or a lone surrogate in the email or password is a 400, in JSON and in the form", async () => {
    for (const [email, password] of [["a\u0000b@example.com", "x"], ["target@example.com", "pa\u0000ss"], ["\ud800@example.com", "x"]]) {
      const res = await signIn(email, password);
      expect(res.status).toBe(400);
      expect((await errorOf(res)).code).toBe("invalid_credentials");
    }
    const form = await login(
      new Request(`${ORIGIN}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", host: new URL(ORIGIN).host },
        body: "email=a%00b%40example.com&password=x&next=%2Fflows",
      }),
    );
    expect(form.status).toBe(303);
    expect(form.headers.get("location")).toContain("error=invalid_credentials");
  });

  it("sends the browser only to a path on this site after sign-in", async () => {
    const post = (next: string) =>
      login(
        new Request(`${ORIGIN}/api/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", host: new URL(ORIGIN).host, "x-pathwise-peer": "192.0.2.77" },
          body: new URLSearchParams({ email: "target@example.com", password: PASSWORD, next }).toString(),
        }),
      );
    for (const bad of ["/\\evil.example/x", "//evil.example", "/\t/evil.example", "https://evil.example", "/%2F%2Fevil.example", "/api/v1/keys"]) {
      const res = await post(bad);
      expect(res.status).toBe(303);
      const location = res.headers.get("location")!;
      expect(new URL(location, ORIGIN).origin, `${bad} -> ${location}`).toBe(ORIGIN);
      expect(location === "/flows" || !location.startsWith("//"), location).toBe(true);
    }
    expect((await post("/flows/abc?tab=results")).headers.get("location")).toBe("/flows/abc?tab=results");
    expect(safeNext("/\\evil.example/x")).toBe("/flows");
    expect(safeNext("/\u0009/evil.example")).toBe("/flows");
    expect(safeNext("/users/a%2Fb")).toBe("/users/a%2Fb");
  });

  it("refuses a sign-in posted from another site", async () => {
    const res = await signIn("target@example.com", PASSWORD, "203.0.113.9", { origin: "https://evil.example" });
    expect(res.status).toBe(403);
  });
});
