// What events say about catalog items (docs/api.md §9), kept incrementally inside the ingestion
// transaction: Segment's e-commerce events name items by `product_id` / `productId` (`Product Viewed`,
// `Product Added`) or list them in `products[]` (`Order Completed`). Per request this costs one read
// of the people's recent views (only when something was viewed) and one multi-row upsert per table,
// each a single jsonb parameter: proportional to the items in the request, never a rescan.
// Unknown item ids are kept: the catalog may name them later.
import type { Sql } from "@/lib/db/sql";

/** Days that count towards `popular` (PATHWISE_POPULAR_WINDOW_DAYS). */
export const popularWindowDays = () => Math.max(1, Number(process.env.PATHWISE_POPULAR_WINDOW_DAYS ?? 30) || 30);
/** The first day inside the popularity window, as of `now`. */
export const windowStart = (now: Date = new Date()) => new Date(now.getTime() - popularWindowDays() * 86_400_000).toISOString().slice(0, 10);
const PURCHASE_WEIGHT = 3;

/** Two views by one person this close together are one session: their items are co-viewed. */
export const SESSION_WINDOW_MS = 60 * 60 * 1000;
/** A new view pairs with at most this many of the person's items viewed earlier in the session. */
export const PAIR_WITH_RECENT = 10;
const MAX_ITEM_ID = 256;

export const VIEW_EVENTS = new Set(["Product Viewed", "Product Added"]);
export const PURCHASE_EVENTS = new Set(["Order Completed"]);

export type ItemActivity = { profileId: string; itemId: string; kind: "view" | "purchase"; at: number };

function itemId(v: unknown): string | null {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v !== "string") return null;
  const s = v.trim();
  return s && s.length <= MAX_ITEM_ID ? s : null;
}

function productIdOf(p: Record<string, unknown> | null | undefined): string | null {
  if (!p || typeof p !== "object") return null;
  return itemId(Object.prototype.hasOwnProperty.call(p, "product_id") ? p.product_id : p.productId);
}

