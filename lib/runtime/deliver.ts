// The "deliver" job: sends one webhook or email touchpoint written to the outbox by the executor.
// Idempotent: a touchpoint already `sent` (or `failed`) is never sent again; a job re-claimed after a
// crash sends again at most once, under the same delivery id. Failures are retried with exponential
// backoff (lib/runtime/jobs.ts); after the last attempt, or at once when retrying cannot help, the
// touchpoint is `failed` with a `failed` outcome. A 2xx (or an accepted email) is `sent` + `sent`.
import type { Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import type { DeliverPayload } from "./apply";
import type { Job, JobResult } from "./jobs";
import { classify, DeliveryError, sendWebhook, signPayload, webhookTimeoutMs } from "./webhook";
import { sendEmail } from "./email";
import { webhookSecret } from "./secret";
import { pausedRecheckMs } from "./timers";
import { runtimeMetrics } from "./counters";

type TouchpointRow = {
  id: string;
  profile_id: string;
  key: string;
  flow_id: string;
  node_id: string;
  run_id: string | null;
  channel: "webhook" | "email" | "in_app";
  status: string;
  payload: Record<string, unknown>;
  attempts: number;
  flow_status: string | null;
};

/** The default webhook body when the node has none: who, which flow and node. */
function defaultBody(t: TouchpointRow): string {
  return JSON.stringify({
    type: "pathwise.message",
    deliveryId: t.key,
    flowId: t.flow_id,
    nodeId: t.node_id,
    runId: t.run_id,
    userId: t.payload.userId ?? null,
    variant: t.payload.variant ?? null,
  });
}

function looksLikeJson(text: string): boolean {
  const s = text.trim();
  if (!(s.startsWith("{") || s.startsWith("["))) return false;
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * One line per delivery that failed for good, so an operator reading the server's log sees it
 * (the console's Home and the profile say the same).
 */
export function logDeliveryFailure(t: { channel: string; flow_id: string; node_id: string; key: string }, error: string, attempts: number): void {
  console.warn(`[pathwise] delivery failed: ${t.channel} flow=${t.flow_id} node=${t.node_id} delivery=${t.key} attempts=${attempts}: ${error}`);
}

async function finish(sql: Sql, t: TouchpointRow, status: "sent" | "failed", details: Record<string, unknown>, error?: string) {
  const updated = await sql.query<{ id: string }>(
    `UPDATE touchpoints SET status = $2, error = $3, sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END, updated_at = now()
      WHERE profile_id = $4 AND id = $1 AND status NOT IN ('sent', 'failed') RETURNING id`,
    [t.id, status, error ?? null, t.profile_id],
  );
  if (!updated[0]) return;
  await sql.query(`INSERT INTO outcomes (profile_id, touchpoint_id, flow_id, node_id, type, details) VALUES ($6, $1, $2, $3, $4, $5::jsonb)`, [
    t.id,
    t.flow_id,
    t.node_id,
    status,
    JSON.stringify(details),
    t.profile_id,
  ]);
  runtimeMetrics().outcomes.inc({ type: status });
}

/** The job's touchpoint, by the person and key (a delivery queued before jobs carried the person: by key). */
async function load(sql: Sql, job: Job): Promise<TouchpointRow | null> {
  const { key, profileId } = job.payload as unknown as DeliverPayload;
  const owner = job.profile_id || profileId || null;
  const rows = await sql.query<TouchpointRow>(
    `SELECT t.id, t.profile_id, t.key, t.flow_id, t.node_id, t.run_id, t.channel, t.status, t.payload, t.attempts, f.status AS flow_status
       FROM touchpoints t LEFT JOIN flows f ON f.id = t.flow_id WHERE ${owner === null ? "$2::text IS NULL" : "t.profile_id = $2"} AND t.key = $1`,
    [key, owner],
  );
  return rows[0] ?? null;
}

export async function handleDeliver(job: Job, { db }: { db: Db }): Promise<JobResult> {
  const t = await load(db.sql, job);
  if (!t || t.status !== "pending") return; // gone, or already sent / failed / suppressed
  if (t.flow_status === "paused") return { retryAt: new Date(Date.now() + pausedRecheckMs()) };
  if (t.channel === "in_app") {
    // An in-app touchpoint held by a policy (quiet hours do not apply, a delaying cap does): show it now.
    await db.sql.query(`UPDATE touchpoints SET status = 'ready', updated_at = now() WHERE profile_id = $2 AND id = $1 AND status = 'pending'`, [t.id, t.profile_id]);
    return;
  }
  await db.sql.query(`UPDATE touchpoints SET attempts = attempts + 1, updated_at = now() WHERE profile_id = $2 AND id = $1`, [t.id, t.profile_id]);
  const m = runtimeMetrics();
  const started = performance.now();
  try {
    let details: Record<string, unknown>;
    if (t.channel === "webhook") {
      const p = t.payload as { url: string; method?: string; headers?: Record<string, string>; body?: string | null };
      const method = (p.method ?? "POST").toUpperCase();
      const body = method === "GET" ? "" : (p.body ?? defaultBody(t));
      const headers: Record<string, string> = {
        "content-type": looksLikeJson(body) ? "application/json" : "text/plain; charset=utf-8",
        "user-agent": "Pathwise-Webhook/1",
      };
      for (const [k, v] of Object.entries(p.headers ?? {})) headers[k.toLowerCase()] = v;
      // Ours last: a node's headers cannot forge the signature or the delivery id.
      headers["pathwise-signature"] = signPayload(await webhookSecret(db.sql), body);
      headers["pathwise-delivery"] = t.key;
      headers["pathwise-attempt"] = String(job.attempts);
      const res = await sendWebhook({ url: p.url, method, headers, body: method === "GET" ? null : body }, webhookTimeoutMs());
      const verdict = classify(res.status);
      if (verdict === "retry") throw new DeliveryError(`HTTP ${res.status}`, false);
      if (verdict === "failed") throw new DeliveryError(`HTTP ${res.status}${res.status >= 300 && res.status < 400 ? " (redirects are not followed)" : ""}`, true);
      details = { status: res.status, ms: Math.round(res.ms), attempts: job.attempts };
    } else if (t.channel === "email") {
      const p = t.payload as { to: string | null; subject: string; body: string };
      const info = await sendEmail({ key: t.key, to: p.to, subject: p.subject, body: p.body });
      details = { messageId: info.messageId, attempts: job.attempts };
    } else return;
    await db.tx((sql) => finish(sql, t, "sent", details));
    m.deliveries.inc({ channel: t.channel, outcome: "sent" });
    return;
  } catch (err) {
    const e = err instanceof DeliveryError ? err : new DeliveryError(err instanceof Error ? err.message : String(err), false);
    await db.sql.query(`UPDATE touchpoints SET error = $2, updated_at = now() WHERE profile_id = $3 AND id = $1`, [t.id, e.message.slice(0, 1000), t.profile_id]);
    if (e.permanent) {
      await db.tx((sql) => finish(sql, t, "failed", { error: e.message, attempts: job.attempts, permanent: true }, e.message));
      logDeliveryFailure(t, e.message, job.attempts);
      m.deliveries.inc({ channel: t.channel, outcome: "failed" });
      return;
    }
    m.deliveries.inc({ channel: t.channel, outcome: "retry" });
    throw e; // the queue retries with backoff; onDeliverExhausted records the failure after the last
  } finally {
    m.deliverySeconds.observe({ channel: t.channel }, (performance.now() - started) / 1000);
  }
}

export async function onDeliverExhausted(job: Job, error: string, { db }: { db: Db }): Promise<void> {
  const t = await load(db.sql, job);
  if (!t || t.status !== "pending") return;
  await db.tx((sql) => finish(sql, t, "failed", { error, attempts: job.attempts }, error));
  logDeliveryFailure(t, error, job.attempts);
  runtimeMetrics().deliveries.inc({ channel: t.channel, outcome: "failed" });
}

/** The lease of a delivery job: longer than one attempt can take, so no second worker starts it meanwhile. */
export function deliverLeaseMs(): number {
  const n = Number(process.env.PATHWISE_DELIVER_LEASE_MS);
  return Number.isFinite(n) && n > 0 ? n : webhookTimeoutMs() * 2 + 30_000;
}
