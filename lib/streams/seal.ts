// Credentials of stream sources at rest: AES-256-GCM with a key from PATHWISE_SOURCES_KEY, or else one
// generated on first use and kept in system_settings (as the webhook secret is), so every instance on
// one database can open what another sealed.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { Sql } from "@/lib/db/sql";

const SETTING = "sources_key";
const holder = globalThis as unknown as { __pathwiseSourcesKey?: Buffer };

/** The 32-byte key: PATHWISE_SOURCES_KEY (any text, hashed to 32 bytes), else the stored generated one. */
export async function sourcesKey(sql: Sql): Promise<Buffer> {
  const fromEnv = process.env.PATHWISE_SOURCES_KEY;
  if (fromEnv) return createHash("sha256").update(fromEnv).digest();
  if (holder.__pathwiseSourcesKey) return holder.__pathwiseSourcesKey;
  await sql.query(`INSERT INTO system_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [SETTING, randomBytes(32).toString("base64")]);
  const [row] = await sql.query<{ value: string }>(`SELECT value FROM system_settings WHERE key = $1`, [SETTING]);
  holder.__pathwiseSourcesKey = Buffer.from(row.value, "base64");
  return holder.__pathwiseSourcesKey;
}

/** Forgets the cached key (tests that switch databases in one process). */
export function clearSourcesKeyCache() {
  holder.__pathwiseSourcesKey = undefined;
}

/** "v1.<iv>.<tag>.<ciphertext>", base64url parts. */
export function seal(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), data].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

/** Opens a sealed value; throws when the key is not the one it was sealed with, or it was altered. */
export function unseal(key: Buffer, sealed: string): string {
  const [v, iv, tag, data] = sealed.split(".");
  if (v !== "v1" || !iv || !tag || data === undefined) throw new Error("Unknown sealed credential format");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}
