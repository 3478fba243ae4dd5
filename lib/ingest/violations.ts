// The latest events the tracking plan flagged, for the console's tracking-plan page.
import { z } from "zod";
import type { Sql } from "@/lib/db/sql";

export const ViolationItem = z.object({
  eventId: z.number(),
  event: z.string(),
  userId: z.string().nullable(),
  profileId: z.string(),
  timestamp: z.string(),
  receivedAt: z.string(),
  violations: z.array(z.object({ property: z.string(), message: z.string() })),
});
export type ViolationItem = z.infer<typeof ViolationItem>;

export async function recentViolations(sql: Sql, limit = 50): Promise<ViolationItem[]> {
  const n = Math.max(1, Math.min(500, Number.isFinite(limit) ? Math.floor(limit) : 50));
  const rows = await sql.query<{ id: number; name: string; user_id: string | null; profile_id: string; timestamp: Date; received_at: Date; violations: ViolationItem["violations"] }>(
    `SELECT e.id, e.name, p.user_id, e.profile_id, e."timestamp", e.received_at, e.violations
       FROM events e JOIN profiles p ON p.id = e.profile_id
      WHERE e.violations IS NOT NULL ORDER BY e.id DESC LIMIT $1`,
    [n],
  );
  return rows.map((r) => ({ eventId: r.id, event: r.name, userId: r.user_id, profileId: r.profile_id, timestamp: r.timestamp.toISOString(), receivedAt: r.received_at.toISOString(), violations: r.violations }));
}
