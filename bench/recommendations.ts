// Offline evaluation of the recommendation strategies (docs/api.md §9) on a generated shop history,
// through the real ingestion pipeline and the real strategies:
//
//   - catalog: 8 categories × 6 "styles" × 8 items; each item has a Zipf-like appeal.
//   - shoppers with taste: each has one favourite category (70% of their sessions), a second one (20%),
//     and the rest at random; within a category each shopper favours two styles.
//   - sessions: 4–10 per shopper over the last 20 days; a session stays in one category, mostly in one
//     style (80% of its views; the rest anywhere in the category), 3–7 views two minutes apart, items
//     drawn by appeal; 35% of sessions end with an order of one viewed item (never one bought before).
//
// Hold-out: for every shopper with an order, their last order is hidden, and with it their views of
// that item in that session and everything they did after; everybody else's history stays. Then for
// each such shopper the strategies are asked (as of the moment before that order), and we report
// hit-rate@5 (the hidden item among the first 5) and MRR over the first 10, for for_you and
// also_viewed (from the shopper's last viewed item) against popular (what most people viewed and
// bought). Run: npx tsx bench/recommendations.ts [shoppers]   (PGlite in memory; BENCH_PG=1: PostgreSQL)
import { PGlite } from "@electric-sql/pglite";
import { openDb, type Db } from "@/lib/db/client";
import { createPgDatabase } from "@/lib/testing/db";
import { parseBatch } from "@/lib/ingest/messages";
import { ingest } from "@/lib/ingest/pipeline";
import { upsertItems } from "@/lib/catalog/items";
import { recommend } from "@/lib/catalog/recommend";
import { profileIdsOfUser } from "@/lib/catalog/api";
import type { Strategy } from "@/lib/catalog/schema";

const SHOPPERS = Number(process.argv[2] ?? process.env.BENCH_SHOPPERS ?? 600);
const CATEGORIES = 8;
const STYLES = 6;
const PER_STYLE = 8;
const SEED = Number(process.env.BENCH_SEED ?? 7);
const ON_PG = process.env.BENCH_PG === "1";

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(SEED);
const pick = <T>(xs: readonly T[], w?: readonly number[]): T => {
  if (!w) return xs[Math.floor(rand() * xs.length)];
  const total = w.reduce((a, b) => a + b, 0);
  let r = rand() * total;
  for (let i = 0; i < xs.length; i++) if ((r -= w[i]) <= 0) return xs[i];
  return xs[xs.length - 1];
};
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

type Item = { id: string; category: string; style: number; appeal: number };
const items: Item[] = [];
for (let c = 0; c < CATEGORIES; c++)
  for (let s = 0; s < STYLES; s++)
    for (let k = 0; k < PER_STYLE; k++) items.push({ id: `c${c}-s${s}-${k}`, category: `cat-${c}`, style: s, appeal: 1 / (1 + ((k + s * 2 + c) % 9)) });
// Categories differ in size of audience: some are mainstream.
const categoryWeight = Array.from({ length: CATEGORIES }, (_, c) => 1 / (1 + c * 0.5));

type Ev = { userId: string; kind: "view" | "order"; item: string; at: number; session: number };
const DAY = 86_400_000;
const start = Date.now() - 20 * DAY;
const history: Ev[] = [];
for (let u = 0; u < SHOPPERS; u++) {
  const userId = `shopper-${u}`;
  const fav = pick([...Array(CATEGORIES).keys()], categoryWeight);
  let second = pick([...Array(CATEGORIES).keys()], categoryWeight);
  if (second === fav) second = (fav + 1) % CATEGORIES;
  const styles = new Map<number, number[]>();
  for (let c = 0; c < CATEGORIES; c++) styles.set(c, [int(0, STYLES - 1), int(0, STYLES - 1)]);
  const bought = new Set<string>();
  const sessions = int(4, 10);
  const times = Array.from({ length: sessions }, () => start + rand() * 19 * DAY).sort((a, b) => a - b);
  times.forEach((t0, s) => {
    const r = rand();
    const c = r < 0.7 ? fav : r < 0.9 ? second : int(0, CATEGORIES - 1);
    const style = pick(styles.get(c)!);
    const inCat = items.filter((i) => i.category === `cat-${c}`);
    const inStyle = inCat.filter((i) => i.style === style);
    const views: Item[] = [];
    const n = int(3, 7);
    for (let v = 0; v < n; v++) {
      const pool = rand() < 0.8 ? inStyle : inCat;
      const it = pick(pool, pool.map((i) => i.appeal));
      views.push(it);
      history.push({ userId, kind: "view", item: it.id, at: t0 + v * 120_000, session: s });
    }
    if (rand() < 0.35) {
      const candidates = views.filter((i) => !bought.has(i.id));
      if (candidates.length) {
        const it = pick(candidates, candidates.map((i) => i.appeal));
        bought.add(it.id);
        history.push({ userId, kind: "order", item: it.id, at: t0 + n * 120_000, session: s });
      }
    }
  });
}

