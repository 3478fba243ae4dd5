// Write cost of the per-profile event summary as the store grows (PostgreSQL). The summary is stored one
// row per profile and event name, so a request rewrites only the names it touched. This measures, with
// 10,000 and then 1,000,000 events stored (100 events over 30 names per profile): one-event `track`
// requests through the real pipeline against a raw single-row INSERT into events, and the summary write
// alone against the former layout (the whole summary document rewritten in one jsonb column).
//
//   npm run bench:summary          (BENCH_REQUESTS=300; PATHWISE_TEST_PG for the server)
import { openDb, type Db } from "@/lib/db/client";
import { createPgDatabase } from "@/lib/testing/db";
import { ingest } from "@/lib/ingest/pipeline";
import { parseBatch } from "@/lib/ingest/messages";
import { loadSummary, saveSummaries } from "@/lib/runtime/summaries";
import { updateSummary } from "@/lib/conditions/summary";

const REQUESTS = Math.min(Number(process.env.BENCH_REQUESTS ?? 300), 5000);
const PER_PROFILE = 100;
const NAMES = 30;
const SIZES = (process.env.BENCH_SIZES ?? "10000,1000000").split(",").map(Number);

/** Adds profiles [from, to) with their identities, PER_PROFILE events each, and their summaries. */
async function grow(db: Db, from: number, to: number) {
  const step = 2000;
  for (let a = from; a < to; a += step) {
    const b = Math.min(to, a + step);
    await db.tx(async (sql) => {
      await sql.query(`INSERT INTO profiles (id, user_id) SELECT 'bp-' || i, 'bu-' || i FROM generate_series($1::int, $2::int - 1) i`, [a, b]);
      await sql.query(`INSERT INTO identities (profile_id, kind, value) SELECT 'bp-' || i, 'user', 'bu-' || i FROM generate_series($1::int, $2::int - 1) i`, [a, b]);
      await sql.query(`INSERT INTO identity_directory (kind, value, profile_id) SELECT 'user', 'bu-' || i, 'bp-' || i FROM generate_series($1::int, $2::int - 1) i`, [a, b]);
      await sql.query(
        `INSERT INTO events (profile_id, type, name, properties, "timestamp")
         SELECT 'bp-' || i, 'track', 'Event ' || (k % ${NAMES}), jsonb_build_object('sku', 'S' || (k % 7), 'price', k % 50),
                now() - ((k * 7 + i % 13) * interval '1 hour')
           FROM generate_series($1::int, $2::int - 1) i, generate_series(1, ${PER_PROFILE}) k`,
        [a, b],
      );
      // The summaries those events leave: totals and times per name, the occurrences with their properties.
      await sql.query(
        `INSERT INTO event_summaries (profile_id, name, stats)
         SELECT e.profile_id, e.name, jsonb_build_object(
                  'total', count(*), 'first', (extract(epoch FROM min(e."timestamp")) * 1000)::bigint, 'last', (extract(epoch FROM max(e."timestamp")) * 1000)::bigint,
                  'recent', jsonb_agg(jsonb_build_object('t', (extract(epoch FROM e."timestamp") * 1000)::bigint, 'p', e.properties) ORDER BY e."timestamp"))
           FROM events e WHERE e.profile_id IN (SELECT 'bp-' || i FROM generate_series($1::int, $2::int - 1) i)
          GROUP BY e.profile_id, e.name`,
        [a, b],
      );
    });
  }
  for (const t of ["events", "event_summaries", "profiles"]) await db.sql.exec(`VACUUM ANALYZE ${t}`);
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function measure(db: Db, profiles: number) {
  const pick = () => Math.floor(Math.random() * profiles);
  // Raw: one event row, one statement, one transaction.
  const raw: number[] = [];
  for (let r = 0; r < REQUESTS; r++) {
    const i = pick();
    const t = performance.now();
    await db.sql.query(`INSERT INTO events (profile_id, type, name, properties, "timestamp") VALUES ($1, 'track', 'Event 3', '{"sku":"S1"}', now())`, [`bp-${i}`]);
    raw.push(performance.now() - t);
  }
  // The product: one track through the whole pipeline (identity, lock, dedupe, event, summary, profile).
  const full: number[] = [];
  for (let r = 0; r < REQUESTS; r++) {
    const parsed = parseBatch({ batch: [{ type: "track", userId: `bu-${pick()}`, event: `Event ${r % NAMES}`, properties: { sku: "S2", price: 9 } }] }, new Date());
    if (!parsed.ok) throw new Error(parsed.message);
    const t = performance.now();
    const out = await ingest(db, parsed.messages, { runFlows: false });
    full.push(performance.now() - t);
    if (!out.ok) throw new Error(out.message);
  }
  // The summary write alone: this layout (the touched name's row) against the former one (the whole
  // document in one jsonb column, here a scratch table holding the same documents).
  const perName: number[] = [];
  const whole: number[] = [];
  let nameBytes = 0;
  let docBytes = 0;
  await db.sql.exec(`CREATE TEMP TABLE IF NOT EXISTS former_summaries (profile_id text PRIMARY KEY, summary jsonb NOT NULL)`);
  for (let r = 0; r < Math.min(REQUESTS, 200); r++) {
    const id = `bp-${pick()}`;
    const before = await loadSummary(db.sql, id);
    const after = updateSummary(before, { name: `Event ${r % NAMES}`, properties: { sku: "S3" }, timestamp: Date.now() });
    const doc = JSON.stringify(after);
    docBytes += Buffer.byteLength(doc);
    nameBytes += Buffer.byteLength(JSON.stringify(after.events[`Event ${r % NAMES}`]));
    await db.tx(async (sql) => {
      const t = performance.now();
      await saveSummaries(sql, [{ profileId: id, before, after }]);
      perName.push(performance.now() - t);
      const u = performance.now();
      await sql.query(`INSERT INTO former_summaries (profile_id, summary) VALUES ($1, $2::jsonb) ON CONFLICT (profile_id) DO UPDATE SET summary = EXCLUDED.summary`, [id, doc]);
      whole.push(performance.now() - u);
    });
  }
  const n = Math.min(REQUESTS, 200);
  return { raw: median(raw), full: median(full), perName: median(perName), whole: median(whole), nameBytes: nameBytes / n, docBytes: docBytes / n };
}

async function main() {
  const { url, drop } = await createPgDatabase("pathwise_bench_summary");
  const db = await openDb({ databaseUrl: url, poolSize: 2 });
  const rows: string[] = [];
  try {
    let profiles = 0;
    for (const size of SIZES) {
      const target = Math.ceil(size / PER_PROFILE);
      const t = performance.now();
      await grow(db, profiles, target);
      profiles = target;
      const [{ n }] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM events`);
      console.log(`stored ${n} events over ${profiles} profiles in ${((performance.now() - t) / 1000).toFixed(0)} s`);
      const m = await measure(db, profiles);
      rows.push(
        `| ${n.toLocaleString("en")} | ${m.full.toFixed(2)} | ${m.raw.toFixed(2)} | ${(m.raw / m.full).toFixed(2)}× | ${m.perName.toFixed(2)} | ${Math.round(m.nameBytes).toLocaleString("en")} | ${m.whole.toFixed(2)} | ${Math.round(m.docBytes).toLocaleString("en")} |`,
      );
    }
  } finally {
    await db.close();
    await drop();
  }
  console.log(`\nSummary writes, PostgreSQL, ${REQUESTS} one-event requests per size, medians (ms); ${PER_PROFILE} events over ${NAMES} names per profile`);
  console.log("| events stored | track through the pipeline ms | raw INSERT ms | raw / pipeline | summary write (touched name) ms | bytes written | former whole-document write ms | bytes written |");
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) console.log(r);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
