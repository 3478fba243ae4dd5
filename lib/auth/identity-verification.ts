// Identity verification as Intercom does it: when a secret is set (PATHWISE_IDENTITY_SECRET, or one
// per write key), a browser using a write key must prove who it is with userHash =
// HMAC-SHA256(userId, secret) in hex, made by the customer's server, before any message may name a
// userId (or alias from a previousId) and before it may read a userId's decisions. The write key is
// public, so nothing else about the caller is evidence. Secret keys and console sessions are trusted.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Sql } from "@/lib/db/sql";

export const USER_HASH_HEADER = "x-pathwise-user-hash";
export const PREVIOUS_ID_HASH_HEADER = "x-pathwise-previous-id-hash";
const SETTING_PREFIX = "identity_secret:";
const CACHE_MS = 5_000;

export type IdentityCheck = { ok: true } | { ok: false; message: string };

/** Who is calling, as far as this check cares (lib/http/route's Principal fits). */
export type Caller = { kind: "secret" | "write" | "session"; keyId?: string };

/** The hash the customer's server computes: HMAC-SHA256(userId, secret) as lowercase hex. */
export function userHash(userId: string, secret: string): string {
  return createHmac("sha256", secret).update(userId, "utf8").digest("hex");
}

/** True when `presented` is the user hash of `userId` (constant-time; case-insensitive hex). */
export function verifyUserHash(userId: string, presented: string | null | undefined, secret: string): boolean {
  if (typeof presented !== "string" || !/^[0-9a-fA-F]{64}$/.test(presented)) return false;
  const expected = Buffer.from(userHash(userId, secret), "hex");
  return timingSafeEqual(expected, Buffer.from(presented, "hex"));
}

const cache = new Map<string, { at: number; secret: string | null }>();

/** The secret that applies to this caller, or null when verification is off for it. */
export async function identitySecretFor(sql: Sql, caller: Caller): Promise<string | null> {
  if (caller.kind !== "write") return null;
  const id = caller.keyId ?? "";
  const hit = cache.get(id);
  const now = Date.now();
  let perKey: string | null;
  if (hit && now - hit.at < CACHE_MS) perKey = hit.secret;
  else {
    const rows = await sql.query<{ value: string }>(`SELECT value FROM system_settings WHERE key = $1`, [SETTING_PREFIX + id]);
    perKey = rows[0]?.value ?? null;
    if (cache.size > 1000) cache.clear();
    cache.set(id, { at: now, secret: perKey });
  }
  return perKey ?? (process.env.PATHWISE_IDENTITY_SECRET || null);
}

/** Turns verification on for one write key (a new random secret, returned once) or off (null). */
export async function setIdentitySecret(sql: Sql, keyId: string, on: boolean): Promise<string | null> {
  cache.delete(keyId);
  if (!on) {
    await sql.query(`DELETE FROM system_settings WHERE key = $1`, [SETTING_PREFIX + keyId]);
    return null;
  }
  const secret = `pw_ivs_${randomBytes(32).toString("hex")}`;
  await sql.query(
    `INSERT INTO system_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [SETTING_PREFIX + keyId, secret],
  );
  return secret;
}

function fail(userId: string, where: string): { ok: false; message: string } {
  return {
    ok: false,
    message: `Identity verification is on: ${where} for userId "${userId.slice(0, 64)}" needs userHash = HMAC-SHA256(userId, secret) from your server (body field userHash or header X-Pathwise-User-Hash)`,
  };
}

type RawMessage = { type?: unknown; userId?: unknown; userHash?: unknown; previousId?: unknown; previousIdHash?: unknown };

const named = (v: unknown): v is string | number => (typeof v === "string" && v !== "") || typeof v === "number";

/**
 * Ingestion: every message that names a userId — track, page, screen, group, identify, alias, in a
 * batch or alone — must carry that id's hash (the message's `userHash`, else the request header), and
 * an alias must also carry its previousId's hash (`previousIdHash`, else its header): without it a
 * write key could merge anyone's profile into its own. Anonymous-only messages pass. `raw` is the
 * request body as parsed JSON; the check runs before anything is stored.
 */
export async function checkIngestIdentity(sql: Sql, caller: Caller, req: Request, type: string, raw: unknown): Promise<IdentityCheck> {
  const secret = await identitySecretFor(sql, caller);
  if (!secret || !raw || typeof raw !== "object") return { ok: true };
  const header = req.headers.get(USER_HASH_HEADER);
  const previousHeader = req.headers.get(PREVIOUS_ID_HASH_HEADER);
  const messages: RawMessage[] =
    type === "batch" ? (Array.isArray((raw as { batch?: unknown }).batch) ? ((raw as { batch: RawMessage[] }).batch) : []) : [{ ...(raw as RawMessage), type }];
  for (const m of messages) {
    if (!m || typeof m !== "object") continue;
    const kind = typeof m.type === "string" ? m.type : "message";
    if (named(m.userId)) {
      const userId = String(m.userId);
      const presented = typeof m.userHash === "string" ? m.userHash : header;
      if (!verifyUserHash(userId, presented, secret)) return fail(userId, kind);
    }
    if (kind === "alias" && named(m.previousId)) {
      const previousId = String(m.previousId);
      const presented = typeof m.previousIdHash === "string" ? m.previousIdHash : previousHeader;
      if (!verifyUserHash(previousId, presented, secret)) {
        return {
          ok: false,
          message: `Identity verification is on: alias from previousId "${previousId.slice(0, 64)}" needs previousIdHash = HMAC-SHA256(previousId, secret) from your server (body field previousIdHash or header X-Pathwise-Previous-Id-Hash)`,
        };
      }
    }
  }
  return { ok: true };
}

export type DecideCheck = { ok: true; strict: boolean } | { ok: false; message: string };

/**
 * /decide: asking for a userId's decisions needs that user's hash (body `userHash`, else the header).
 * `strict` (verification on for this caller): an anonymousId only reaches a profile that has no
 * userId, or the verified one — a device id alone never opens an identified person's content.
 */
export async function checkDecideIdentity(sql: Sql, caller: Caller, req: Request, body: { userId?: unknown; userHash?: unknown }): Promise<DecideCheck> {
  const secret = await identitySecretFor(sql, caller);
  if (!secret) return { ok: true, strict: false };
  if (!named(body.userId)) return { ok: true, strict: true };
  const userId = String(body.userId);
  const presented = typeof body.userHash === "string" ? body.userHash : req.headers.get(USER_HASH_HEADER);
  return verifyUserHash(userId, presented, secret) ? { ok: true, strict: true } : fail(userId, "decide");
}

/** Forgets cached per-key secrets (tests that switch databases in one process). */
export function clearIdentitySecretCache(): void {
  cache.clear();
}
