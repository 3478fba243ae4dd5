// Dead letters of a source: listed for a person to inspect, and replayed through the same parsing and
// ingestion entry once the cause is fixed (a tracking plan relaxed, a publisher corrected).
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { ingest } from "@/lib/ingest/pipeline";
import { parseDelivery } from "./process";

export const DeadLetterView = z
  .object({
    id: z.string(),
    reason: z.enum(["bad_json", "too_large", "validation", "tracking_plan"]),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() })),
    body: z.string().describe("The message as received (base64 when encoding is base64; its beginning when truncated)"),
    encoding: z.enum(["utf8", "base64"]),
    size: z.number().int(),
    truncated: z.boolean(),
    brokerId: z.string().nullable(),
    attempts: z.number().int(),
    createdAt: z.string(),
    replayedAt: z.string().nullable(),
  })
  .meta({ id: "DeadLetter" });
export type DeadLetterView = z.infer<typeof DeadLetterView>;

export const DeadLetterList = z.object({ deadLetters: z.array(DeadLetterView), pending: z.number().int() }).meta({ id: "DeadLetterList" });

export const ReplayBody = z
  .object({ ids: z.array(z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String)).max(1000).optional().describe("Dead letters to replay; all pending ones when left out") })
  .meta({ id: "ReplayDeadLetters" });

export const ReplayResult = z
  .object({
    replayed: z.number().int(),
    stored: z.number().int(),
    failed: z.array(z.object({ id: z.string(), reason: z.string(), message: z.string() })),
  })
  .meta({ id: "ReplayResult" });

type Row = {
  id: number;
  reason: DeadLetterView["reason"];
  message: string;
  details: DeadLetterView["details"];
  body: string;
  encoding: "utf8" | "base64";
  size: number;
  truncated: boolean;
  broker_id: string | null;
  attempts: number;
  created_at: Date;
  replayed_at: Date | null;
};

const view = (r: Row): DeadLetterView => ({
  id: String(r.id),
  reason: r.reason,
  message: r.message,
  details: r.details ?? [],
  body: r.body,
  encoding: r.encoding,
  size: r.size,
  truncated: r.truncated,
  brokerId: r.broker_id,
  attempts: r.attempts,
  createdAt: r.created_at.toISOString(),
  replayedAt: r.replayed_at ? r.replayed_at.toISOString() : null,
});

export async function listDeadLetters(db: Db, sourceId: string, opts: { limit?: number; all?: boolean } = {}): Promise<z.infer<typeof DeadLetterList>> {
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 500);
  const rows = await db.sql.query<Row>(
    `SELECT * FROM source_dead_letters WHERE source_id = $1 ${opts.all ? "" : "AND replayed_at IS NULL"} ORDER BY id DESC LIMIT $2`,
    [sourceId, limit],
  );
  const [{ n }] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM source_dead_letters WHERE source_id = $1 AND replayed_at IS NULL`, [sourceId]);
  return { deadLetters: rows.map(view), pending: n };
}

/** Replays dead letters in the order they arrived; each one that now goes through is marked replayed. */
export async function replayDeadLetters(db: Db, sourceId: string, ids?: string[]): Promise<z.infer<typeof ReplayResult>> {
  const rows = ids
    ? await db.sql.query<Row>(`SELECT * FROM source_dead_letters WHERE source_id = $1 AND replayed_at IS NULL AND id = ANY($2::bigint[]) ORDER BY id`, [sourceId, ids])
    : await db.sql.query<Row>(`SELECT * FROM source_dead_letters WHERE source_id = $1 AND replayed_at IS NULL ORDER BY id LIMIT 1000`, [sourceId]);
  const failed: z.infer<typeof ReplayResult>["failed"] = [];
  let stored = 0;
  for (const r of rows) {
    const fail = async (reason: string, message: string, details: unknown[] = r.details) => {
      failed.push({ id: String(r.id), reason, message });
      await db.sql.query(`UPDATE source_dead_letters SET reason = $2, message = $3, details = $4::jsonb, attempts = attempts + 1 WHERE id = $1`, [r.id, reason, message.slice(0, 2000), JSON.stringify(details)]);
    };
    if (r.truncated) {
      await fail(r.reason, "Only the beginning of this message was kept (it was too large); it cannot be replayed");
      continue;
    }
    const body = Buffer.from(r.body, r.encoding === "base64" ? "base64" : "utf8");
    const parsed = parseDelivery(body, r.broker_id ?? `dead-letter:${r.id}`, new Date());
    if (!parsed.ok) {
      await fail(parsed.reason, parsed.message, parsed.details);
      continue;
    }
    const out = await ingest(db, parsed.messages, { batch: true });
    if (!out.ok) {
      await fail(out.code === "tracking_plan_violation" ? "tracking_plan" : "validation", out.message, out.details);
      continue;
    }
    stored++;
    await db.sql.query(`UPDATE source_dead_letters SET replayed_at = now(), attempts = attempts + 1 WHERE id = $1`, [r.id]);
    await db.sql.query(`UPDATE sources SET consumed_count = consumed_count + 1 WHERE id = $1`, [sourceId]);
  }
  return { replayed: rows.length, stored, failed };
}
