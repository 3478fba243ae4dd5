// Team management: change an account's role or remove it, never leaving the console without an
// admin. Errors are values; the route turns them into answers.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { ROLES, type Role } from "./roles";

export const UpdateAccountBody = z
  .object({ role: z.enum(ROLES).optional(), name: z.string().trim().max(200).nullable().optional() })
  .refine((b) => b.role !== undefined || b.name !== undefined, { message: "Send a role or a name to change" })
  .meta({ id: "UpdateAccountBody" });

export type AccountRow = { id: string; email: string; name: string | null; role: Role; createdAt: string };
export type ManageResult = { ok: true; account: AccountRow; before: { role: Role; name: string | null } } | { ok: false; reason: "not_found" | "last_admin" };

type Row = { id: string; email: string; name: string | null; role: Role; created_at: Date };
const toAccount = (r: Row): AccountRow => ({ id: r.id, email: r.email, name: r.name, role: r.role, createdAt: r.created_at.toISOString() });

/**
 * Locks every admin row, then the target, so that two admins demoting each other at the same moment
 * cannot both succeed and leave nobody who can manage the team.
 */
async function lockForChange(sql: Parameters<Parameters<Db["tx"]>[0]>[0], id: string) {
  const admins = await sql.query<{ id: string }>(`SELECT id FROM accounts WHERE role = 'admin' ORDER BY id FOR UPDATE`, []);
  const rows = await sql.query<Row>(`SELECT id, email, name, role, created_at FROM accounts WHERE id = $1 FOR UPDATE`, [id]);
  return { adminCount: admins.length, row: rows[0] as Row | undefined };
}

export async function updateAccount(db: Db, id: string, change: z.infer<typeof UpdateAccountBody>): Promise<ManageResult> {
  return db.tx(async (sql) => {
    const { adminCount, row } = await lockForChange(sql, id);
    if (!row) return { ok: false, reason: "not_found" } as const;
    if (row.role === "admin" && change.role && change.role !== "admin" && adminCount <= 1) return { ok: false, reason: "last_admin" } as const;
    const updated = await sql.query<Row>(
      `UPDATE accounts SET role = COALESCE($2, role), name = CASE WHEN $3::boolean THEN $4 ELSE name END, updated_at = now()
        WHERE id = $1 RETURNING id, email, name, role, created_at`,
      [id, change.role ?? null, change.name !== undefined, change.name ?? null],
    );
    return { ok: true, account: toAccount(updated[0]), before: { role: row.role, name: row.name } } as const;
  });
}

/** Removes an account; its sessions end with it (ON DELETE CASCADE). */
export async function deleteAccount(db: Db, id: string): Promise<ManageResult> {
  return db.tx(async (sql) => {
    const { adminCount, row } = await lockForChange(sql, id);
    if (!row) return { ok: false, reason: "not_found" } as const;
    if (row.role === "admin" && adminCount <= 1) return { ok: false, reason: "last_admin" } as const;
    await sql.query(`DELETE FROM accounts WHERE id = $1`, [id]);
    return { ok: true, account: toAccount(row), before: { role: row.role, name: row.name } } as const;
  });
}
