// The engagement score while a user is idle: ingestion recomputes it on each event, and this recurring
// worker job recomputes it for everyone whose score can still move, so it decays as events leave the
// window even when the user sends nothing (docs/api.md §5: "the score also decays while a user is
// idle"). A changed score is a change of traits: trait triggers see it through the one dispatcher.
//
// Which profiles: a score only moves when one of the user's events leaves the window, i.e. until
// last_seen + window. So the job reads profiles with last_seen in [now - window - margin, now) through
// the profiles_last_seen_idx index, in pages of PAGE ids (keyset), each page one transaction with its
// rows locked in id order (the lock ingestion takes), summaries read per page (event_summaries by key).
import type { Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import { parseDuration } from "@/lib/conditions/duration";
import { engagementScore } from "@/lib/ingest/engagement";
import { loadSettings } from "@/lib/ingest/settings";
import { runFlowsForBatch, type BatchItem } from "./execute";
import { loadSummaries } from "./summaries";

const DAY = 86_400_000;
/** Extra time looked back past the window, so a missed run (a worker down for a while) catches up. */
export const DECAY_MARGIN_MS = 2 * DAY;
export const DECAY_PAGE = 500;

export type DecayResult = { checked: number; changed: number };

const own = (o: Record<string, unknown>, k: string) => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

/** Recomputes the engagement score of every profile whose score may have moved, as of `now`. */
export async function decayEngagement(db: Db, now: Date = new Date(), page = DECAY_PAGE): Promise<DecayResult> {
  const settings = (await loadSettings(db.sql)).engagement;
  if (!settings.enabled) return { checked: 0, changed: 0 };
  const windowMs = parseDuration(settings.window) ?? 30 * DAY;
  const since = new Date(now.getTime() - windowMs - DECAY_MARGIN_MS);
  let after = "";
  const total: DecayResult = { checked: 0, changed: 0 };
  for (;;) {
    const ids = (
      await db.sql.query<{ id: string }>(`SELECT id FROM profiles WHERE last_seen >= $1 AND last_seen <= $2 AND id > $3 ORDER BY id LIMIT $4`, [since, now, after, page])
    ).map((r) => r.id);
    if (!ids.length) break;
    after = ids[ids.length - 1];
    const res = await db.tx((sql) => decayPage(sql, ids, now));
    total.checked += res.checked;
    total.changed += res.changed;
    if (ids.length < page) break;
  }
  return total;
}

async function decayPage(sql: Sql, ids: string[], now: Date): Promise<DecayResult> {
  const settings = (await loadSettings(sql)).engagement;
  const rows = await sql.query<{ id: string; user_id: string | null; traits: Record<string, unknown>; first_seen: Date; last_seen: Date }>(
    `SELECT id, user_id, traits, first_seen, last_seen FROM profiles WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  const summaries = await loadSummaries(sql, rows.map((r) => r.id));
  const changed: BatchItem[] = [];
  for (const r of rows) {
    const traits = r.traits ?? {};
    const current = own(traits, settings.trait);
    // A profile never scored (no activity counted yet) is left alone at 0.
    const summary = summaries.get(r.id)!;
    const score = engagementScore(summary, settings, now.getTime());
    if (current === score || (current === undefined && score === 0)) continue;
    const next = { ...traits, [settings.trait]: score };
    changed.push({ profile: { id: r.id, userId: r.user_id, traits: next, summary, firstSeen: r.first_seen, lastSeen: r.last_seen }, events: [], firstIdentify: false, traitsBefore: traits });
  }
  if (changed.length) {
    await sql.query(
      `UPDATE profiles p SET traits = p.traits || jsonb_build_object($2::text, x.score), updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, score float8) WHERE p.id = x.id`,
      [JSON.stringify(changed.map((c) => ({ id: c.profile.id, score: c.profile.traits[settings.trait] }))), settings.trait],
    );
    // The same path as ingestion: trait triggers compare the traits before and after.
    await runFlowsForBatch(sql, changed, { now });
  }
  return { checked: rows.length, changed: changed.length };
}
