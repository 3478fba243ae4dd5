// Profile: which SQL statements one single-event ingestion and one /decide spend their database time
// on, in process (no HTTP): the same pipeline and decide functions the routes call, with every
// statement timed. Run: `npx tsx bench/sql-profile.ts [requests]` (BENCH_PG=1: on PostgreSQL)
import { PGlite } from "@electric-sql/pglite";
import { openDb, type Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import { createPgDatabase } from "@/lib/testing/db";
import { parseBatch, parseMessage } from "@/lib/ingest/messages";
import { ingest } from "@/lib/ingest/pipeline";
import { decide } from "@/lib/runtime/decide";
import { createFlow, publishFlow } from "@/lib/flows/store";
import { clearFlowCache } from "@/lib/runtime/flow-cache";
import { fmt } from "./support";

const N = Number(process.argv[2] ?? 300);
const ON_PG = process.env.BENCH_PG === "1";

type Stat = { n: number; ms: number };
const stats = new Map<string, Stat>();
let recording = false;

function label(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  const m = /^(WITH .*?\) )?(SELECT|INSERT INTO \S+|UPDATE \S+|DELETE FROM \S+|BEGIN|COMMIT|ROLLBACK)/i.exec(t);
  const from = /FROM (\w+)/i.exec(t)?.[1];
  return `${m ? m[2] : t.slice(0, 30)}${m && /^SELECT/i.test(m[2]) && from ? ` … FROM ${from}` : ""}`.slice(0, 60);
}

function timed(sql: Sql): Sql {
  return {
    ...sql,
    async query(text, params) {
      const t = performance.now();
      try {
        return await sql.query(text, params);
      } finally {
        if (recording) {
          const k = label(text);
          const s = stats.get(k) ?? { n: 0, ms: 0 };
          s.n++;
          s.ms += performance.now() - t;
          stats.set(k, s);
        }
      }
    },
  } as Sql;
}

function instrument(db: Db): Db {
  const tx = db.tx.bind(db);
  return {
    ...db,
    sql: timed(db.sql),
    tx: ((fn: (s: Sql) => Promise<unknown>) => {
      const t = performance.now();
      return tx((s: Sql) => fn(timed(s))).finally(() => {
        if (!recording) return;
        const s = stats.get("(whole transaction)") ?? { n: 0, ms: 0 };
        s.n++;
        s.ms += performance.now() - t;
        stats.set("(whole transaction)", s);
      });
    }) as Db["tx"],
  };
}

function report(title: string, requests: number, wallMs: number) {
  console.log(`\n### ${title} on ${ON_PG ? "PostgreSQL" : "PGlite"}: ${requests} requests, ${fmt((requests * 1000) / wallMs)}/s in process\n`);
  console.log("| statement | per request | ms per request |");
  console.log("|---|---:|---:|");
  for (const [k, s] of [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms)) console.log(`| \`${k}\` | ${fmt(s.n / requests, 2)} | ${fmt(s.ms / requests, 3)} |`);
  console.log(`| (everything, wall) | | ${fmt(wallMs / requests, 3)} |`);
  stats.clear();
}

async function main() {
  let raw: Db;
  let drop: (() => Promise<void>) | null = null;
  if (ON_PG) {
    const created = await createPgDatabase("pathwise_sqlprof");
    drop = created.drop;
    raw = await openDb({ databaseUrl: created.url, poolSize: 4 });
  } else raw = await openDb({ pglite: new PGlite() });
  clearFlowCache();
  const db = instrument(raw);
  try {
    for (let i = 0; i < 5; i++) {
      const flow = await createFlow(raw, {
        name: `Bench ${i}`,
        graph: {
          nodes: [
            { id: "t1", type: "trigger", data: { on: { type: "event", event: "Bench Tracked" } } },
            { id: "m1", type: "message", data: { channel: "in_app", placement: i === 0 ? "bench-home" : `bench-${i}`, content: "Hi {{ user.name | default: 'there' }}" } },
          ],
          edges: [{ id: "e1", source: "t1", target: "m1" }],
        },
        settings: { reentry: "always" },
      });
      await publishFlow(raw, (flow as { id: string }).id);
    }
    for (let b = 0; b < 1000; b += 100) {
      const batch = [];
      for (let i = b; i < b + 100; i++) batch.push({ type: "identify", userId: `u-${i}`, traits: { name: `User ${i}` } }, { type: "track", userId: `u-${i}`, event: "Bench Tracked" });
      const parsed = parseBatch({ batch }, new Date());
      if (!parsed.ok) throw new Error(parsed.message);
      await ingest(raw, parsed.messages, { batch: true });
    }
    if (process.env.BENCH_NO_STEP_TRIGGER) await raw.sql.exec(`ALTER TABLE steps DISABLE TRIGGER results_steps_insert`);
    recording = true;
    let t = performance.now();
    for (let i = 0; i < N; i++) {
      const parsed = parseMessage("track", { userId: `u-${(i * 7919) % 1000}`, event: "Bench Tracked", properties: { price: i } }, new Date());
      if (!parsed.ok) throw new Error(parsed.message);
      const out = await ingest(db, parsed.messages);
      if (!out.ok) throw new Error(out.message);
    }
    report("one /track event (5 flows it enters), pipeline only", N, performance.now() - t);
    t = performance.now();
    for (let i = 0; i < N; i++) await decide(db.sql, { userId: `u-${(i * 7919) % 1000}`, placements: ["bench-home", "bench-none"] });
    report("one /decide (two placements), decide() only", N, performance.now() - t);
  } finally {
    await raw.close();
    await drop?.();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
