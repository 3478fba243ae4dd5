// Test support for the runtime: seed profiles, ingest events the way ingestion does (event rows,
// summary, then runFlowsForEvents in one transaction), publish flows, and run the worker's handlers
// against a test database until a condition holds.
import type { Db } from "@/lib/db/client";
import { updateSummary } from "@/lib/conditions/summary";
import { loadSummary, saveSummaries } from "./summaries";
import { createFlow, publishFlow } from "@/lib/flows/store";
import { runFlowsForEvents } from "./execute";
import { registerHandlers } from "./handlers";
import { claimJobs, queuesByLease, registeredQueues, runJob } from "./jobs";
import type { MessageType, StoredEvent } from "./types";

export async function seedProfile(db: Db, userId: string, traits: Record<string, unknown> = {}): Promise<string> {
  const rows = await db.sql.query<{ id: string }>(`INSERT INTO profiles (user_id, traits) VALUES ($1, $2::jsonb) RETURNING id`, [userId, JSON.stringify(traits)]);
  await db.sql.query(`INSERT INTO identities (profile_id, kind, value) VALUES ($1, 'user', $2)`, [rows[0].id, userId]);
  await db.sql.query(`INSERT INTO identity_directory (kind, value, profile_id) VALUES ('user', $2, $1)`, [rows[0].id, userId]);
  return rows[0].id;
}

export type TestEvent = { type?: MessageType; name: string; properties?: Record<string, unknown>; traits?: Record<string, unknown>; timestamp?: Date; messageId?: string };

/** Stores events for a profile and runs the executor in the same transaction, as ingestion does. */
export async function ingest(db: Db, profileId: string, events: TestEvent[], opts: { firstIdentify?: boolean; now?: Date } = {}) {
  const now = opts.now ?? new Date();
  return db.tx(async (sql) => {
    const [p] = await sql.query<{ id: string; user_id: string | null; traits: Record<string, unknown>; first_seen: Date; last_seen: Date }>(
      `SELECT id, user_id, traits, first_seen, last_seen FROM profiles WHERE id = $1 FOR UPDATE`,
      [profileId],
    );
    const before = await loadSummary(sql, profileId);
    let summary = before;
    let traits = p.traits;
    const stored: StoredEvent[] = [];
    let lastSeen = p.last_seen;
    for (const e of events) {
      const type = e.type ?? "track";
      const ts = e.timestamp ?? now;
      const [row] = await sql.query<{ id: number }>(
        `INSERT INTO events (profile_id, type, name, properties, timestamp, message_id) VALUES ($1, $2, $3, $4::jsonb, $5, $6) RETURNING id`,
        [profileId, type, e.name, JSON.stringify(e.properties ?? {}), ts, e.messageId ?? null],
      );
      if (type === "identify" && e.traits) traits = { ...traits, ...e.traits };
      else if (type !== "alias") summary = updateSummary(summary, { name: e.name, properties: e.properties, timestamp: ts.getTime() });
      if (ts > lastSeen) lastSeen = ts;
      stored.push({ id: row.id, type, name: e.name, properties: e.properties ?? {}, traits: e.traits, timestamp: ts, messageId: e.messageId ?? null });
    }
    await sql.query(`UPDATE profiles SET traits = $2::jsonb, last_seen = $3 WHERE id = $1`, [profileId, JSON.stringify(traits), lastSeen]);
    await saveSummaries(sql, [{ profileId, before, after: summary }]);
    const profile = { id: p.id, userId: p.user_id, anonymousIds: [], traits, summary, firstSeen: p.first_seen, lastSeen };
    await runFlowsForEvents(sql, profile, stored, { firstIdentify: opts.firstIdentify ?? false, now });
    return profile;
  });
}

export async function publish(db: Db, name: string, graph: unknown, settings: unknown = {}) {
  const flow = await createFlow(db, { name, graph, settings });
  const published = await publishFlow(db, flow.id);
  return { id: flow.id, versionId: published.versionId, version: published.version };
}

/**
 * Runs due jobs like the worker does (claims under each queue's lease, jobs run concurrently, free
 * slots refilled) until `done()` holds or `timeoutMs` passes. Returns whether `done()` held.
 */
export async function runWorkerUntil(db: Db, done: () => Promise<boolean>, timeoutMs = 10_000, pollMs = 50): Promise<boolean> {
  registerHandlers();
  const workerId = `test-${Math.random().toString(36).slice(2, 8)}`;
  const inflight = new Set<Promise<unknown>>();
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (await done()) return true;
      for (const [lease, queues] of queuesByLease(registeredQueues())) {
        const jobs = await claimJobs(db, workerId, 20, queues, lease);
        for (const job of jobs) {
          const p = runJob(db, job, workerId).finally(() => inflight.delete(p));
          inflight.add(p);
        }
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
    return await done();
  } finally {
    await Promise.allSettled([...inflight]);
  }
}

/** Runs every job that is due now, once, and waits for them. */
export async function runDueJobs(db: Db): Promise<number> {
  registerHandlers();
  let n = 0;
  for (const [lease, queues] of queuesByLease(registeredQueues())) {
    const jobs = await claimJobs(db, "test-once", 100, queues, lease);
    n += jobs.length;
    await Promise.all(jobs.map((j) => runJob(db, j, "test-once")));
  }
  return n;
}
