// Recommendations (docs/api.md §9), read from the state ingestion keeps (activity.ts): no event is
// rescanned. recently_viewed: the person's viewed items, newest first. popular: views + 3 × purchases
// over the sliding window's days, optionally in one category. also_viewed: the items most often viewed
// in the same session as an item (default: the person's last viewed). for_you: co-occurrence from
// the person's recent items (the newer weigh more), blended with what is popular in the categories
// they look at, which also fills the list when co-occurrence is thin. Items the person bought are
// left out of popular, also_viewed and for_you; items not (yet) in the catalog are never returned.
import type { Sql } from "@/lib/db/sql";
import { DEFAULT_LIMIT, STRATEGIES, type RecommendedItem, type Strategy } from "./schema";

/** for_you starts from this many of the person's latest items. */
const FOR_YOU_SEEDS = 5;
/** ...and reads at most this many neighbours of each. */
const NEIGHBOURS = 50;
/** How much popularity in the person's categories adds to co-occurrence (both scaled to 0..1). */
const POPULAR_BLEND = 0.25;

export type RecommendOptions = { limit?: number; category?: string; item?: string };

type Mine = { item_id: string; last_viewed_at: Date | null; purchased_at: Date | null; last_at: Date };
type ItemRow = { id: string; name: string; url: string | null; image: string | null; price: number | null; category: string | null; attributes: Record<string, unknown> };

/** One person's item history as the strategies read it (bounded: the latest 2,000 items). */
export class PersonItems {
  constructor(readonly rows: Mine[]) {}
  static async load(sql: Sql, profileIds: string[]): Promise<PersonItems> {
    if (!profileIds.length) return new PersonItems([]);
    const rows = await sql.query<Mine>(
      `SELECT item_id, last_viewed_at, purchased_at, last_at FROM profile_items WHERE profile_id = ANY($1::text[]) ORDER BY last_at DESC LIMIT 2000`,
      [profileIds],
    );
    return new PersonItems(rows);
  }
  get bought(): string[] {
    return this.rows.filter((r) => r.purchased_at !== null).map((r) => r.item_id);
  }
  get viewed(): Mine[] {
    return this.rows.filter((r) => r.last_viewed_at !== null).sort((a, b) => b.last_viewed_at!.getTime() - a.last_viewed_at!.getTime() || (a.item_id < b.item_id ? -1 : 1));
  }
}

