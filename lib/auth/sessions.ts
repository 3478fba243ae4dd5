// Console sessions: a random token in an httpOnly SameSite=Lax cookie; only its SHA-256 is stored.
// Sessions end after 12 idle hours or 7 days, and the token rotates at sign-in.
import type { Db } from "@/lib/db/client";
import type { Role } from "./roles";
import { randomToken, sha256 } from "./tokens";

export const SESSION_COOKIE = "pw_session";
export const SESSION_MAX_AGE_S = 7 * 24 * 3600;
export const SESSION_IDLE_MS = 12 * 3600 * 1000;

export type SessionAccount = { sessionId: string; accountId: string; email: string; name: string | null; role: Role };

export async function createSession(db: Db, accountId: string) {
  const token = randomToken(32);
  const expiresAt = new Date(Date.now() + SESSION_MAX_AGE_S * 1000);
  await db.prisma.session.create({ data: { id: sha256(token), accountId, expiresAt } });
  return { token, expiresAt };
}

export async function findSession(db: Db, token: string): Promise<SessionAccount | null> {
  if (!token || token.length > 200) return null;
  const id = sha256(token);
  const rows = await db.sql.query<{ account_id: string; email: string; name: string | null; role: Role; expires_at: Date; last_seen_at: Date }>(
    `SELECT s.account_id, a.email, a.name, a.role, s.expires_at, s.last_seen_at
       FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) return null;
  const now = Date.now();
  if (row.expires_at.getTime() <= now || now - row.last_seen_at.getTime() > SESSION_IDLE_MS) {
    await db.sql.query(`DELETE FROM sessions WHERE id = $1`, [id]);
    return null;
  }
  if (now - row.last_seen_at.getTime() > 60_000) {
    await db.sql.query(`UPDATE sessions SET last_seen_at = now() WHERE id = $1`, [id]);
  }
  return { sessionId: id, accountId: row.account_id, email: row.email, name: row.name, role: row.role };
}

export async function deleteSession(db: Db, token: string) {
  await db.sql.query(`DELETE FROM sessions WHERE id = $1`, [sha256(token)]);
}