// The hold-out: each shopper's last order, their views of it in that session, and what came after.
const heldOut = new Map<string, Ev>();
for (const e of history) if (e.kind === "order") heldOut.set(e.userId, e);
const training = history.filter((e) => {
  const h = heldOut.get(e.userId);
  if (!h) return true;
  if (e.at >= h.at) return false;
  return !(e.kind === "view" && e.session === h.session && e.item === h.item);
});
training.sort((a, b) => a.at - b.at);

async function main() {
  let db: Db;
  let drop = async () => {};
  if (ON_PG) {
    const created = await createPgDatabase("pathwise_bench_recs");
    db = await openDb({ databaseUrl: created.url, poolSize: 4 });
    drop = created.drop;
  } else db = await openDb({ pglite: new PGlite() });
  try {
    await upsertItems(db.sql, items.map((i) => ({ id: i.id, name: `Item ${i.id}`, category: i.category, price: 10 })));
    const t0 = performance.now();
    const BATCH = 400;
    for (let b = 0; b < training.length; b += BATCH) {
      const batch = training.slice(b, b + BATCH).map((e, i) => ({
        type: "track",
        userId: e.userId,
        event: e.kind === "view" ? "Product Viewed" : "Order Completed",
        properties: e.kind === "view" ? { product_id: e.item } : { products: [{ product_id: e.item }] },
        timestamp: new Date(e.at).toISOString(),
        messageId: `h-${b + i}`,
      }));
      const parsed = parseBatch({ batch }, new Date());
      if (!parsed.ok) throw new Error(parsed.message);
      const out = await ingest(db, parsed.messages, { batch: true });
      if (!out.ok) throw new Error(out.message);
    }
    const ingestSeconds = (performance.now() - t0) / 1000;

    const strategies: Strategy[] = ["for_you", "also_viewed", "popular"];
    const score = new Map(strategies.map((s) => [s, { hits: 0, rr: 0, ms: 0 }]));
    for (const [userId, h] of heldOut) {
      const profiles = await profileIdsOfUser(db.sql, userId);
      for (const s of strategies) {
        const asked = performance.now();
        const list = (await recommend(db.sql, profiles, s, { limit: 10 })).map((i) => i.id);
        const acc = score.get(s)!;
        acc.ms += performance.now() - asked;
        const rank = list.indexOf(h.item);
        if (rank >= 0 && rank < 5) acc.hits++;
        if (rank >= 0) acc.rr += 1 / (rank + 1);
      }
    }
    const n = heldOut.size;
    const base = score.get("popular")!.hits / n;
    const views = training.filter((e) => e.kind === "view").length;
    console.log(
      `\nRecommendations, offline (${ON_PG ? "PostgreSQL" : "PGlite in memory"}): ${items.length} items in ${CATEGORIES} categories, ${SHOPPERS} shoppers, ` +
        `${training.length} training events (${views} views, ${training.length - views} orders) ingested in ${ingestSeconds.toFixed(1)} s; ${n} held-out orders; seed ${SEED}\n`,
    );
    console.log("| strategy | hit-rate@5 | MRR@10 | vs popular (hit-rate@5) | mean ms to ask |");
    console.log("|---|---|---|---|---|");
    for (const s of strategies) {
      const acc = score.get(s)!;
      console.log(`| ${s} | ${(acc.hits / n).toFixed(3)} | ${(acc.rr / n).toFixed(3)} | ${base ? ((acc.hits / n) / base).toFixed(2) + "×" : "—"} | ${(acc.ms / n).toFixed(1)} |`);
    }
  } finally {
    await db.close();
    await drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
