// Groups (accounts) named by `group` messages: the group's traits are kept once per group (groups
// table, keyed by the group id alone); a profile's memberships are per-person rows (group_members,
// keyed by profile id first). A profile's current group is the one it was last grouped with.
import { z } from "zod";
import type { Sql } from "@/lib/db/sql";
import { applyTraits } from "@/lib/ingest/profile-math";

export type GroupCall = { profileId: string; groupId: string; traits: Record<string, unknown>; timestamp: Date };

export const ProfileGroup = z
  .object({ groupId: z.string(), traits: z.record(z.string(), z.unknown()), joinedAt: z.string() })
  .meta({ id: "ProfileGroup", description: "A group (account) the profile belongs to, newest first; the first is the profile's current group" });
export type ProfileGroup = z.infer<typeof ProfileGroup>;

/**
 * Applies group calls in timestamp order: each group's traits merged as identify merges a person's
 * (a trait set to null is removed), and each profile's membership recorded with its latest call.
 * Groups are locked in id order so that two requests about one group never deadlock.
 */
export async function applyGroupCalls(sql: Sql, calls: GroupCall[]): Promise<void> {
  if (!calls.length) return;
  const ordered = [...calls].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  const ids = [...new Set(ordered.map((c) => c.groupId))].sort();
  // Create missing groups first, so that the lock below sees every one of them.
  await sql.query(`INSERT INTO groups (id) SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT (id) DO NOTHING`, [ids]);
  const rows = await sql.query<{ id: string; traits: Record<string, unknown> }>(`SELECT id, traits FROM groups WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [ids]);
  const traits = new Map(rows.map((r) => [r.id, r.traits ?? {}]));
  for (const c of ordered) traits.set(c.groupId, applyTraits(traits.get(c.groupId) ?? {}, c.traits));
  await sql.query(
    `UPDATE groups g SET traits = x.traits, updated_at = now() FROM jsonb_to_recordset($1::jsonb) AS x(id text, traits jsonb) WHERE g.id = x.id`,
    [JSON.stringify(ids.map((id) => ({ id, traits: traits.get(id) ?? {} })))],
  );
  const latest = new Map<string, { profile_id: string; group_id: string; joined_at: string }>();
  for (const c of ordered) latest.set(`${c.profileId}\u0000${c.groupId}`, { profile_id: c.profileId, group_id: c.groupId, joined_at: c.timestamp.toISOString() });
  await sql.query(
    `INSERT INTO group_members (profile_id, group_id, joined_at)
     SELECT x.profile_id, x.group_id, x.joined_at FROM jsonb_to_recordset($1::jsonb) AS x(profile_id text, group_id text, joined_at timestamptz)
     ORDER BY 1, 2
     ON CONFLICT (profile_id, group_id) DO UPDATE SET joined_at = GREATEST(group_members.joined_at, EXCLUDED.joined_at)`,
    [JSON.stringify([...latest.values()])],
  );
}

/** Each profile's current group as the executor reads it: the group's traits plus `id`. */
export async function currentGroups(sql: Sql, profileIds: string[]): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  if (!profileIds.length) return out;
  const rows = await sql.query<{ profile_id: string; group_id: string; traits: Record<string, unknown> | null }>(
    `SELECT DISTINCT ON (m.profile_id) m.profile_id, m.group_id, g.traits
       FROM group_members m LEFT JOIN groups g ON g.id = m.group_id
      WHERE m.profile_id = ANY($1::text[])
      ORDER BY m.profile_id, m.joined_at DESC, m.group_id`,
    [profileIds],
  );
  // `id` last, so a group trait named "id" cannot hide which group this is.
  for (const r of rows) out.set(r.profile_id, { ...(r.traits ?? {}), id: r.group_id });
  return out;
}

/** Every group of one profile, the current one first (the profile page and API). */
export async function profileGroups(sql: Sql, profileId: string): Promise<ProfileGroup[]> {
  const rows = await sql.query<{ group_id: string; traits: Record<string, unknown> | null; joined_at: Date }>(
    `SELECT m.group_id, g.traits, m.joined_at FROM group_members m LEFT JOIN groups g ON g.id = m.group_id
      WHERE m.profile_id = $1 ORDER BY m.joined_at DESC, m.group_id LIMIT 100`,
    [profileId],
  );
  return rows.map((r) => ({ groupId: r.group_id, traits: r.traits ?? {}, joinedAt: r.joined_at.toISOString() }));
}

/** A merge moves the anonymous profile's memberships to the person's (the later call wins). */
export async function moveMemberships(sql: Sql, fromId: string, intoId: string): Promise<void> {
  await sql.query(
    `INSERT INTO group_members (profile_id, group_id, joined_at)
     SELECT $2, group_id, joined_at FROM group_members WHERE profile_id = $1
     ON CONFLICT (profile_id, group_id) DO UPDATE SET joined_at = GREATEST(group_members.joined_at, EXCLUDED.joined_at)`,
    [fromId, intoId],
  );
  await sql.query(`DELETE FROM group_members WHERE profile_id = $1`, [fromId]);
}
