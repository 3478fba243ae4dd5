// Identity verification: the hash, the per-key and env secrets, and the 403 through the real
// ingestion routes on an in-memory database.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { setupDb, type TestDb } from "@/lib/testing/db";
import { findKey } from "./keys";
import {
  checkDecideIdentity,
  checkIngestIdentity,
  clearIdentitySecretCache,
  identitySecretFor,
  setIdentitySecret,
  userHash,
  verifyUserHash,
} from "./identity-verification";
import { POST as identify } from "@/app/api/v1/identify/route";
import { POST as batch } from "@/app/api/v1/batch/route";
import { POST as track } from "@/app/api/v1/track/route";
import { POST as decide } from "@/app/api/v1/decide/route";

const SECRET = "s3cret";
const hashOf = (id: string, secret = SECRET) => createHmac("sha256", secret).update(id).digest("hex");

describe("userHash / verifyUserHash", () => {
  it("is HMAC-SHA256(userId, secret) in hex, as the customer's server computes it", () => {
    // The published example vector: key "key", message "The quick brown fox jumps over the lazy dog".
    expect(userHash("The quick brown fox jumps over the lazy dog", "key")).toBe("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    expect(verifyUserHash("u1", hashOf("u1"), SECRET)).toBe(true);
    expect(verifyUserHash("u1", hashOf("u1").toUpperCase(), SECRET)).toBe(true);
  });

  it("refuses another user's hash, another secret, and malformed values", () => {
    expect(verifyUserHash("u2", hashOf("u1"), SECRET)).toBe(false);
    expect(verifyUserHash("u1", hashOf("u1", "other"), SECRET)).toBe(false);
    for (const bad of [undefined, null, "", "zz", hashOf("u1").slice(0, 63), `${hashOf("u1")}00`]) expect(verifyUserHash("u1", bad, SECRET)).toBe(false);
  });
});

describe("with a database", () => {
  let t: TestDb;
  let writeId: string;
  const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString("base64")}`;
  const post = (handler: (r: Request) => Promise<Response>, body: unknown, key: string, headers: Record<string, string> = {}) =>
    handler(new Request("http://localhost/api/v1/x", { method: "POST", headers: { authorization: basic(key), "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));

  beforeAll(async () => {
    t = await setupDb();
    writeId = (await findKey(t.db, t.write))!.id;
  });
  afterAll(() => t.close());
  afterEach(async () => {
    delete process.env.PATHWISE_IDENTITY_SECRET;
    await setIdentitySecret(t.db.sql, writeId, false);
    clearIdentitySecretCache();
  });

  it("is off by default and never applies to secret keys or sessions", async () => {
    expect(await identitySecretFor(t.db.sql, { kind: "write", keyId: writeId })).toBeNull();
    process.env.PATHWISE_IDENTITY_SECRET = SECRET;
    expect(await identitySecretFor(t.db.sql, { kind: "write", keyId: writeId })).toBe(SECRET);
    expect(await identitySecretFor(t.db.sql, { kind: "secret", keyId: "env" })).toBeNull();
    expect(await identitySecretFor(t.db.sql, { kind: "session" })).toBeNull();
  });

  it("a per-key secret wins over the env secret and can be turned off", async () => {
    process.env.PATHWISE_IDENTITY_SECRET = SECRET;
    const perKey = await setIdentitySecret(t.db.sql, writeId, true);
    expect(perKey).toMatch(/^pw_ivs_[0-9a-f]{64}$/);
    expect(await identitySecretFor(t.db.sql, { kind: "write", keyId: writeId })).toBe(perKey);
    await setIdentitySecret(t.db.sql, writeId, false);
    expect(await identitySecretFor(t.db.sql, { kind: "write", keyId: writeId })).toBe(SECRET);
  });

  it("checks every message naming a userId in a batch, by message field or header; anonymous messages pass", async () => {
    process.env.PATHWISE_IDENTITY_SECRET = SECRET;
    const caller = { kind: "write" as const, keyId: writeId };
    const req = (h?: string) => new Request("http://x", { headers: h ? { "x-pathwise-user-hash": h } : {} });
    const anon = { batch: [{ type: "track", anonymousId: "a1", event: "E" }, { type: "identify", anonymousId: "a1", traits: {} }] };
    expect(await checkIngestIdentity(t.db.sql, caller, req(), "batch", anon)).toEqual({ ok: true });
    expect((await checkIngestIdentity(t.db.sql, caller, req(), "batch", { batch: [{ type: "track", userId: "u1", event: "E" }] })).ok).toBe(false);
    const named = { batch: [{ type: "identify", userId: "u1" }] };
    expect((await checkIngestIdentity(t.db.sql, caller, req(), "batch", named)).ok).toBe(false);
    expect((await checkIngestIdentity(t.db.sql, caller, req(hashOf("u1")), "batch", named)).ok).toBe(true);
    expect((await checkIngestIdentity(t.db.sql, caller, req(), "batch", { batch: [{ type: "identify", userId: "u1", userHash: hashOf("u1") }] })).ok).toBe(true);
    expect((await checkIngestIdentity(t.db.sql, caller, req(), "alias", { previousId: "a1", userId: "u1" })).ok).toBe(false);
    // A group call puts the named person in an account (group.<trait> then steers their flows): checked too.
    expect((await checkIngestIdentity(t.db.sql, caller, req(), "group", { userId: "u1", groupId: "acme" })).ok).toBe(false);
    expect((await checkIngestIdentity(t.db.sql, caller, req(), "batch", { batch: [{ type: "group", userId: "u1", groupId: "acme", userHash: hashOf("u1") }] })).ok).toBe(true);
    expect((await checkIngestIdentity(t.db.sql, caller, req(), "alias", { previousId: "a1", userId: "u1", userHash: hashOf("u1") })).ok).toBe(false);
    const both = { previousId: "a1", userId: "u1", userHash: hashOf("u1"), previousIdHash: hashOf("a1") };
    expect((await checkIngestIdentity(t.db.sql, caller, req(), "alias", both)).ok).toBe(true);
    expect((await checkDecideIdentity(t.db.sql, caller, req(), { userId: "u1" })).ok).toBe(false);
    expect((await checkDecideIdentity(t.db.sql, caller, req(), { userId: "u1", userHash: hashOf("u1") })).ok).toBe(true);
    expect((await checkDecideIdentity(t.db.sql, caller, req(), { anonymousId: "a1" } as never)).ok).toBe(true);
  });

  it("answers 403 from the real identify and batch routes without a valid hash, and stores nothing", async () => {
    process.env.PATHWISE_IDENTITY_SECRET = SECRET;
    const denied = await post(identify, { userId: "victim", traits: { role: "admin" } }, t.write);
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    const forged = await post(batch, { batch: [{ type: "identify", userId: "victim", userHash: hashOf("someone-else") }] }, t.write);
    expect(forged.status).toBe(403);
    expect(await t.db.sql.query(`SELECT 1 FROM identities WHERE value = 'victim'`)).toEqual([]);

    expect((await post(identify, { userId: "u9", traits: { role: "admin" }, userHash: hashOf("u9") }, t.write)).status).toBe(200);
    expect((await post(identify, { userId: "u9", traits: {} }, t.write, { "X-Pathwise-User-Hash": hashOf("u9") })).status).toBe(200);
    expect((await post(track, { userId: "u9", event: "Clicked" }, t.write)).status).toBe(403);
    expect((await post(track, { userId: "u9", event: "Clicked", userHash: hashOf("u9") }, t.write)).status).toBe(200);
    // Servers with a secret key are trusted.
    const server = await identify(new Request("http://localhost/api/v1/identify", { method: "POST", headers: { authorization: `Bearer ${t.secret}`, "content-type": "application/json" }, body: JSON.stringify({ userId: "victim" }) }));
    expect(server.status).toBe(200);
  });

  it("answers 403 from the real decide route when asking for a userId without its hash", async () => {
    process.env.PATHWISE_IDENTITY_SECRET = SECRET;
    expect((await post(decide, { userId: "victim", placements: ["onboarding"] }, t.write)).status).toBe(403);
    expect((await post(decide, { userId: "victim", placements: ["onboarding"], userHash: hashOf("someone") }, t.write)).status).toBe(403);
    const ok = await post(decide, { userId: "victim", placements: ["onboarding"], userHash: hashOf("victim") }, t.write);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ decisions: { onboarding: null } });
    expect((await post(decide, { userId: "victim", placements: ["onboarding"] }, t.write, { "X-Pathwise-User-Hash": hashOf("victim") })).status).toBe(200);
    expect((await post(decide, { anonymousId: "a1", placements: ["onboarding"] }, t.write)).status).toBe(200);
  });

  it("lets everything through when verification is off", async () => {
    expect((await post(identify, { userId: "u10", traits: {} }, t.write)).status).toBe(200);
  });
});
