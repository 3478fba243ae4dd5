// Hot data-plane statements carry the distribution key: ingestion (track, page, identify with a merge,
// alias, a batch), /decide, /outcomes and the worker's timers and deliveries run against a PostgreSQL
// whose per-person tables are hash-partitioned by profile id into 4 shard schemas (lib/db/shard-sim.ts),
// and every statement that read or wrote more than one shard must be one of the few listed below,
// and why-not (GET /users/:userId/why) must stay on the person's shard too,
// each with the reason it cannot carry the key and how it runs on Citus (docs/scaling.md).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "./client";
import { createPgDatabase } from "@/lib/testing/db";
import { partitionByShard, ShardProbe, statementShape } from "./shard-sim";
import { ingest as ingestMessages } from "@/lib/ingest/pipeline";
import { parseBatch } from "@/lib/ingest/messages";
import { decide, recordOutcome } from "@/lib/runtime/decide";
import { publish, runWorkerUntil } from "@/lib/testing/runtime";
import { clearFlowCache } from "@/lib/runtime/flow-cache";
import { whyNot } from "@/lib/why/why-not";

/** Statements allowed to touch several shards: what they do, and their form on Citus. */
export const MULTI_SHARD: Array<{ match: RegExp; why: string }> = [
  {
    match: /^UPDATE jobs SET locked_by = \$1.*FOR UPDATE SKIP LOCKED/,
    why: "the worker's claim of due jobs looks at every person's queue; on Citus each worker claims shard by shard (the same statement run per shard placement)",
  },
  {
    match: /^(UPDATE (events|event_dedupe|runs r|touchpoints|jobs|identities) SET profile_id = \$2|INSERT INTO send_counters .* SELECT \$2, channel|INSERT INTO group_members .* SELECT \$2, group_id)/,
    why: "an identity merge moves one person's rows between the two profiles' shards; on Citus it is copy-then-delete in one distributed transaction (docs/scaling.md)",
  },
  {
    match: /^WITH x AS \( SELECT \* FROM jsonb_to_recordset\(\$1::jsonb\) AS x\(profile_id text, run_id text.*INSERT INTO steps .*INSERT INTO result_counters/,
    why: "storing steps also counts each step's first entry in result_counters, the coordinator's rollup table by flow (it replaced a per-row trigger); the steps rows stay on the person's shard, and on Citus the count moves to the periodic per-shard rollup (docs/scaling.md)",
  },
];

function node(id: string, type: string, data: Record<string, unknown>) {
  return { id, type, position: { x: 0, y: 0 }, data };
}
const edge = (source: string, target: string, sourceHandle?: string) => ({ id: `${source}-${target}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) });

describe("hot statements on a store sharded by person (4 shards)", () => {
  let base: Db;
  let db: Db;
  let drop: () => Promise<void>;
  let receiver: http.Server;
  const probe = new ShardProbe();
  let cartFlow = "";

  beforeAll(async () => {
    process.env.PATHWISE_WEBHOOK_ALLOWLIST = "127.0.0.1";
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => res.end("ok"));
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const created = await createPgDatabase();
    drop = created.drop;
    base = await openDb({ databaseUrl: created.url, poolSize: 4 });
    await partitionByShard(base.sql, 4);
    db = probe.wrap(base);
    clearFlowCache();
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    probe.enabled = false;
    cartFlow = (await publish(base, "Cart rescue", {
      nodes: [
        node("t", "trigger", { on: { type: "event", event: "Cart Abandoned" } }),
        node("w", "wait", { for: "PT30S" }),
        node("m", "message", { channel: "in_app", placement: "home", content: "Come back {{ user.name | default: 'friend' }}" }),
        node("h", "message", { channel: "webhook", url }),
      ],
      edges: [edge("t", "w"), edge("w", "m"), edge("m", "h")],
    }, { goal: { event: "Order Completed", within: "P7D" } })).id;
    // Reads the person's group (group.<trait>): the group calls and group reads are on the hot path too.
    await publish(base, "Plan check", {
      nodes: [
        node("p", "trigger", { on: { type: "event", event: "Plan Checked" } }),
        node("c", "condition", { if: { trait: "group.plan", op: "eq", value: "pro" } }),
        node("f", "message", { channel: "in_app", placement: "footer", content: "{{ group.name }} is on pro" }),
      ],
      edges: [edge("p", "c"), edge("c", "f", "yes")],
    });
    await publish(base, "Win back", { nodes: [node("i", "trigger", { on: { type: "inactivity", after: "P3D" } }), node("x", "exit", {})], edges: [edge("i", "x")] });
    probe.enabled = true;
  }, 60_000);

  afterAll(async () => {
    await base?.close();
    await drop?.();
    await new Promise((r) => receiver?.close(r));
  });

  const send = async (raw: Record<string, unknown>[], at = new Date()) => {
    const parsed = parseBatch({ batch: raw }, at);
    if (!parsed.ok) throw new Error(parsed.message);
    const out = await ingestMessages(db, parsed.messages, { receivedAt: at, batch: raw.length > 1 });
    if (!out.ok) throw new Error(out.message);
  };

  it("keeps every statement but the listed ones on one shard", async () => {
    const past = new Date(Date.now() - 60_000);
    for (let i = 0; i < 6; i++) {
      const u = `hot-user-${i}`;
      const a = `hot-anon-${i}`;
      await send([{ type: "track", userId: u, event: "Signed Up" }]);
      await send([{ type: "page", anonymousId: a, name: "Pricing", properties: { path: "/pricing" } }]);
      // The visitor names their company before signing in: the merge below moves the membership.
      await send([{ type: "group", anonymousId: a, groupId: `hot-co-${i}`, traits: { name: `Co${i}`, plan: "pro" } }]);
      // identify joins the anonymous profile to the user's: a merge of two stored profiles.
      await send([{ type: "identify", userId: u, anonymousId: a, traits: { name: `N${i}` } }]);
      await send([{ type: "track", userId: u, anonymousId: a, event: "Cart Abandoned", timestamp: past.toISOString() }]);
      await send([{ type: "alias", previousId: `old-${i}`, userId: u }]);
      await send([{ type: "track", userId: u, event: "Plan Checked" }]);
      await send([
        { type: "track", userId: u, event: "Product Viewed", properties: { sku: "A" } },
        { type: "track", userId: u, event: "Product Viewed", properties: { sku: "B" } },
      ]);
    }
    // Timers (the waits are due: the events happened a minute ago) and webhook deliveries.
    const done = await runWorkerUntil(db, async () => {
      const [{ n }] = await base.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM touchpoints WHERE channel = 'webhook' AND status = 'sent'`);
      return n === 6;
    }, 30_000);
    expect(done).toBe(true);
    for (let i = 0; i < 6; i++) {
      const d = await decide(db.sql, { userId: `hot-user-${i}`, placements: ["home", "footer"] });
      expect(d.decisions.home?.content).toBe(`Come back N${i}`);
      expect(d.decisions.footer?.content).toBe(`Co${i} is on pro`);
      expect(await recordOutcome(db.sql, { decisionId: d.decisions.home!.decisionId, type: "shown" })).toEqual({ recorded: true });
      await decide(db.sql, { anonymousId: `hot-anon-${i}`, placements: ["home"] });
      await send([{ type: "track", userId: `hot-user-${i}`, anonymousId: `hot-anon-${i}`, event: "Order Completed" }]);
    }

    // Why-not, the console's explanation of one person's entry into a flow.
    probe.label = "why";
    for (let i = 0; i < 6; i++) expect((await whyNot(db, `hot-user-${i}`, { flowId: cartFlow })).entered).toBe(true);
    const why = probe.records.filter((r) => r.label === "why" && r.shards.length > 0);
    expect(why.length).toBeGreaterThan(0);
    expect(why.filter((r) => r.shards.length > 1).map((r) => statementShape(r.text))).toEqual([]);

    const sharded = probe.records.filter((r) => r.shards.length > 0);
    expect(sharded.length).toBeGreaterThan(200);
    const multi = new Map<string, number>();
    for (const r of sharded) if (r.shards.length > 1) multi.set(statementShape(r.text), (multi.get(statementShape(r.text)) ?? 0) + 1);
    const unexplained = [...multi.keys()].filter((s) => !MULTI_SHARD.some((m) => m.match.test(s)));
    expect(unexplained).toEqual([]);
    const single = sharded.filter((r) => r.shards.length === 1).length;
    console.log(`hot statements: ${sharded.length} on sharded tables, ${single} on one shard (${((100 * single) / sharded.length).toFixed(1)}%); multi-shard: ${[...multi.entries()].map(([s, n]) => `${n}x ${s.slice(0, 70)}`).join(" | ")}`);
  }, 120_000);
});
