// The policies' database side: workspace policies (workspace_settings, key "policies") and per-user send
// counters (send_counters), plus the gate the executor hands to the engine.
//
//   const policy = await loadPolicyGate(sql, profile, now)   // inside the executor's transaction
//   advance(flow, run, input, ctx, now, { gate: policy.gate }) / triggerEntries(..., { gate: policy.gate })
//   await policy.commit()                                     // same transaction: counts what was let through
//
// The executor holds the profile row lock (ingestion and the timer worker both take it), so reading the
// counters, deciding and writing the increments cannot interleave with another send to the same user.
import type { Sql } from "@/lib/db/sql";
import type { MessageGate } from "@/lib/engine/types";
import { createGate, SendCounts, type CounterIncrement } from "./gate";
import { DEFAULT_POLICIES, Policies, userTimeZone, type PoliciesInput } from "./schema";

export const POLICIES_KEY = "policies";

/** The workspace policies; defaults (no caps, no quiet hours, UTC) until someone saves them. */
export async function getPolicies(sql: Sql): Promise<Policies & { updatedAt: string | null; updatedBy: string | null }> {
  const rows = await sql.query<{ value: unknown; updated_at: Date; updated_by: string | null }>(`SELECT value, updated_at, updated_by FROM workspace_settings WHERE key = $1`, [POLICIES_KEY]);
  const parsed = rows[0] ? Policies.safeParse(rows[0].value) : null;
  // A stored value always passed validation; a zone the runtime no longer knows falls back to defaults.
  const value = parsed?.success ? parsed.data : DEFAULT_POLICIES;
  return { ...value, updatedAt: rows[0]?.updated_at.toISOString() ?? null, updatedBy: rows[0]?.updated_by ?? null };
}

/** Validates and stores the workspace policies (the whole document). Returns what is stored. */
export async function putPolicies(sql: Sql, input: PoliciesInput, actor: string | null) {
  const value = Policies.parse(input);
  await sql.query(
    `INSERT INTO workspace_settings (key, value, updated_at, updated_by) VALUES ($1, $2::jsonb, now(), $3)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now(), updated_by = EXCLUDED.updated_by`,
    [POLICIES_KEY, JSON.stringify(value), actor],
  );
  return getPolicies(sql);
}

/** The user's counters for windows that have not ended at `now`. */
export async function loadSendCounts(sql: Sql, profileId: string, now: number): Promise<SendCounts> {
  const rows = await sql.query<{ channel: string; period: string; count: number }>(
    `SELECT channel, period, count FROM send_counters WHERE profile_id = $1 AND expires_at > $2`,
    [profileId, new Date(now)],
  );
  return new SendCounts(rows);
}

/** Adds the increments to the user's counters (one upsert). */
export async function recordSends(sql: Sql, profileId: string, added: readonly CounterIncrement[]): Promise<void> {
  if (!added.length) return;
  const merged = new Map<string, { channel: string; period: string; n: number; expiresAt: number }>();
  for (const a of added) {
    const k = `${a.channel}|${a.period}`;
    const m = merged.get(k);
    if (m) m.n++;
    else merged.set(k, { channel: a.channel, period: a.period, n: 1, expiresAt: a.expiresAt });
  }
  const values: unknown[] = [];
  const rows = [...merged.values()].map((m, i) => {
    values.push(profileId, m.channel, m.period, m.n, new Date(m.expiresAt));
    const b = i * 5;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::timestamptz)`;
  });
  await sql.query(
    `INSERT INTO send_counters (profile_id, channel, period, count, expires_at) VALUES ${rows.join(", ")}
     ON CONFLICT (profile_id, channel, period) DO UPDATE SET count = send_counters.count + EXCLUDED.count`,
    values,
  );
}

/** Adds each profile's increments to its counters, for any number of profiles in one upsert. */
export async function recordSendsMany(sql: Sql, batch: ReadonlyArray<{ profileId: string; added: readonly CounterIncrement[] }>): Promise<void> {
  // One row per counter: an upsert may not touch the same row twice in one statement.
  const merged = new Map<string, { profileId: string; channel: string; period: string; n: number; expiresAt: number }>();
  for (const { profileId, added } of batch) {
    for (const a of added) {
      const k = `${profileId}|${a.channel}|${a.period}`;
      const m = merged.get(k);
      if (m) m.n++;
      else merged.set(k, { profileId, channel: a.channel, period: a.period, n: 1, expiresAt: a.expiresAt });
    }
  }
  if (!merged.size) return;
  const values: unknown[] = [];
  const rows = [...merged.values()].map((m, i) => {
    values.push(m.profileId, m.channel, m.period, m.n, new Date(m.expiresAt));
    const b = i * 5;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::timestamptz)`;
  });
  await sql.query(
    `INSERT INTO send_counters (profile_id, channel, period, count, expires_at) VALUES ${rows.join(", ")}
     ON CONFLICT (profile_id, channel, period) DO UPDATE SET count = send_counters.count + EXCLUDED.count`,
    values,
  );
}

