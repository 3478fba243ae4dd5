// Profile reads: one profile with its identities, recent events and runs (docs/api.md §7), and search.
import { z } from "zod";
import type { Sql } from "@/lib/db/sql";
import { ProfileGroup, profileGroups } from "./groups";
import { MessageFate, messageFates } from "./message-fates";
import type { Graph } from "@/lib/flow/schema";
import { stepNames } from "@/lib/flow/step-name";

export const ProfileEvent = z.object({
  id: z.number(),
  type: z.string(),
  name: z.string(),
  properties: z.record(z.string(), z.unknown()),
  context: z.record(z.string(), z.unknown()),
  timestamp: z.string(),
  receivedAt: z.string(),
  messageId: z.string().nullable(),
  violations: z.array(z.object({ property: z.string(), message: z.string() })).nullable(),
});

export const RunStep = z.object({
  nodeId: z.string(),
  stepName: z.string().optional().describe("The step's name in the flow version the run followed: its label, else a name made from what it does"),
  at: z.string(),
  result: z.string(),
  reason: z.unknown(),
  delivery: MessageFate.optional().describe("Message steps: whether the user saw it, lost it to another flow on the same placement, or it failed"),
});

export const ProfileRun = z.object({
  id: z.string(),
  flowId: z.string(),
  flowName: z.string().nullable(),
  version: z.number().int(),
  nodeId: z.string().nullable(),
  status: z.string(),
  holdout: z.boolean(),
  enteredAt: z.string(),
  endedAt: z.string().nullable(),
  convertedAt: z.string().nullable(),
  steps: z.array(RunStep),
});

export const ProfileView = z
  .object({
    userId: z.string().nullable(),
    profileId: z.string(),
    anonymousIds: z.array(z.string()),
    userIds: z.array(z.string()),
    traits: z.record(z.string(), z.unknown()),
    groups: z.array(ProfileGroup),
    firstSeen: z.string(),
    lastSeen: z.string(),
    runs: z.array(ProfileRun),
    events: z.array(ProfileEvent),
  })
  .meta({ id: "Profile" });
export type ProfileView = z.infer<typeof ProfileView>;

