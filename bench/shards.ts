// Sharding by person, simulated where no Citus server is at hand: a fresh PostgreSQL database whose
// per-person tables are hash-partitioned by profile id (and the identity directory by identity) into 4
// shard schemas (lib/db/shard-sim.ts). A mixed storefront workload runs through the real code paths —
// analytics.js-style single messages (page, track, identify that merges a returning user, alias), a
// few server-side batches, /decide with outcomes, and the worker's timers and webhook deliveries — and
// every statement is classified by the shard schemas it read or wrote. Goal: >= 99% of the data-plane
// statements that touch per-person tables touch one shard.
//
//   npm run bench:shards            (BENCH_VISITORS=300 by default; PATHWISE_TEST_PG for the server)
import http from "node:http";
import type { AddressInfo } from "node:net";
import { openDb } from "@/lib/db/client";
import { createPgDatabase } from "@/lib/testing/db";
import { partitionByShard, ShardProbe, statementShape, type StatementRecord } from "@/lib/db/shard-sim";
import { ingest } from "@/lib/ingest/pipeline";
import { parseBatch } from "@/lib/ingest/messages";
import { decide, recordOutcome } from "@/lib/runtime/decide";
import { publish, runWorkerUntil } from "@/lib/testing/runtime";
import { clearFlowCache } from "@/lib/runtime/flow-cache";

const SHARDS = 4;
const VISITORS = Math.min(Number(process.env.BENCH_VISITORS ?? 300), 2000);

let seed = 42;
const rnd = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const node = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, position: { x: 0, y: 0 }, data });
const edge = (source: string, target: string) => ({ id: `${source}-${target}`, source, target });