async function itemsById(sql: Sql, ids: string[]): Promise<Map<string, ItemRow>> {
  if (!ids.length) return new Map();
  const rows = await sql.query<ItemRow>(`SELECT id, name, url, image, price, category, attributes FROM catalog_items WHERE id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.id, r]));
}

function shape(r: ItemRow, score: number): RecommendedItem {
  return { id: r.id, name: r.name, url: r.url, image: r.image, price: r.price === null ? null : Number(r.price), category: r.category, attributes: r.attributes ?? {}, score: Math.round(score * 1e6) / 1e6 };
}

/** Candidates (id → score) as items, catalog-known only, in one category if asked, best first. */
async function finish(sql: Sql, scored: Map<string, number>, opts: { limit: number; category?: string; exclude?: Set<string> }): Promise<RecommendedItem[]> {
  const ranked = [...scored.entries()].filter(([id]) => !opts.exclude?.has(id)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const rows = await itemsById(sql, ranked.map(([id]) => id).slice(0, Math.max(opts.limit * 4, 50)));
  const out: RecommendedItem[] = [];
  for (const [id, score] of ranked) {
    const r = rows.get(id);
    if (!r || (opts.category !== undefined && r.category !== opts.category)) continue;
    out.push(shape(r, score));
    if (out.length >= opts.limit) break;
  }
  return out;
}

/** Items by views + 3 × purchases over the window (item_totals), catalog-known, in the categories if given, leaving out `exclude`. */
export async function popularScores(sql: Sql, opts: { categories?: string[]; exclude: string[]; limit: number }): Promise<Map<string, number>> {
  const rows = await sql.query<{ item_id: string; score: number }>(
    `SELECT t.item_id, t.score FROM item_totals t JOIN catalog_items c ON c.id = t.item_id
      WHERE t.score > 0 AND ($1::text[] IS NULL OR c.category = ANY($1::text[])) AND NOT (t.item_id = ANY($2::text[]))
      ORDER BY t.score DESC, t.item_id LIMIT $3`,
    [opts.categories ?? null, opts.exclude, opts.limit],
  );
  return new Map(rows.map((r) => [r.item_id, Number(r.score)]));
}

export async function recommend(sql: Sql, profileIds: string[], strategy: Strategy, opts: RecommendOptions = {}, person?: PersonItems): Promise<RecommendedItem[]> {
  const limit = opts.limit ?? DEFAULT_LIMIT;
  const me = person ?? (await PersonItems.load(sql, profileIds));
  const bought = new Set(me.bought);
  switch (strategy) {
    case "recently_viewed": {
      const viewed = me.viewed;
      const scored = new Map(viewed.map((r, i) => [r.item_id, 1 / (i + 1)]));
      return finish(sql, scored, { limit, category: opts.category });
    }
    case "popular": {
      const scored = await popularScores(sql, { categories: opts.category ? [opts.category] : undefined, exclude: [...bought], limit });
      return finish(sql, scored, { limit, category: opts.category });
    }
    case "also_viewed": {
      const item = opts.item ?? me.viewed[0]?.item_id;
      if (!item) return [];
      const rows = await sql.query<{ other_id: string; count: number }>(
        `SELECT p.other_id, p.count FROM item_pairs p JOIN catalog_items c ON c.id = p.other_id
          WHERE p.item_id = $1 AND NOT (p.other_id = ANY($2::text[])) AND ($3::text IS NULL OR c.category = $3)
          ORDER BY p.count DESC, p.other_id LIMIT $4`,
        [item, [...bought], opts.category ?? null, limit],
      );
      return finish(sql, new Map(rows.map((r) => [r.other_id, Number(r.count)])), { limit, category: opts.category });
    }
    case "for_you":
      return forYou(sql, me, bought, { ...opts, limit });
  }
}

async function forYou(sql: Sql, me: PersonItems, bought: Set<string>, opts: RecommendOptions & { limit: number }): Promise<RecommendedItem[]> {
  const seeds = me.rows.slice(0, FOR_YOU_SEEDS);
  const exclude = new Set(bought);
  // The item being looked at right now is not a suggestion.
  const current = me.viewed[0];
  if (current && current.item_id === me.rows[0]?.item_id) exclude.add(current.item_id);
  const scored = new Map<string, number>();
  if (seeds.length) {
    const rows = await sql.query<{ seed: string; other_id: string; count: number }>(
      `SELECT s.seed, p.other_id, p.count
         FROM unnest($1::text[]) AS s(seed)
         CROSS JOIN LATERAL (SELECT other_id, count FROM item_pairs WHERE item_id = s.seed ORDER BY count DESC LIMIT ${NEIGHBOURS}) p`,
      [seeds.map((s) => s.item_id)],
    );
    const top = new Map<string, number>();
    for (const r of rows) top.set(r.seed, Math.max(top.get(r.seed) ?? 0, Number(r.count)));
    const weight = new Map(seeds.map((s, i) => [s.item_id, 1 / (i + 1)]));
    for (const r of rows) {
      if (exclude.has(r.other_id)) continue;
      const w = weight.get(r.seed)! * (Number(r.count) / top.get(r.seed)!);
      scored.set(r.other_id, (scored.get(r.other_id) ?? 0) + w);
    }
  }
  // The person's categories (from their latest items), most frequent first.
  const recentIds = me.rows.slice(0, 50).map((r) => r.item_id);
  const cats = new Map<string, number>();
  for (const r of (await itemsById(sql, recentIds)).values()) if (r.category) cats.set(r.category, (cats.get(r.category) ?? 0) + 1);
  const categories = opts.category ? [opts.category] : [...cats.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([c]) => c);
  const popular = await popularScores(sql, { categories: categories.length ? categories : undefined, exclude: [...exclude], limit: opts.limit * 4 });
  const maxPop = Math.max(0, ...popular.values());
  const maxCo = Math.max(0, ...scored.values());
  const blended = new Map<string, number>();
  for (const [id, s] of scored) blended.set(id, maxCo ? s / maxCo : 0);
  for (const [id, p] of popular) blended.set(id, (blended.get(id) ?? 0) + (maxPop ? (POPULAR_BLEND * p) / maxPop : 0));
  return finish(sql, blended, { limit: opts.limit, category: opts.category, exclude });
}

/** The lists a template may read (lib/liquid: `recommendations.*`), for one person, only those named. */
export async function recommendationsFor(sql: Sql, profileIds: string[], strategies: Iterable<Strategy>): Promise<Record<string, RecommendedItem[]>> {
  const wanted = [...new Set(strategies)].filter((s) => (STRATEGIES as readonly string[]).includes(s));
  const out: Record<string, RecommendedItem[]> = {};
  if (!wanted.length) return out;
  const me = await PersonItems.load(sql, profileIds);
  for (const s of wanted) out[s] = await recommend(sql, profileIds, s, { limit: DEFAULT_LIMIT }, me);
  return out;
}