/** Deletes counters of windows that ended before `before` (a housekeeping job may call it). */
export async function pruneSendCounters(sql: Sql, before: Date): Promise<number> {
  const rows = await sql.query<{ n: number }>(`WITH d AS (DELETE FROM send_counters WHERE expires_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [before]);
  return rows[0]?.n ?? 0;
}

export type PolicyGate = {
  gate: MessageGate;
  policies: Policies;
  timezone: string;
  counts: SendCounts;
  /** Writes the sends the gate let through to the counters; call once, in the same transaction. */
  commit(): Promise<void>;
};

/** Policies, time zone and counters of one profile, as a gate for the engine. */
export async function loadPolicyGate(sql: Sql, profile: { id: string; traits: Record<string, unknown> }, now: number): Promise<PolicyGate> {
  const policies = await getPolicies(sql);
  const counts = await loadSendCounts(sql, profile.id, now);
  let committed = 0;
  // The time zone is read at each decision: an update node earlier in the walk may set it.
  const gate: MessageGate = (req) => createGate({ policies, timezone: userTimeZone(profile.traits, policies.timezone), counts })(req);
  return {
    gate,
    policies,
    timezone: userTimeZone(profile.traits, policies.timezone),
    counts,
    async commit() {
      await recordSends(sql, profile.id, counts.added.slice(committed));
      committed = counts.added.length;
    },
  };
}

export type PolicyGates = {
  /** The gate of one of the profiles given to loadPolicyGates. */
  gateFor(profile: { id: string; traits: Record<string, unknown> }): PolicyGate;
  /** Writes every profile's new sends in one upsert; call once, in the same transaction. */
  commit(): Promise<void>;
};

/**
 * loadPolicyGate for many profiles of one transaction (an ingestion batch): the policies are read once
 * and every profile's counters in one query. Each profile's gate behaves exactly as loadPolicyGate's.
 */
export async function loadPolicyGates(sql: Sql, profileIds: readonly string[], now: number): Promise<PolicyGates> {
  const policies = await getPolicies(sql);
  const rows = profileIds.length
    ? await sql.query<{ profile_id: string; channel: string; period: string; count: number }>(
        `SELECT profile_id, channel, period, count FROM send_counters WHERE profile_id = ANY($1::text[]) AND expires_at > $2`,
        [profileIds, new Date(now)],
      )
    : [];
  const byProfile = new Map<string, Array<{ channel: string; period: string; count: number }>>();
  for (const r of rows) {
    const list = byProfile.get(r.profile_id);
    if (list) list.push(r);
    else byProfile.set(r.profile_id, [r]);
  }
  const gates = new Map<string, PolicyGate>();
  const committed = new Map<string, number>();
  const pendingOf = (id: string, g: PolicyGate) => {
    const added = g.counts.added.slice(committed.get(id) ?? 0);
    committed.set(id, g.counts.added.length);
    return added;
  };
  return {
    gateFor(profile) {
      const known = gates.get(profile.id);
      if (known) return known;
      const counts = new SendCounts(byProfile.get(profile.id) ?? []);
      const gate: MessageGate = (req) => createGate({ policies, timezone: userTimeZone(profile.traits, policies.timezone), counts })(req);
      const pg: PolicyGate = {
        gate,
        policies,
        timezone: userTimeZone(profile.traits, policies.timezone),
        counts,
        async commit() {
          await recordSends(sql, profile.id, pendingOf(profile.id, pg));
        },
      };
      gates.set(profile.id, pg);
      return pg;
    },
    async commit() {
      const batch = [...gates.entries()].map(([profileId, g]) => ({ profileId, added: pendingOf(profileId, g) }));
      await recordSendsMany(sql, batch);
    },
  };
}
