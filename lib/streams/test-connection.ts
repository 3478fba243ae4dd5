// The console's "Test connection": reaches the broker with the stored settings and says what it found,
// or the broker's own error message.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { isStreamKind, type StreamConfig } from "./config";
import { connectionUrl } from "./manager";
import { testRabbit } from "./rabbitmq";
import { testNats } from "./nats";

export const ConnectionTest = z.object({ ok: z.boolean(), message: z.string(), lag: z.number().int().nullable() }).meta({ id: "ConnectionTest" });
export type ConnectionTest = z.infer<typeof ConnectionTest>;

const TIMEOUT_MS = 12_000;

/** null: no such stream source. */
export async function testSourceConnection(db: Db, id: string): Promise<ConnectionTest | null> {
  const [row] = await db.sql.query<{ kind: string; config: StreamConfig; credentials: string | null }>(`SELECT kind, config, credentials FROM sources WHERE id = $1`, [id]);
  if (!row || !isStreamKind(row.kind)) return null;
  try {
    const url = await connectionUrl(db, row);
    const attempt = row.kind === "rabbitmq" ? testRabbit(url, row.config.queue!) : testNats(url, id, row.config.stream!);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`No answer from the broker within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS)));
    try {
      return await Promise.race([attempt, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } catch (err) {
    return { ok: false, message: (err as Error).message || String(err), lag: null };
  }
}