/** The items one event names: a view of one item, or the purchase of each of its products. */
export function itemsOfEvent(e: { type: string; name: string; properties?: Record<string, unknown> | null }): Array<{ itemId: string; kind: "view" | "purchase" }> {
  if (e.type !== "track") return [];
  if (VIEW_EVENTS.has(e.name)) {
    const id = productIdOf(e.properties);
    return id ? [{ itemId: id, kind: "view" }] : [];
  }
  if (PURCHASE_EVENTS.has(e.name)) {
    const products = e.properties?.products;
    if (!Array.isArray(products)) return [];
    const out: Array<{ itemId: string; kind: "purchase" }> = [];
    const seen = new Set<string>();
    for (const p of products.slice(0, 1000)) {
      const id = productIdOf(p as Record<string, unknown>);
      if (id && !seen.has(id)) {
        seen.add(id);
        out.push({ itemId: id, kind: "purchase" });
      }
    }
    return out;
  }
  return [];
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Records the request's item activity: each person's items (views, last view, purchase), the items'
 * daily counts, and co-occurrence pairs for items first viewed in a session (a view pairs with the
 * person's other items viewed within SESSION_WINDOW_MS before it). Call inside the ingestion
 * transaction, with the profiles locked.
 */
export async function recordItemActivity(sql: Sql, acts: ItemActivity[]): Promise<void> {
  if (!acts.length) return;
  acts = [...acts].sort((a, b) => a.at - b.at);
  type Mine = { views: number; last_viewed_at: number | null; purchased_at: number | null; last_at: number };
  const mine = new Map<string, Mine>();
  const daily = new Map<string, { item_id: string; day: string; views: number; purchases: number }>();
  const pairs = new Map<string, { item_id: string; other_id: string; count: number }>();

  // Each person's views within the session window before the request's first view: what new views pair with.
  const viewers = [...new Set(acts.filter((a) => a.kind === "view").map((a) => a.profileId))];
  const recent = new Map<string, Map<string, number>>();
  if (viewers.length) {
    const since = new Date(acts.find((a) => a.kind === "view")!.at - SESSION_WINDOW_MS);
    const rows = await sql.query<{ profile_id: string; item_id: string; last_viewed_at: Date }>(
      `SELECT profile_id, item_id, last_viewed_at FROM (
         SELECT profile_id, item_id, last_viewed_at, row_number() OVER (PARTITION BY profile_id ORDER BY last_viewed_at DESC) AS n
           FROM profile_items WHERE profile_id = ANY($1::text[]) AND last_viewed_at >= $2) s
        WHERE n <= $3`,
      [viewers, since, PAIR_WITH_RECENT * 2],
    );
    for (const r of rows) {
      let m = recent.get(r.profile_id);
      if (!m) recent.set(r.profile_id, (m = new Map()));
      m.set(r.item_id, r.last_viewed_at.getTime());
    }
  }

  for (const a of acts) {
    const key = `${a.profileId}\n${a.itemId}`;
    let m = mine.get(key);
    if (!m) mine.set(key, (m = { views: 0, last_viewed_at: null, purchased_at: null, last_at: a.at }));
    m.last_at = Math.max(m.last_at, a.at);
    const dk = `${a.itemId}\n${day(a.at)}`;
    let d = daily.get(dk);
    if (!d) daily.set(dk, (d = { item_id: a.itemId, day: day(a.at), views: 0, purchases: 0 }));
    if (a.kind === "purchase") {
      m.purchased_at = Math.max(m.purchased_at ?? 0, a.at);
      d.purchases++;
      continue;
    }
    m.views++;
    m.last_viewed_at = Math.max(m.last_viewed_at ?? 0, a.at);
    d.views++;
    let seen = recent.get(a.profileId);
    if (!seen) recent.set(a.profileId, (seen = new Map()));
    const before = seen.get(a.itemId);
    // Only the first view of an item in a session pairs: reloading a page does not inflate its pairs.
    if (before === undefined || before < a.at - SESSION_WINDOW_MS) {
      const others = [...seen.entries()]
        .filter(([id, t]) => id !== a.itemId && t >= a.at - SESSION_WINDOW_MS && t <= a.at)
        .sort((x, y) => y[1] - x[1])
        .slice(0, PAIR_WITH_RECENT);
      for (const [other] of others) {
        for (const [x, y] of [
          [a.itemId, other],
          [other, a.itemId],
        ]) {
          const pk = `${x}\n${y}`;
          const p = pairs.get(pk);
          if (p) p.count++;
          else pairs.set(pk, { item_id: x, other_id: y, count: 1 });
        }
      }
    }
    seen.set(a.itemId, Math.max(before ?? 0, a.at));
  }

  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const mineRows = [...mine.entries()].map(([k, m]) => {
    const [profile_id, item_id] = k.split("\n");
    return { profile_id, item_id, views: m.views, last_viewed_at: iso(m.last_viewed_at), purchased_at: iso(m.purchased_at), last_at: iso(m.last_at) };
  });
  // Rows in key order: concurrent requests lock shared rows (an item's day, a pair) in the same order.
  await sql.query(
    `INSERT INTO profile_items (profile_id, item_id, views, last_viewed_at, purchased_at, last_at)
     SELECT x.profile_id, x.item_id, x.views, x.last_viewed_at, x.purchased_at, x.last_at
       FROM jsonb_to_recordset($1::jsonb) AS x(profile_id text, item_id text, views int, last_viewed_at timestamptz, purchased_at timestamptz, last_at timestamptz)
      ORDER BY x.profile_id, x.item_id
     ON CONFLICT (profile_id, item_id) DO UPDATE SET
       views = profile_items.views + EXCLUDED.views,
       last_viewed_at = GREATEST(profile_items.last_viewed_at, EXCLUDED.last_viewed_at),
       purchased_at = GREATEST(profile_items.purchased_at, EXCLUDED.purchased_at),
       last_at = GREATEST(profile_items.last_at, EXCLUDED.last_at)`,
    [JSON.stringify(mineRows)],
  );
  // A day already out of the window is counted in its day only; a day inside it also in the item's
  // window totals (maintenance subtracts it when it leaves: expirePopularity).
  const days = await sql.query<{ item_id: string; day: string; expired: boolean }>(
    `INSERT INTO item_daily (item_id, day, views, purchases, expired)
     SELECT x.item_id, x.day, x.views, x.purchases, x.day < $2::date FROM jsonb_to_recordset($1::jsonb) AS x(item_id text, day date, views int, purchases int)
      ORDER BY x.item_id, x.day
     ON CONFLICT (item_id, day) DO UPDATE SET views = item_daily.views + EXCLUDED.views, purchases = item_daily.purchases + EXCLUDED.purchases
     RETURNING item_id, to_char(day, 'YYYY-MM-DD') AS day, expired`,
    [JSON.stringify([...daily.values()]), windowStart()],
  );
  const totals = new Map<string, { item_id: string; views: number; purchases: number }>();
  for (const r of days) {
    if (r.expired) continue;
    const d = daily.get(`${r.item_id}\n${r.day}`);
    if (!d) continue;
    const t = totals.get(r.item_id) ?? { item_id: r.item_id, views: 0, purchases: 0 };
    t.views += d.views;
    t.purchases += d.purchases;
    totals.set(r.item_id, t);
  }
  if (totals.size) {
    await sql.query(
      `INSERT INTO item_totals (item_id, views, purchases, score)
       SELECT x.item_id, x.views, x.purchases, x.views + ${PURCHASE_WEIGHT} * x.purchases FROM jsonb_to_recordset($1::jsonb) AS x(item_id text, views int, purchases int)
        ORDER BY x.item_id
       ON CONFLICT (item_id) DO UPDATE SET views = item_totals.views + EXCLUDED.views, purchases = item_totals.purchases + EXCLUDED.purchases, score = item_totals.score + EXCLUDED.score`,
      [JSON.stringify([...totals.values()])],
    );
  }
  if (pairs.size) {
    await sql.query(
      `INSERT INTO item_pairs (item_id, other_id, count, updated_at)
       SELECT x.item_id, x.other_id, x.count, now() FROM jsonb_to_recordset($1::jsonb) AS x(item_id text, other_id text, count int)
        ORDER BY x.item_id, x.other_id
       ON CONFLICT (item_id, other_id) DO UPDATE SET count = item_pairs.count + EXCLUDED.count, updated_at = now()`,
      [JSON.stringify([...pairs.values()])],
    );
  }
}

/** A merge (docs/api.md §4 identity): the anonymous profile's items become the user's. */
export async function moveItemActivity(sql: Sql, fromId: string, intoId: string): Promise<void> {
  await sql.query(
    `INSERT INTO profile_items (profile_id, item_id, views, last_viewed_at, purchased_at, last_at)
     SELECT $2, item_id, views, last_viewed_at, purchased_at, last_at FROM profile_items WHERE profile_id = $1
     ON CONFLICT (profile_id, item_id) DO UPDATE SET
       views = profile_items.views + EXCLUDED.views,
       last_viewed_at = GREATEST(profile_items.last_viewed_at, EXCLUDED.last_viewed_at),
       purchased_at = GREATEST(profile_items.purchased_at, EXCLUDED.purchased_at),
       last_at = GREATEST(profile_items.last_at, EXCLUDED.last_at)`,
    [fromId, intoId],
  );
  await sql.query(`DELETE FROM profile_items WHERE profile_id = $1`, [fromId]);
}

/**
 * Subtracts from the window totals the days that have left the popularity window (each day once).
 * Run by the hourly maintenance job; returns how many item-days left.
 */
export async function expirePopularity(sql: Sql, now: Date = new Date()): Promise<number> {
  const rows = await sql.query<{ n: number }>(
    `WITH gone AS (
       UPDATE item_daily SET expired = true WHERE day < $1::date AND NOT expired RETURNING item_id, views, purchases
     ), s AS (
       SELECT item_id, sum(views)::int AS v, sum(purchases)::int AS p, count(*)::int AS n FROM gone GROUP BY item_id
     ), u AS (
       UPDATE item_totals t SET views = t.views - s.v, purchases = t.purchases - s.p, score = t.score - (s.v + ${PURCHASE_WEIGHT} * s.p)
         FROM s WHERE t.item_id = s.item_id RETURNING t.item_id
     )
     SELECT coalesce(sum(n), 0)::int AS n FROM s`,
    [windowStart(now)],
  );
  await sql.query(`DELETE FROM item_totals WHERE views <= 0 AND purchases <= 0`);
  return rows[0]?.n ?? 0;
}
