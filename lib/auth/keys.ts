// API keys (docs/api.md §2): secret keys for servers, write keys safe in a browser. Stored hashed, shown
// once, revocable. Lookups are cached for a few seconds because every ingestion call authenticates.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { randomToken, safeEqual, sha256 } from "./tokens";

export const KeyKind = z.enum(["write", "secret"]);
export type KeyKind = z.infer<typeof KeyKind>;
export const CreateKeyBody = z
  .object({ kind: KeyKind, name: z.string().trim().min(1, "A key needs a name").max(200) })
  .meta({ id: "CreateKeyBody" });

export type KeyRecord = { id: string; kind: KeyKind; name: string };

/** How long a looked-up key is trusted: a revoke on another instance takes effect there within this (under 5 s). */
export const KEY_CACHE_MS = 4_000;
// One cache per process on globalThis: Next's bundle and the data plane's share it, so a revoke in
// either forgets the key for both at once (other instances within KEY_CACHE_MS).
const holder = globalThis as unknown as { __pathwiseKeyCache?: Map<string, { at: number; key: KeyRecord | null }> };
const cache = (holder.__pathwiseKeyCache ??= new Map());

export async function createKey(db: Db, input: z.infer<typeof CreateKeyBody>, createdBy?: string) {
  const secret = `${input.kind === "secret" ? "pw_sk_" : "pw_wk_"}${randomToken(24)}`;
  const row = await db.prisma.apiKey.create({
    data: { kind: input.kind, name: input.name, hash: sha256(secret), prefix: secret.slice(0, 10), createdBy },
  });
  return { id: row.id, kind: row.kind as KeyKind, name: row.name, key: secret, prefix: row.prefix, createdAt: row.createdAt.toISOString() };
}

export async function listKeys(db: Db) {
  const rows = await db.prisma.apiKey.findMany({ orderBy: { createdAt: "desc" } });
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  }));
}

export async function revokeKey(db: Db, id: string): Promise<boolean> {
  const res = await db.prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  cache.clear();
  return res.count > 0;
}

/** The key behind a presented secret, or null. PATHWISE_API_KEY is accepted as a secret key. */
export async function findKey(db: Db, presented: string, now = Date.now()): Promise<KeyRecord | null> {
  const envKey = process.env.PATHWISE_API_KEY;
  if (envKey && safeEqual(presented, envKey)) return { id: "env", kind: "secret", name: "PATHWISE_API_KEY" };
  const hash = sha256(presented);
  const hit = cache.get(hash);
  if (hit && now - hit.at < KEY_CACHE_MS) return hit.key;
  const rows = await db.sql.query<{ id: string; kind: KeyKind; name: string; last_used_at: Date | null }>(
    `SELECT id, kind, name, last_used_at FROM api_keys WHERE hash = $1 AND revoked_at IS NULL`,
    [hash],
  );
  const key = rows[0] ? { id: rows[0].id, kind: rows[0].kind, name: rows[0].name } : null;
  if (cache.size > 10_000) cache.clear();
  cache.set(hash, { at: now, key });
  if (rows[0] && (!rows[0].last_used_at || now - rows[0].last_used_at.getTime() > 60_000)) {
    db.sql.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [rows[0].id]).catch(() => undefined);
  }
  return key;
}
