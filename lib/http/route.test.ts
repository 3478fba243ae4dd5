// route() is the only door: public routes see an anonymous principal with no role; ingestion mode
// takes the write key from the header or the body, applies the one same-origin rule to sessions, and
// settles who is asking before a malformed body; sign-in goes through route() too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { route } from "./route";
import { ANONYMOUS, sameOrigin, type Principal } from "@/lib/auth/principal";
import { createAccount } from "@/lib/auth/accounts";
import { createSession, SESSION_COOKIE } from "@/lib/auth/sessions";
import * as login from "@/app/api/auth/login/route";
import * as track from "@/app/api/v1/track/route";
import { basic, bearer, callJson } from "@/lib/testing/routes";
import { setupDb, type TestDb } from "@/lib/testing/db";

describe("route() as the only door", () => {
  let t: TestDb;
  let sessionCookie: string;
  beforeAll(async () => {
    t = await setupDb();
    const account = await createAccount(t.db, { email: "door@example.com", password: "a long password 1", role: "viewer", name: "Door" });
    const { token } = await createSession(t.db, account.id);
    sessionCookie = `${SESSION_COOKIE}=${token}`;
  });
  afterAll(async () => t?.close());

  it("gives a public route an anonymous principal with no role, not an admin-shaped one", async () => {
    let seen: Principal | null = null;
    const h = route({ name: "test.public", access: "public" }, ({ principal }) => {
      seen = principal;
      return { ok: true };
    });
    const r = await callJson(h, { path: "/api/test", auth: bearer(t.secret) });
    expect(r.status).toBe(200);
    expect(seen).toEqual(ANONYMOUS);
    expect(seen!.role).toBeNull();
  });

  it("ingestion: the write key in the body is accepted; an unknown key in the header is 401 even then", async () => {
    const ok = await callJson(track.POST, { path: "/api/v1/track", raw: JSON.stringify({ writeKey: t.write, userId: "door-1", event: "Door" }), headers: { "content-type": "text/plain" } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe("*");
    const bad = await callJson(track.POST, { path: "/api/v1/track", auth: bearer("pw_wk_unknown"), raw: JSON.stringify({ writeKey: t.write, userId: "door-1", event: "Door" }) });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("ingestion: a stranger's malformed body is 401, a known caller's is 400", async () => {
    expect((await callJson(track.POST, { path: "/api/v1/track", raw: "{nope" })).status).toBe(401);
    const r = await callJson(track.POST, { path: "/api/v1/track", raw: "{nope", auth: basic(t.write) });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("invalid_json");
  });

  it("ingestion: a console session from another site is refused by the one same-origin rule", async () => {
    const body = { userId: "door-2", event: "Door" };
    const cross = await callJson(track.POST, { path: "/api/v1/track", body, headers: { cookie: sessionCookie, "sec-fetch-site": "cross-site" } });
    expect(cross.status).toBe(403);
    const same = await callJson(track.POST, { path: "/api/v1/track", body, headers: { cookie: sessionCookie, "sec-fetch-site": "same-origin" } });
    expect(same.status).toBe(200);
  });

  it("sign-in is a route() door with the same same-origin rule", async () => {
    expect(typeof (login.POST as unknown as { reply?: unknown }).reply).toBe("function");
    const cross = await callJson(login.POST, { path: "/api/auth/login", body: { email: "door@example.com", password: "a long password 1" }, headers: { "sec-fetch-site": "cross-site" } });
    expect(cross.status).toBe(403);
    const ok = await callJson(login.POST, { path: "/api/auth/login", body: { email: "door@example.com", password: "a long password 1" }, headers: { "sec-fetch-site": "same-origin" } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("set-cookie")).toContain(SESSION_COOKIE);
  });

  it("same-origin: Sec-Fetch-Site first, then Origin against Host", () => {
    const req = (h: Record<string, string>) => new Request("http://app.example/x", { headers: h });
    expect(sameOrigin(req({ "sec-fetch-site": "same-origin", origin: "http://evil.example" }))).toBe(true);
    expect(sameOrigin(req({ "sec-fetch-site": "cross-site" }))).toBe(false);
    expect(sameOrigin(req({ origin: "http://evil.example", host: "app.example" }))).toBe(false);
    expect(sameOrigin(req({ origin: "http://app.example", host: "app.example" }))).toBe(true);
  });
});
