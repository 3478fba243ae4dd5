// The executor run once per ingestion batch (runFlowsForBatch) against the same messages ingested one
// request per message: identical runs, steps, touchpoints, jobs and traits. And the flow index: an
// event no live flow listens to costs no executor query, while a run on an older version still sees
// the event its version waits for.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import { openDb, type Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import { parseBatch } from "@/lib/ingest/messages";
import { ingest } from "@/lib/ingest/pipeline";
import { createFlow, publishFlow, updateFlow } from "@/lib/flows/store";
import { clearFlowCache } from "./flow-cache";
import { edges, n } from "@/lib/testing/builders";

const NOW = new Date("2026-03-01T12:00:00Z");

/*
 *   t1(Viewed) ─▶ c1(plan = pro?) ─yes▶ m1(in_app "Hi pro") ─▶ w1(until Bought, 1h) ─matched▶ u1(set buyer) ─▶ m2(webhook)
 *                                 └no─▶ m3(in_app "A")                          └timeout▶ x1
 *   goal: Bought within 1 day, exitOnGoal off (no split: its buckets hash the flow id, which differs
 *   between the two stores compared)
 */
const mainFlow = {
  nodes: [
    n.onEvent("t1", "Viewed"),
    n.condition("c1", { trait: "plan", op: "eq", value: "pro" }),
    n.inApp("m1", "Hi pro {{ user.id }}", { placement: "home" }),
    n.waitUntil("w1", "Bought", "PT1H"),
    n.update("u1", { buyer: true }),
    n.message("m2", { channel: "webhook", url: "http://127.0.0.1:9/hook", body: "{{ user.id }}" }),
    n.exit("x1"),
    n.inApp("m3", "A", { placement: "home" }),
  ],
  edges: edges("t1->c1", "c1-yes->m1", "m1->w1", "w1-matched->u1", "u1->m2", "w1-timeout->x1", "c1-no->m3"),
};

/*
 *   t1(behavior: Searched ≥ 2 in 1 day) ─▶ m1(in_app "Searching?")      reentry: always
 */
const behaviorFlow = {
  nodes: [n.trigger("t1", { type: "behavior", event: "Searched", count: { gte: 2 }, within: "P1D" }), n.inApp("m1", "Searching?", { placement: "side" })],
  edges: edges("t1->m1"),
};

async function publishAll(db: Db) {
  const a = await createFlow(db, { name: "Main", graph: mainFlow, settings: { goal: { event: "Bought", within: "P1D" }, exitOnGoal: false, reentry: "always" } });
  await publishFlow(db, a.id);
  const b = await createFlow(db, { name: "Behavior", graph: behaviorFlow, settings: { reentry: "always" } });
  await publishFlow(db, b.id);
}

function messages(): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  let k = 0;
  // After the time of receipt: a wait-until only hears events stamped after the run started waiting.
  const at = (i: number) => new Date(NOW.getTime() + i * 1000).toISOString();
  for (let u = 0; u < 6; u++) {
    const userId = `u${u}`;
    out.push({ type: "identify", userId, traits: { plan: u % 2 ? "pro" : "free" }, timestamp: at(k++), messageId: `m${k}` });
  }
  for (let round = 0; round < 3; round++) {
    for (let u = 0; u < 6; u++) {
      const userId = `u${u}`;
      out.push({ type: "track", userId, event: "Viewed", properties: { round }, timestamp: at(k++), messageId: `m${k}` });
      out.push({ type: "track", userId, event: "Searched", timestamp: at(k++), messageId: `m${k}` });
      if ((u + round) % 3 === 0) out.push({ type: "track", userId, event: "Bought", timestamp: at(k++), messageId: `m${k}` });
      out.push({ type: "track", userId, event: "Unrelated", timestamp: at(k++), messageId: `m${k}` });
    }
  }
  return out;
}

async function send(db: Db, batch: Array<Record<string, unknown>>) {
  const parsed = parseBatch({ batch }, NOW);
  if (!parsed.ok) throw new Error(parsed.message);
  const out = await ingest(db, parsed.messages, { batch: true, receivedAt: NOW });
  if (!out.ok) throw new Error(out.message);
}

