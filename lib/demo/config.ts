// The storefront's write key: PATHWISE_DEMO_WRITE_KEY, or the one `npm run demo` (or a test) stored
// in system_settings. Only write keys are accepted, because the storefront hands it to every visitor.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { findKey } from "@/lib/auth/keys";

const KEY = "demo_write_key";

/** Every storefront sign-up gets a userId with this prefix (the demo signs only these). */
export const SHOPPER_PREFIX = "shopper-";

export const DemoConfigBody = z.object({ writeKey: z.string().min(1).max(200) }).meta({ id: "DemoConfigBody" });

export type DemoConfig = { writeKey: string | null };

export async function demoConfig(db: Db): Promise<DemoConfig> {
  const fromEnv = process.env.PATHWISE_DEMO_WRITE_KEY;
  if (fromEnv) return { writeKey: fromEnv };
  const rows = await db.sql.query<{ value: string }>(`SELECT value FROM system_settings WHERE key = $1`, [KEY]);
  const stored = rows[0]?.value ?? null;
  // A revoked key would only make the storefront fail quietly: say it is not set up instead.
  if (stored && (await findKey(db, stored))?.kind !== "write") return { writeKey: null };
  return { writeKey: stored };
}

export async function setDemoWriteKey(db: Db, writeKey: string): Promise<{ ok: true } | { ok: false; message: string }> {
  const key = await findKey(db, writeKey);
  if (!key) return { ok: false, message: "That is not a known, unrevoked API key" };
  if (key.kind !== "write") return { ok: false, message: "The storefront is public: give it a write key, never a secret key" };
  await db.sql.query(
    `INSERT INTO system_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [KEY, writeKey],
  );
  return { ok: true };
}