async function main() {
  process.env.PATHWISE_WEBHOOK_ALLOWLIST = "127.0.0.1";
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.end("ok"));
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const { url, drop } = await createPgDatabase("pathwise_bench_shards");
  const base = await openDb({ databaseUrl: url, poolSize: 4 });
  try {
    await partitionByShard(base.sql, SHARDS);
    clearFlowCache();
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await publish(base, "Cart rescue", {
      nodes: [
        node("t", "trigger", { on: { type: "event", event: "Cart Abandoned" } }),
        node("w", "wait", { for: "PT30S" }),
        node("m", "message", { channel: "in_app", placement: "home", content: "Your cart, {{ user.name | default: 'friend' }}" }),
        node("h", "message", { channel: "webhook", url: hook }),
      ],
      edges: [edge("t", "w"), edge("w", "m"), edge("m", "h")],
    }, { goal: { event: "Order Completed", within: "P7D" } });
    await publish(base, "Welcome", {
      nodes: [node("t", "trigger", { on: { type: "identify" } }), node("m", "message", { channel: "in_app", placement: "banner", content: "Welcome {{ user.name }}" })],
      edges: [edge("t", "m")],
    });
    await publish(base, "Win back", { nodes: [node("i", "trigger", { on: { type: "inactivity", after: "P3D" } }), node("x", "exit", {})], edges: [edge("i", "x")] });

    const probe = new ShardProbe();
    const db = probe.wrap(base);
    let requests = 0;
    const send = async (label: string, batch: Record<string, unknown>[], at = new Date()) => {
      probe.label = label;
      requests++;
      const parsed = parseBatch({ batch }, at);
      if (!parsed.ok) throw new Error(parsed.message);
      const out = await ingest(db, parsed.messages, { receivedAt: at, batch: batch.length > 1 });
      if (!out.ok) throw new Error(out.message);
    };
    const decideAndShow = async (who: { userId?: string; anonymousId?: string }) => {
      probe.label = "decide";
      requests++;
      const d = await decide(db.sql, { ...who, placements: ["home", "banner"] });
      for (const key of ["home", "banner"]) {
        const dec = d.decisions[key];
        if (!dec) continue;
        probe.label = "outcomes";
        requests++;
        await recordOutcome(db.sql, { decisionId: dec.decisionId, type: "shown" });
        if (rnd() < 0.3) await recordOutcome(db.sql, { decisionId: dec.decisionId, type: "clicked" });
      }
    };

    // Returning customers already known by userId from an earlier device: their identify merges.
    probe.label = "setup";
    probe.enabled = false;
    for (let v = 0; v < VISITORS; v += 5) await send("setup", [{ type: "identify", userId: `user-${v}`, traits: { name: `Returning ${v}` } }]);
    probe.enabled = true;

    const started = performance.now();
    const past = () => new Date(Date.now() - 60_000).toISOString();
    // Visitors interleaved round-robin, each walking through a storefront session.
    const sessions = Array.from({ length: VISITORS }, (_, v) => ({ v, step: 0, anon: `anon-${v}`, user: `user-${v}`, identified: false }));
    let live = sessions.slice();
    while (live.length) {
      for (const s of live) {
        const who = s.identified ? { userId: s.user, anonymousId: s.anon } : { anonymousId: s.anon };
        switch (s.step) {
          case 0:
          case 2:
            await send("ingest", [{ type: "page", ...who, name: "Product", properties: { path: `/p/${s.step}` } }]);
            await decideAndShow(who);
            break;
          case 1:
          case 3:
            await send("ingest", [{ type: "track", ...who, event: "Product Viewed", properties: { product_id: `sku-${Math.floor(rnd() * 50)}`, price: 20 } }]);
            break;
          case 4:
            if (rnd() < 0.5) {
              await send("ingest", [{ type: "identify", userId: s.user, anonymousId: s.anon, traits: { name: `N${s.v}`, email: `${s.user}@example.com` } }]);
              s.identified = true;
            }
            break;
          case 5:
            await send("ingest", [{ type: "track", ...(s.identified ? { userId: s.user, anonymousId: s.anon } : { anonymousId: s.anon }), event: "Product Added", properties: { product_id: "sku-1" } }]);
            break;
          case 6:
            if (rnd() < 0.4) await send("ingest", [{ type: "track", ...(s.identified ? { userId: s.user, anonymousId: s.anon } : { anonymousId: s.anon }), event: "Cart Abandoned", timestamp: past() }]);
            break;
          case 7:
            await decideAndShow(s.identified ? { userId: s.user } : { anonymousId: s.anon });
            if (s.identified && rnd() < 0.2) await send("ingest", [{ type: "alias", previousId: `crm-${s.v}`, userId: s.user }]);
            if (rnd() < 0.15) await send("ingest", [{ type: "track", ...(s.identified ? { userId: s.user, anonymousId: s.anon } : { anonymousId: s.anon }), event: "Order Completed", properties: { revenue: 40 } }]);
            break;
        }
        s.step++;
      }
      live = live.filter((s) => s.step < 8);
      // A server-side library's bundle (analytics-node sends up to 15 calls of many users at once).
      if (rnd() < 0.5) {
        const bundle = Array.from({ length: 10 }, () => ({ type: "track", userId: `user-${Math.floor(rnd() * VISITORS)}`, event: "Invoice Paid" }));
        await send("server batch", bundle);
      }
    }
    probe.label = "worker";
    await runWorkerUntil(db, async () => {
      const [{ n }] = await base.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE queue IN ('timer', 'deliver') AND run_at <= now()`);
      return n === 0;
    }, 60_000);
    const seconds = (performance.now() - started) / 1000;

    report(probe.records, requests, seconds);
  } finally {
    await base.close();
    await drop();
    await new Promise((r) => receiver.close(r));
  }
}

function report(records: StatementRecord[], requests: number, seconds: number) {
  const sharded = records.filter((r) => r.shards.length > 0);
  const single = sharded.filter((r) => r.shards.length === 1).length;
  const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(2) : "-");
  console.log(`\nShard simulation: ${SHARDS} shard schemas, hash(profile_id) (identity directory: hash(value)), ${VISITORS} visitors, ${requests} calls, ${records.length} statements in ${seconds.toFixed(1)} s`);
  console.log(`statements on per-person tables: ${sharded.length}; on one shard: ${single} (${pct(single, sharded.length)}%; goal >= 99%); other statements (flows, settings, locks): ${records.length - sharded.length}`);
  console.log("\n| path | statements on sharded tables | one shard | share |\n|---|---:|---:|---:|");
  const labels = [...new Set(sharded.map((r) => r.label))];
  for (const l of labels) {
    const mine = sharded.filter((r) => r.label === l);
    const one = mine.filter((r) => r.shards.length === 1).length;
    console.log(`| ${l} | ${mine.length} | ${one} | ${pct(one, mine.length)}% |`);
  }
  const dataPlane = sharded.filter((r) => r.label !== "worker" && r.label !== "server batch");
  const dpOne = dataPlane.filter((r) => r.shards.length === 1).length;
  console.log(`| requests from browsers (ingest, decide, outcomes) | ${dataPlane.length} | ${dpOne} | ${pct(dpOne, dataPlane.length)}% |`);
  const multi = new Map<string, { n: number; label: string; shards: number }>();
  for (const r of sharded) {
    if (r.shards.length < 2) continue;
    const k = statementShape(r.text).slice(0, 110);
    const m = multi.get(k) ?? { n: 0, label: r.label, shards: 0 };
    m.n++;
    m.shards = Math.max(m.shards, r.shards.length);
    multi.set(k, m);
  }
  console.log("\nStatements that touched more than one shard (count, path, most shards, statement):");
  for (const [k, m] of [...multi.entries()].sort((a, b) => b[1].n - a[1].n)) console.log(`  ${m.n}x  ${m.label}  ${m.shards}  ${k}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
