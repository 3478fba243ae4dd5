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
 * Every statement names one group or carries the profile ids of its rows, so on a store sharded by
 * person (group_members) and by group id (groups) each touches only the shards it must. Groups are
 * locked one by one in id order, so two requests about the same groups never deadlock.
 */
export async function applyGroupCalls(sql: Sql, calls: GroupCall[]): Promise<void> {
  if (!calls.length) return;
  const ordered = [...calls].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  for (const id of [...new Set(ordered.map((c) => c.groupId))].sort()) {
    // Create the group if new, so that the lock below always has a row to hold.
    await sql.query(`INSERT INTO groups (id) VALUES ($1) ON CONFLICT (id) DO NOTHING`, [id]);
    const [row] = await sql.query<{ traits: Record<string, unknown> | null }>(`SELECT traits FROM groups WHERE id = $1 FOR UPDATE`, [id]);
    let traits = row?.traits ?? {};
    for (const c of ordered) if (c.groupId === id) traits = applyTraits(traits, c.traits);
    await sql.query(`UPDATE groups SET traits = $2::jsonb, updated_at = now() WHERE id = $1`, [id, JSON.stringify(traits)]);
  }
  const latest = new Map<string, { profile_id: string; group_id: string; joined_at: string }>();
  for (const c of ordered) latest.set(`${c.profileId}\u0000${c.groupId}`, { profile_id: c.profileId, group_id: c.groupId, joined_at: c.timestamp.toISOString() });
  // Rows are routed by their profile id: only the shards of these people are written.
  await sql.query(
    `INSERT INTO group_members (profile_id, group_id, joined_at)
     SELECT x.profile_id, x.group_id, x.joined_at FROM jsonb_to_recordset($1::jsonb) AS x(profile_id text, group_id text, joined_at timestamptz)
     ORDER BY 1, 2
     ON CONFLICT (profile_id, group_id) DO UPDATE SET joined_at = GREATEST(group_members.joined_at, EXCLUDED.joined_at)`,
    [JSON.stringify([...latest.values()])],
  );
}

/** The traits of these groups, by id (one group: by its key, so a sharded store asks one shard). */
async function groupTraits(sql: Sql, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
  if (!ids.length) return new Map();
  const rows =
    ids.length === 1
      ? await sql.query<{ id: string; traits: Record<string, unknown> | null }>(`SELECT id, traits FROM groups WHERE id = $1`, [ids[0]])
      : await sql.query<{ id: string; traits: Record<string, unknown> | null }>(`SELECT id, traits FROM groups WHERE id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.id, r.traits ?? {}]));
}

/** Each profile's current group as the executor reads it: the group's traits plus `id`. */
export async function currentGroups(sql: Sql, profileIds: string[]): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  if (!profileIds.length) return out;
  // Memberships, then the groups' traits by id: two keyed reads rather than a join across placements.
  const members =
    profileIds.length === 1
      ? await sql.query<{ profile_id: string; group_id: string }>(
          `SELECT profile_id, group_id FROM group_members WHERE profile_id = $1 ORDER BY joined_at DESC, group_id LIMIT 1`,
          [profileIds[0]],
        )
      : await sql.query<{ profile_id: string; group_id: string }>(
          `SELECT DISTINCT ON (profile_id) profile_id, group_id FROM group_members WHERE profile_id = ANY($1::text[]) ORDER BY profile_id, joined_at DESC, group_id`,
          [profileIds],
        );
  if (!members.length) return out;
  const traits = await groupTraits(sql, [...new Set(members.map((m) => m.group_id))]);
  // `id` last, so a group trait named "id" cannot hide which group this is.
  for (const m of members) out.set(m.profile_id, { ...(traits.get(m.group_id) ?? {}), id: m.group_id });
  return out;
}

/** Every group of one profile, the current one first (the profile page and API). */
export async function profileGroups(sql: Sql, profileId: string): Promise<ProfileGroup[]> {
  const rows = await sql.query<{ group_id: string; joined_at: Date }>(
    `SELECT group_id, joined_at FROM group_members WHERE profile_id = $1 ORDER BY joined_at DESC, group_id LIMIT 100`,
    [profileId],
  );
  const traits = await groupTraits(sql, rows.map((r) => r.group_id));
  return rows.map((r) => ({ groupId: r.group_id, traits: traits.get(r.group_id) ?? {}, joinedAt: r.joined_at.toISOString() }));
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
