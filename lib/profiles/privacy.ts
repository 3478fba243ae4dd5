// Privacy: erase a person (profile, identities, events, runs, steps, touchpoints, outcomes and the
// jobs queued for them) and export everything stored about them.
import type { Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import { eventView, findProfileId } from "./read";
import { loadSummary } from "@/lib/runtime/summaries";

export type EraseResult = { profileId: string; identities: number; events: number; runs: number; jobs: number };

/**
 * Erases the person behind `id` (a userId or anonymousId) in one transaction. Jobs whose payload or key
 * names the profile, one of its runs or touchpoints are deleted with it; a job already claimed by a
 * worker finds no run or profile and does nothing (the handlers load state before acting).
 */
export async function eraseProfile(db: Db, id: string): Promise<EraseResult | null> {
  return db.tx(async (sql) => {
    const profileId = await findProfileId(sql, id);
    if (!profileId) return null;
    const idents = await sql.query<{ kind: string; value: string }>(`SELECT kind, value FROM identities WHERE profile_id = $1`, [profileId]);
    if (db.kind === "pg") {
      // The same locks ingestion takes, so a request about this person waits and then starts afresh.
      const keys = idents.map((i) => `${i.kind}:${i.value}`);
      await sql.query(`SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY h) s`, [keys]);
    }
    const locked = await sql.query(`SELECT id FROM profiles WHERE id = $1 FOR UPDATE`, [profileId]);
    if (!locked.length) return null;
    const refs = await sql.query<{ id: string }>(
      `SELECT id FROM runs WHERE profile_id = $1 UNION ALL SELECT id FROM touchpoints WHERE profile_id = $1`,
      [profileId],
    );
    const needles = [profileId, ...refs.map((r) => r.id)];
    const jobs = await sql.query(
      `DELETE FROM jobs j WHERE j.queue <> 'import'
         AND EXISTS (SELECT 1 FROM unnest($1::text[]) AS n WHERE strpos(j.payload::text, n) > 0 OR strpos(coalesce(j.key, ''), n) > 0)
       RETURNING id`,
      [needles],
    );
    const [{ n: events }] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE profile_id = $1`, [profileId]);
    const runs = refs.length;
    // The directory is keyed by the identities, not the profile: its entries go by their own key.
    await sql.query(`DELETE FROM identity_directory d USING jsonb_to_recordset($1::jsonb) AS x(kind text, value text) WHERE d.kind = x.kind AND d.value = x.value AND d.profile_id = $2`, [
      JSON.stringify(idents),
      profileId,
    ]);
    await sql.query(`DELETE FROM profiles WHERE id = $1`, [profileId]);
    return { profileId, identities: idents.length, events, runs, jobs: jobs.length };
  });
}

/** Everything stored about the person behind `id`, as one JSON document. */
export async function exportProfile(sql: Sql, id: string) {
  const profileId = await findProfileId(sql, id);
  if (!profileId) return null;
  const [profile] = await sql.query<Record<string, unknown>>(
    `SELECT id, user_id AS "userId", traits, first_seen AS "firstSeen", last_seen AS "lastSeen", identified_at AS "identifiedAt", created_at AS "createdAt", updated_at AS "updatedAt"
       FROM profiles WHERE id = $1`,
    [profileId],
  );
  if (!profile) return null;
  profile.summary = await loadSummary(sql, profileId);
  const identities = await sql.query(`SELECT kind, value, created_at AS "createdAt" FROM identities WHERE profile_id = $1 ORDER BY created_at`, [profileId]);
  const events = await sql.query<Parameters<typeof eventView>[0]>(
    `SELECT id, type, name, properties, context, "timestamp", received_at, message_id, violations FROM events WHERE profile_id = $1 ORDER BY "timestamp", id`,
    [profileId],
  );
  const runs = await sql.query(
    `SELECT id, flow_id AS "flowId", version, entry, status, node_id AS "nodeId", holdout, state, entered_at AS "enteredAt", ended_at AS "endedAt", converted_at AS "convertedAt"
       FROM runs WHERE profile_id = $1 ORDER BY entered_at`,
    [profileId],
  );
  const steps = await sql.query(
    `SELECT s.run_id AS "runId", s.node_id AS "nodeId", s.at, s.result, s.reason FROM steps s WHERE s.profile_id = $1 ORDER BY s.at, s.id`,
    [profileId],
  );
  const touchpoints = await sql.query(
    `SELECT id, run_id AS "runId", flow_id AS "flowId", node_id AS "nodeId", channel, placement, content, payload, status, created_at AS "createdAt", sent_at AS "sentAt"
       FROM touchpoints WHERE profile_id = $1 ORDER BY created_at`,
    [profileId],
  );
  const outcomes = await sql.query(
    `SELECT o.touchpoint_id AS "touchpointId", o.flow_id AS "flowId", o.node_id AS "nodeId", o.type, o.at, o.details
       FROM outcomes o WHERE o.profile_id = $1 ORDER BY o.at`,
    [profileId],
  );
  const groups = await sql.query(`SELECT group_id AS "groupId", joined_at AS "joinedAt" FROM group_members WHERE profile_id = $1 ORDER BY joined_at`, [profileId]);
  // Catalog items the person viewed or bought (docs/api.md §9).
  const items = await sql.query(
    `SELECT item_id AS "itemId", views, last_viewed_at AS "lastViewedAt", purchased_at AS "purchasedAt" FROM profile_items WHERE profile_id = $1 ORDER BY last_at DESC`,
    [profileId],
  );
  return { exportedAt: new Date().toISOString(), profile, identities, groups, items, events: events.map(eventView), runs, steps, touchpoints, outcomes };
}
