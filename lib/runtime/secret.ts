// The webhook signing secret: PATHWISE_WEBHOOK_SECRET when set; otherwise one generated on first use
// and kept in the database (system_settings), so every worker and server process signs with the same one.
import { randomBytes } from "node:crypto";
import type { Sql } from "@/lib/db/sql";

const KEY = "webhook_secret";
const holder = globalThis as unknown as { __pathwiseWebhookSecret?: string };

export async function webhookSecret(sql: Sql): Promise<string> {
  const fromEnv = process.env.PATHWISE_WEBHOOK_SECRET;
  if (fromEnv) return fromEnv;
  if (holder.__pathwiseWebhookSecret) return holder.__pathwiseWebhookSecret;
  await sql.query(`INSERT INTO system_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [KEY, `whsec_${randomBytes(24).toString("hex")}`]);
  const rows = await sql.query<{ value: string }>(`SELECT value FROM system_settings WHERE key = $1`, [KEY]);
  holder.__pathwiseWebhookSecret = rows[0].value;
  return rows[0].value;
}

/** Forgets the cached secret (tests that switch databases in one process). */
export function clearWebhookSecretCache() {
  holder.__pathwiseWebhookSecret = undefined;
}