export const ProfileListItem = z.object({
  userId: z.string().nullable(),
  profileId: z.string(),
  /** An anonymous id of the profile, to link to a profile that has no userId yet. */
  anonymousId: z.string().nullable(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  traits: z.record(z.string(), z.unknown()),
  firstSeen: z.string(),
  lastSeen: z.string(),
});
export const ProfileList = z.object({ users: z.array(ProfileListItem), total: z.number().int(), offset: z.number().int(), limit: z.number().int() }).meta({ id: "ProfileList" });
export type ProfileList = z.infer<typeof ProfileList>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The profile id behind a userId (any of its user ids), else behind an anonymousId; null if unknown. */
export async function findProfileId(sql: Sql, id: string): Promise<string | null> {
  const rows = await sql.query<{ profile_id: string }>(
    `SELECT profile_id FROM identity_directory WHERE value = $1 AND kind IN ('user', 'anonymous') ORDER BY (kind = 'user') DESC LIMIT 1`,
    [id],
  );
  return rows[0]?.profile_id ?? null;
}

type EventRow = { id: number; type: string; name: string; properties: Record<string, unknown>; context: Record<string, unknown>; timestamp: Date; received_at: Date; message_id: string | null; violations: ProfileView["events"][number]["violations"] };

export const eventView = (e: EventRow) => ({
  id: e.id,
  type: e.type,
  name: e.name,
  properties: e.properties ?? {},
  context: e.context ?? {},
  timestamp: e.timestamp.toISOString(),
  receivedAt: e.received_at.toISOString(),
  messageId: e.message_id,
  violations: e.violations ?? null,
});

/** Step names (lib/flow/step-name) of the flow versions some runs followed, by `flowId \0 version`. */
async function stepNamesOfVersions(sql: Sql, runs: { flow_id: string; version: number }[]): Promise<Map<string, Map<string, string>>> {
  const pairs = [...new Map(runs.map((r) => [`${r.flow_id}\0${r.version}`, r])).values()];
  if (!pairs.length) return new Map();
  const rows = await sql.query<{ flow_id: string; version: number; graph: Graph }>(
    `SELECT v.flow_id, v.version, v.graph FROM flow_versions v
       JOIN unnest($1::text[], $2::int[]) AS p(flow_id, version) ON p.flow_id = v.flow_id AND p.version = v.version`,
    [pairs.map((p) => p.flow_id), pairs.map((p) => p.version)],
  );
  return new Map(rows.map((r) => [`${r.flow_id}\0${r.version}`, stepNames(Array.isArray(r.graph?.nodes) ? r.graph.nodes : [])]));
}

/** docs/api.md §7's profile: traits, identities, the latest `eventLimit` events, runs with their steps. */
export async function getProfile(sql: Sql, id: string, opts: { eventLimit?: number; stepLimit?: number } = {}): Promise<ProfileView | null> {
  const profileId = await findProfileId(sql, id);
  if (!profileId) return null;
  const [p] = await sql.query<{ id: string; user_id: string | null; traits: Record<string, unknown>; first_seen: Date; last_seen: Date }>(
    `SELECT id, user_id, traits, first_seen, last_seen FROM profiles WHERE id = $1`,
    [profileId],
  );
  if (!p) return null;
  const identities = await sql.query<{ kind: string; value: string }>(`SELECT kind, value FROM identities WHERE profile_id = $1 ORDER BY created_at, value`, [profileId]);
  const events = await sql.query<EventRow>(
    `SELECT id, type, name, properties, context, "timestamp", received_at, message_id, violations FROM events
      WHERE profile_id = $1 ORDER BY "timestamp" DESC, id DESC LIMIT $2`,
    [profileId, opts.eventLimit ?? 50],
  );
  const runs = await sql.query<{ id: string; flow_id: string; flow_name: string | null; version: number; node_id: string | null; status: string; holdout: boolean; entered_at: Date; ended_at: Date | null; converted_at: Date | null }>(
    `SELECT r.id, r.flow_id, f.name AS flow_name, r.version, r.node_id, r.status, r.holdout, r.entered_at, r.ended_at, r.converted_at
       FROM runs r LEFT JOIN flows f ON f.id = r.flow_id WHERE r.profile_id = $1 ORDER BY r.entered_at DESC LIMIT 100`,
    [profileId],
  );
  const steps = runs.length
    ? await sql.query<{ run_id: string; node_id: string; at: Date; result: string; reason: unknown; key: string }>(
        `SELECT run_id, node_id, at, result, reason, key FROM steps WHERE run_id = ANY($1::text[]) ORDER BY at, id LIMIT $2`,
        [runs.map((r) => r.id), opts.stepLimit ?? 2000],
      )
    : [];
  const fates = await messageFates(sql, profileId, runs.map((r) => r.id));
  const names = await stepNamesOfVersions(sql, runs);
  const stepsByRun = new Map<string, ProfileView["runs"][number]["steps"]>();
  for (const s of steps) {
    const list = stepsByRun.get(s.run_id) ?? [];
    const delivery = fates.get(s.key);
    const run = runs.find((r) => r.id === s.run_id);
    const stepName = run ? names.get(`${run.flow_id}\0${run.version}`)?.get(s.node_id) : undefined;
    list.push({ nodeId: s.node_id, ...(stepName ? { stepName } : {}), at: s.at.toISOString(), result: s.result, reason: s.reason, ...(delivery ? { delivery } : {}) });
    stepsByRun.set(s.run_id, list);
  }
  return {
    userId: p.user_id,
    profileId: p.id,
    anonymousIds: identities.filter((i) => i.kind === "anonymous").map((i) => i.value),
    userIds: identities.filter((i) => i.kind === "user").map((i) => i.value),
    traits: p.traits ?? {},
    groups: await profileGroups(sql, profileId),
    firstSeen: p.first_seen.toISOString(),
    lastSeen: p.last_seen.toISOString(),
    runs: runs.map((r) => ({
      id: r.id,
      flowId: r.flow_id,
      flowName: r.flow_name,
      version: r.version,
      nodeId: r.node_id,
      status: r.status,
      holdout: r.holdout,
      enteredAt: r.entered_at.toISOString(),
      endedAt: iso(r.ended_at),
      convertedAt: iso(r.converted_at),
      steps: stepsByRun.get(r.id) ?? [],
    })),
    events: events.map(eventView),
  };
}

export const SearchQuery = z.object({
  q: z.string().trim().max(256).default(""),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  known: z.enum(["all", "users", "anonymous"]).default("all"),
});

/** Profiles by userId (prefix), any identity (exact) or email trait (substring), most recently seen first. */
export async function searchProfiles(sql: Sql, input: z.input<typeof SearchQuery>): Promise<ProfileList> {
  const { q, offset, limit, known } = SearchQuery.parse(input);
  const where: string[] = [];
  const params: unknown[] = [];
  if (q) {
    params.push(q, `${q.replace(/[\\%_]/g, "\\$&")}%`, `%${q.replace(/[\\%_]/g, "\\$&")}%`);
    where.push(`(p.user_id ILIKE $2 OR p.traits->>'email' ILIKE $3 OR EXISTS (SELECT 1 FROM identities i WHERE i.profile_id = p.id AND i.value = $1))`);
  }
  if (known === "users") where.push(`p.user_id IS NOT NULL`);
  if (known === "anonymous") where.push(`p.user_id IS NULL`);
  const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const [{ total }] = await sql.query<{ total: number }>(`SELECT count(*)::int AS total FROM profiles p ${clause}`, params);
  const rows = await sql.query<{ id: string; user_id: string | null; anon: string | null; traits: Record<string, unknown>; first_seen: Date; last_seen: Date }>(
    `SELECT p.id, p.user_id, p.traits, p.first_seen, p.last_seen,
            (SELECT min(i.value) FROM identities i WHERE i.profile_id = p.id AND i.kind = 'anonymous') AS anon
       FROM profiles p ${clause}
      ORDER BY p.last_seen DESC, p.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, limit, offset],
  );
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  return {
    users: rows.map((r) => ({
      userId: r.user_id,
      profileId: r.id,
      anonymousId: r.anon,
      email: str(r.traits?.email),
      name: str(r.traits?.name) ?? ([str(r.traits?.firstName), str(r.traits?.lastName)].filter(Boolean).join(" ") || null),
      traits: r.traits ?? {},
      firstSeen: r.first_seen.toISOString(),
      lastSeen: r.last_seen.toISOString(),
    })),
    total,
    offset,
    limit,
  };
}
