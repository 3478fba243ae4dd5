// The audit log: who published, paused, created or revoked a key, deleted a user.
import type { Db } from "@/lib/db/client";

export async function audit(db: Db, actor: string, action: string, target?: string, details: Record<string, unknown> = {}) {
  await db.sql.query(`INSERT INTO audit_log (actor, action, target, details) VALUES ($1, $2, $3, $4)`, [actor, action, target ?? null, JSON.stringify(details)]);
}