/** Everything the executor wrote, with random ids replaced by user ids and flow names. */
async function snapshot(db: Db) {
  const users = new Map((await db.sql.query<{ id: string; user_id: string }>(`SELECT id, user_id FROM profiles`)).map((r) => [r.id, r.user_id]));
  const flows = new Map((await db.sql.query<{ id: string; name: string }>(`SELECT id, name FROM flows`)).map((r) => [r.id, r.name]));
  const norm = (s: string) => {
    let out = s;
    for (const [id, u] of users) out = out.split(id).join(u);
    for (const [id, name] of flows) out = out.split(id).join(name);
    return out;
  };
  const q = async (text: string) => (await db.sql.query<Record<string, unknown>>(text)).map((r) => norm(JSON.stringify(r))).sort();
  return {
    runs: await q(`SELECT id, entry, status, node_id, holdout, state - 'versionId' AS state, entered_at, ended_at, converted_at FROM runs`),
    steps: await q(`SELECT run_id, node_id, at, result, reason, key, entered, node_type FROM steps`),
    touchpoints: await q(`SELECT key, node_id, channel, placement, content, payload, status FROM touchpoints`),
    // A delivery is due at the wall-clock time it was written; timers at engine times.
    jobs: await q(`SELECT queue, key, payload, CASE WHEN queue = 'deliver' THEN NULL ELSE run_at END AS run_at FROM jobs`),
    traits: await q(`SELECT user_id, traits FROM profiles`),
    counters: await q(`SELECT profile_id, channel, period, count FROM send_counters`),
  };
}

describe("executor once per ingestion batch", () => {
  let dbs: Db[] = [];
  beforeEach(() => clearFlowCache());
  afterEach(async () => {
    for (const db of dbs) await db.close();
    dbs = [];
    clearFlowCache();
  });
  const open = async () => {
    const db = await openDb({ pglite: new PGlite() });
    dbs.push(db);
    return db;
  };

  it("writes exactly what one request per message writes", async () => {
    const all = messages();
    const batched = await open();
    await publishAll(batched);
    await send(batched, all);
    const a = await snapshot(batched);
    clearFlowCache();

    const single = await open();
    await publishAll(single);
    for (const m of all) await send(single, [m]);
    const b = await snapshot(single);

    expect(a.runs.length).toBeGreaterThan(6);
    expect(a.touchpoints.length).toBeGreaterThan(6);
    expect(a.jobs.some((j) => j.includes('"timer"'))).toBe(true);
    expect(a.traits.some((t) => t.includes('"buyer":true'))).toBe(true);
    expect(a).toEqual(b);
  });

  it("spends no executor query on events no live flow listens to, yet old versions still hear theirs", async () => {
    const db = await open();
    const statements: string[] = [];
    const spy = (sql: Sql): Sql => ({
      ...sql,
      query: (text, params) => {
        statements.push(text);
        return sql.query(text, params);
      },
      exec: (text) => sql.exec(text),
      afterCommit: (fn) => sql.afterCommit(fn),
      item: (key, make) => sql.item(key, make),
    });
    const watched: Db = { ...db, sql: spy(db.sql), tx: (fn) => db.tx((sql) => fn(spy(sql))) };

    // v1 waits for "Late"; v2 neither triggers on nor waits for it.
    const flow = await createFlow(db, {
      name: "Versions",
      graph: { nodes: [n.onEvent("t1", "Start"), n.waitUntil("w1", "Late", "P1D"), n.inApp("m1", "late", { placement: "p" })], edges: edges("t1->w1", "w1-matched->m1") },
    });
    await publishFlow(db, flow.id);
    await send(watched, [{ type: "track", userId: "v1", event: "Start", timestamp: NOW.toISOString() }]);
    await updateFlow(db, flow.id, { graph: { nodes: [n.onEvent("t1", "Start"), n.inApp("m1", "v2", { placement: "p" })], edges: edges("t1->m1") } });
    await publishFlow(db, flow.id);

    statements.length = 0;
    await send(watched, [{ type: "track", userId: "v1", event: "Nobody Listens", timestamp: NOW.toISOString() }]);
    expect(statements.filter((s) => /\bruns\b|send_counters|workspace_settings/.test(s))).toEqual([]);

    statements.length = 0;
    await send(watched, [{ type: "track", userId: "v1", event: "Late", timestamp: new Date(NOW.getTime() + 1000).toISOString() }]);
    expect(statements.some((s) => /FROM runs/.test(s))).toBe(true);
    const [tp] = await db.sql.query<{ content: string }>(`SELECT content FROM touchpoints WHERE placement = 'p'`);
    expect(tp?.content).toBe("late");
  });
});
