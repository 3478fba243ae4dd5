// Storage of the per-profile event summary (lib/conditions/summary.ts): one `event_summaries` row per
// profile and event name, so a request rewrites only the names it touched, however many names and
// occurrences the profile has stored. Read whole (conditions may ask about any name), written by diff.
import type { Sql } from "@/lib/db/sql";
import { emptySummary, type EventStats, type EventSummary } from "@/lib/conditions/summary";

function isStats(v: unknown): v is EventStats {
  const s = v as EventStats;
  return !!s && typeof s === "object" && typeof s.total === "number" && typeof s.last === "number" && Array.isArray(s.recent);
}

/** The summaries of these profiles (an empty summary for a profile with none). */
export async function loadSummaries(sql: Sql, profileIds: string[]): Promise<Map<string, EventSummary>> {
  const out = new Map<string, EventSummary>();
  for (const id of profileIds) out.set(id, emptySummary());
  if (!profileIds.length) return out;
  const rows = await sql.query<{ profile_id: string; name: string; stats: unknown }>(
    profileIds.length === 1
      ? `SELECT profile_id, name, stats FROM event_summaries WHERE profile_id = $1`
      : `SELECT profile_id, name, stats FROM event_summaries WHERE profile_id = ANY($1::text[])`,
    [profileIds.length === 1 ? profileIds[0] : profileIds],
  );
  for (const r of rows) {
    if (!isStats(r.stats)) continue;
    const s = out.get(r.profile_id)!;
    // defineProperty: an event named "__proto__" is an ordinary key here.
    Object.defineProperty(s.events, r.name, { value: r.stats, enumerable: true, writable: true, configurable: true });
    if (s.lastEventAt === undefined || r.stats.last > s.lastEventAt) s.lastEventAt = r.stats.last;
  }
  return out;
}

export async function loadSummary(sql: Sql, profileId: string): Promise<EventSummary> {
  return (await loadSummaries(sql, [profileId])).get(profileId)!;
}

export type SummaryChange = { profileId: string; before: EventSummary; after: EventSummary };

/**
 * What changed between two summaries of one profile: names whose stats are new or replaced (updateSummary
 * returns new objects only for the names it touched, so this is a reference comparison), and names
 * dropped by the name cap.
 */
export function summaryDiff(before: EventSummary, after: EventSummary): { upsert: Array<[string, EventStats]>; remove: string[] } {
  const upsert: Array<[string, EventStats]> = [];
  const remove: string[] = [];
  for (const name of Object.keys(after.events)) {
    const stats = after.events[name];
    if (!Object.prototype.hasOwnProperty.call(before.events, name) || before.events[name] !== stats) upsert.push([name, stats]);
  }
  for (const name of Object.keys(before.events)) if (!Object.prototype.hasOwnProperty.call(after.events, name)) remove.push(name);
  return { upsert, remove };
}

/** Writes the changed names of every profile: one upsert statement, plus one delete when a name was dropped. */
export async function saveSummaries(sql: Sql, changes: SummaryChange[]): Promise<{ written: number; removed: number }> {
  const rows: Array<{ profile_id: string; name: string; stats: EventStats }> = [];
  const removed: Array<{ profile_id: string; name: string }> = [];
  for (const c of changes) {
    const d = summaryDiff(c.before, c.after);
    for (const [name, stats] of d.upsert) rows.push({ profile_id: c.profileId, name, stats });
    for (const name of d.remove) removed.push({ profile_id: c.profileId, name });
  }
  if (rows.length) {
    await sql.query(
      `INSERT INTO event_summaries (profile_id, name, stats)
       SELECT x.profile_id, x.name, x.stats FROM jsonb_to_recordset($1::jsonb) AS x(profile_id text, name text, stats jsonb)
       ON CONFLICT (profile_id, name) DO UPDATE SET stats = EXCLUDED.stats`,
      [JSON.stringify(rows)],
    );
  }
  if (removed.length) {
    await sql.query(
      `DELETE FROM event_summaries s USING jsonb_to_recordset($1::jsonb) AS x(profile_id text, name text)
        WHERE s.profile_id = x.profile_id AND s.name = x.name`,
      [JSON.stringify(removed)],
    );
  }
  return { written: rows.length, removed: removed.length };
}
