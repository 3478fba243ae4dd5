// Reading the audit log (written by lib/audit.ts): newest first, filtered, paged by id.
import { z } from "zod";
import type { Db } from "@/lib/db/client";

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
  action: z.string().trim().min(1).max(100).optional(),
  actor: z.string().trim().min(1).max(320).optional(),
  target: z.string().trim().min(1).max(200).optional(),
});

export const AuditEntry = z
  .object({ id: z.number().int(), at: z.string(), actor: z.string(), action: z.string(), target: z.string().nullable(), details: z.record(z.string(), z.unknown()) })
  .meta({ id: "AuditEntry" });
export const AuditPage = z.object({ entries: z.array(AuditEntry), nextBefore: z.number().int().nullable() }).meta({ id: "AuditPage" });

export type AuditEntry = z.infer<typeof AuditEntry>;

export async function listAudit(db: Db, q: z.infer<typeof AuditQuery>): Promise<z.infer<typeof AuditPage>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace("?", `$${params.length}`));
  };
  if (q.before) add("id < ?", q.before);
  // An action filter ending in "." matches the family ("flow." → flow.publish, flow.pause...).
  if (q.action) add(q.action.endsWith(".") ? "action LIKE ? || '%'" : "action = ?", q.action.endsWith(".") ? q.action.replace(/[%_\\]/g, "\\$&") : q.action);
  if (q.actor) add("actor = ?", q.actor);
  if (q.target) add("target = ?", q.target);
  params.push(q.limit + 1);
  const rows = await db.sql.query<{ id: number; at: Date; actor: string; action: string; target: string | null; details: Record<string, unknown> | null }>(
    `SELECT id, at, actor, action, target, details FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, q.limit);
  return {
    entries: page.map((r) => ({ id: Number(r.id), at: r.at.toISOString(), actor: r.actor, action: r.action, target: r.target, details: r.details ?? {} })),
    nextBefore: rows.length > q.limit ? Number(page[page.length - 1].id) : null,
  };
}
