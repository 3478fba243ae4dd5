// Test support for the runtime: seed profiles, send events through the real ingestion pipeline, publish
// flows, and run the worker's handlers against a test database until a condition holds.
import type { Db } from "@/lib/db/client";
import { createFlow, publishFlow } from "@/lib/flows/store";
import { ingest as ingestMessages } from "@/lib/ingest/pipeline";
import { parseBatch } from "@/lib/ingest/messages";
import { registerHandlers } from "@/lib/runtime/handlers";
import { claimJobs, queuesByLease, registeredQueues, runJob } from "@/lib/runtime/jobs";
import type { MessageType } from "@/lib/runtime/types";
import { loadSummary } from "@/lib/runtime/summaries";

export async function seedProfile(db: Db, userId: string, traits: Record<string, unknown> = {}): Promise<string> {
  const rows = await db.sql.query<{ id: string }>(`INSERT INTO profiles (user_id, traits) VALUES ($1, $2::jsonb) RETURNING id`, [userId, JSON.stringify(traits)]);
  await db.sql.query(`INSERT INTO identities (profile_id, kind, value) VALUES ($1, 'user', $2)`, [rows[0].id, userId]);
  // Ingestion resolves ids through the directory: the seeded profile is the one this userId names.
  await db.sql.query(`INSERT INTO identity_directory (kind, value, profile_id) VALUES ('user', $2, $1)`, [rows[0].id, userId]);
  return rows[0].id;
}

export type TestEvent = { type?: MessageType; name: string; properties?: Record<string, unknown>; traits?: Record<string, unknown>; timestamp?: Date; messageId?: string };

/**
 * Sends events for a seeded profile through the real ingestion pipeline (identity resolution, traits,
 * summary, engagement score, identified_at, then the executor in the same transaction), as one batch
 * received at `now`. Returns the profile as stored afterwards.
 */
export async function ingest(db: Db, profileId: string, events: TestEvent[], opts: { now?: Date } = {}) {
  const now = opts.now ?? new Date();
  const [who] = await db.sql.query<{ user_id: string | null; anon: string | null }>(
    `SELECT p.user_id, (SELECT value FROM identities WHERE profile_id = p.id AND kind = 'anonymous' ORDER BY value LIMIT 1) AS anon FROM profiles p WHERE p.id = $1`,
    [profileId],
  );
  if (!who) throw new Error(`ingest: no profile ${profileId}`);
  const id = who.user_id !== null ? { userId: who.user_id } : { anonymousId: who.anon };
  const batch = events.map((e) => {
    const type = e.type ?? "track";
    const base = { type, ...id, ...(e.timestamp ? { timestamp: e.timestamp.toISOString() } : {}), ...(e.messageId ? { messageId: e.messageId } : {}) };
    if (type === "identify") return { ...base, traits: e.traits ?? {} };
    if (type === "page") return { ...base, name: e.properties?.name ?? e.name, properties: e.properties ?? {} };
    return { ...base, event: e.name, properties: e.properties ?? {} };
  });
  const parsed = parseBatch({ batch }, now);
  if (!parsed.ok) throw new Error(`ingest: ${parsed.message}`);
  const out = await ingestMessages(db, parsed.messages, { batch: true, receivedAt: now });
  if (!out.ok) throw new Error(`ingest: ${out.message}`);
  const [p] = await db.sql.query<{ id: string; user_id: string | null; traits: Record<string, unknown>; first_seen: Date; last_seen: Date }>(
    `SELECT id, user_id, traits, first_seen, last_seen FROM profiles WHERE id = $1`,
    [profileId],
  );
  return { id: p.id, userId: p.user_id, anonymousIds: who.anon ? [who.anon] : [], traits: p.traits, summary: await loadSummary(db.sql, profileId), firstSeen: p.first_seen, lastSeen: p.last_seen };
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
