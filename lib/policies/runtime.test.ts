// Policies on the embedded database (PGlite): settings, per-user counters through real ingestion, and a
// live-edit migration whose dry run is compared with what publishing it does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import { openDb, type Db } from "@/lib/db/client";
import { createFlow, publishFlow, updateFlow } from "@/lib/flows/store";
import { migrationPlan, parsePublishBody, publishWithMigration } from "@/lib/flows/migrate-runs";
import { ingest } from "@/lib/ingest/pipeline";
import { parseBatch, type Message } from "@/lib/ingest/messages";
import { clearFlowCache } from "@/lib/runtime/flow-cache";
import { handleTimer } from "@/lib/runtime/timers";
import type { Job } from "@/lib/runtime/jobs";
import { graph, n } from "@/lib/testing/builders";
import { getPolicies, loadSendCounts, putPolicies } from "./runtime";

let db: Db;
beforeAll(async () => {
  clearFlowCache();
  db = await openDb({ pglite: new PGlite() });
});
afterAll(async () => {
  await db.close();
  clearFlowCache();
});

/** Messages as the batch endpoint would parse them: an identify with `traits` if given, then the track. */
function track(userId: string, event: string, traits?: Record<string, unknown>): Message[] {
  const parsed = parseBatch({ batch: [...(traits ? [{ type: "identify", userId, traits }] : []), { type: "track", userId, event }] }, new Date());
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.messages;
}

async function live(g: ReturnType<typeof graph>, name: string) {
  const f = await createFlow(db, { name, graph: g });
  expect(f.problems).toEqual([]);
  await publishFlow(db, f.id);
  return f.id;
}

describe("workspace policies", () => {
  it("are defaults until saved, then what was saved", async () => {
    expect(await getPolicies(db.sql)).toMatchObject({ caps: [], quietHours: null, timezone: "UTC", updatedAt: null });
    const saved = await putPolicies(db.sql, { caps: [{ channel: "email", limit: 2, window: "day" }], timezone: "Europe/Paris" }, "tester");
    expect(saved).toMatchObject({ caps: [{ channel: "email", limit: 2, window: "day", action: "drop" }], timezone: "Europe/Paris", updatedBy: "tester" });
    expect(await getPolicies(db.sql)).toMatchObject({ caps: [{ limit: 2 }], timezone: "Europe/Paris" });
    await expect(putPolicies(db.sql, { timezone: "Nope/Nope" }, "tester")).rejects.toThrow();
  });
});

describe("frequency caps through ingestion", () => {
  it("a user who meets three flows in one day receives no more than the cap", async () => {
    await putPolicies(db.sql, { caps: [{ channel: "email", limit: 2, window: "day", action: "drop" }] }, "tester");
    const ids: string[] = [];
    for (const i of [1, 2, 3]) {
      //   t1 (Promo Seen) ──▶ m1 email
      ids.push(await live(graph([n.onEvent("t1", "Promo Seen"), n.message("m1", { channel: "email", subject: `Offer ${i}`, body: "b", to: "a@example.com" })], ["t1->m1"]), `Promo ${i}`));
    }
    const r = await ingest(db, track("cap-user", "Promo Seen"));
    expect(r.ok).toBe(true);
    const tps = await db.sql.query<{ flow_id: string; status: string }>(`SELECT t.flow_id, t.status FROM touchpoints t JOIN profiles p ON p.id = t.profile_id WHERE p.user_id = 'cap-user' AND t.channel = 'email'`);
    expect(tps).toHaveLength(3);
    expect(tps.filter((t) => t.status === "pending")).toHaveLength(2);
    expect(tps.filter((t) => t.status === "suppressed")).toHaveLength(1);
    const steps = await db.sql.query<{ result: string; reason: Record<string, unknown> }>(
      `SELECT s.result, s.reason FROM steps s JOIN runs r ON r.id = s.run_id JOIN profiles p ON p.id = r.profile_id WHERE p.user_id = 'cap-user' AND s.node_id = 'm1' ORDER BY s.id`,
    );
    expect(steps.map((s) => s.result).sort()).toEqual(["sent", "sent", "suppressed"]);
    expect(steps.find((s) => s.result === "suppressed")!.reason).toMatchObject({ suppressed: "frequency_cap", cap: { channel: "email", limit: 2, window: "day" } });
    // The counters remember across requests: a second visit today sends nothing more.
    const [profile] = await db.sql.query<{ id: string }>(`SELECT id FROM profiles WHERE user_id = 'cap-user'`);
    const counts = await loadSendCounts(db.sql, profile.id, Date.now());
    expect(counts.get("email", `day:${new Date().toISOString().slice(0, 10)}`)).toBe(2);
    await db.sql.query(`UPDATE flows SET status = 'paused' WHERE id = ANY($1::text[])`, [ids]);
  });

  it("an email due in quiet hours gets a delivery job at their end", async () => {
    const now = new Date();
    const hh = (d: number) => String((now.getUTCHours() + 24 + d) % 24).padStart(2, "0");
    await putPolicies(db.sql, { quietHours: { start: `${hh(-1)}:00`, end: `${hh(2)}:00` }, timezone: "UTC" }, "tester");
    await live(graph([n.onEvent("t1", "Night Visit"), n.message("m1", { channel: "email", subject: "Hello", body: "b", to: "a@example.com" })], ["t1->m1"]), "Night");
    await ingest(db, track("night-user", "Night Visit"));
    const jobs = await db.sql.query<{ run_at: Date }>(`SELECT j.run_at FROM jobs j WHERE j.queue = 'deliver' AND j.key LIKE 'deliver:%' AND j.payload->>'key' IN (SELECT t.key FROM touchpoints t JOIN profiles p ON p.id = t.profile_id WHERE p.user_id = 'night-user')`);
    expect(jobs).toHaveLength(1);
    const end = new Date(now);
    end.setUTCHours(now.getUTCHours() + 2, 0, 0, 0);
    expect(jobs[0].run_at.toISOString()).toBe(end.toISOString());
    const [step] = await db.sql.query<{ result: string; reason: Record<string, unknown> }>(
      `SELECT s.result, s.reason FROM steps s JOIN runs r ON r.id = s.run_id JOIN profiles p ON p.id = r.profile_id WHERE p.user_id = 'night-user' AND s.node_id = 'm1'`,
    );
    expect(step).toMatchObject({ result: "delayed", reason: { held: "quiet_hours", deliverAt: end.toISOString() } });
    await putPolicies(db.sql, {}, "tester");
  });
});

describe("live-edit migration", () => {
  //   v1:  t1 (Trial Started) ──▶ c1 {plan eq pro} ──yes──▶ m1 "welcome" ──▶ w1 (P1D) ──▶ m2 "tips"
  //                                               └──no───▶ w2 (P2D) ──▶ m3 "upgrade"
  //   v2:  the same, but yes ──▶ w0 (PT1H) ──▶ m1 ──▶ w1 ...; mapping w1 → w0 (back in front of m1), w2 → null
  const v1 = graph(
    [n.onEvent("t1", "Trial Started"), n.condition("c1", { trait: "plan", op: "eq", value: "pro" }), n.inApp("m1", "welcome"), n.waitFor("w1", "P1D"), n.inApp("m2", "tips"), n.waitFor("w2", "P2D"), n.inApp("m3", "upgrade")],
    ["t1->c1", "c1-yes->m1", "m1->w1", "w1->m2", "c1-no->w2", "w2->m3"],
  );
  const v2 = graph(
    [...v1.nodes, n.waitFor("w0", "PT1H")],
    ["t1->c1", "c1-yes->w0", "w0->m1", "m1->w1", "w1->m2", "c1-no->w2", "w2->m3"],
  );

  it("the dry run's counts are what publishing with the mapping does, and nobody gets a message twice", async () => {
    const flowId = await live(v1, "Trial");
    for (const [user, plan] of [["mig-1", "pro"], ["mig-2", "pro"], ["mig-3", "free"]]) await ingest(db, track(user, "Trial Started", { plan }));
    await updateFlow(db, flowId, { graph: v2 });
    const mapping = { w1: "w0", w2: null };

    const dry = await migrationPlan(db, flowId, mapping);
    expect(dry).toMatchObject({ fromVersion: 1, toVersion: 2, total: 3, moved: 2, kept: 1, notReceivedAgain: [{ nodeId: "m1", users: 2 }] });
    expect(dry.moves).toEqual([
      { from: "w1", to: "w0", users: 2, notReceivedAgain: [{ nodeId: "m1", users: 2 }] },
      { from: "w2", to: null, users: 1, notReceivedAgain: [] },
    ]);
    expect(dry.mapping).toMatchObject({ w1: "w0", w2: null, m1: "m1", t1: "t1" });
    // The publish body's dry run is the same plan, and publishes nothing.
    expect(parsePublishBody(JSON.stringify({ migration: { mapping, dryRun: true } }))).toEqual({ migration: { mapping, dryRun: true } });
    expect((await db.sql.query<{ version: number }>(`SELECT version FROM flows WHERE id = $1`, [flowId]))[0].version).toBe(1);

    const published = await publishWithMigration(db, flowId, "tester", { mapping });
    expect(published.version).toBe(2);
    const { moves, moved, kept, total, notReceivedAgain } = published.migration!;
    expect({ moves, moved, kept, total, notReceivedAgain }).toEqual({ moves: dry.moves, moved: dry.moved, kept: dry.kept, total: dry.total, notReceivedAgain: dry.notReceivedAgain });

    const runs = await db.sql.query<{ id: string; user_id: string; version: number; node_id: string; state: { version: number } }>(
      `SELECT r.id, p.user_id, r.version, r.node_id, r.state FROM runs r JOIN profiles p ON p.id = r.profile_id WHERE r.flow_id = $1 ORDER BY p.user_id`,
      [flowId],
    );
    expect(runs.map((r) => [r.user_id, r.version, r.state.version, r.node_id])).toEqual([
      ["mig-1", 2, 2, "w0"],
      ["mig-2", 2, 2, "w0"],
      ["mig-3", 1, 1, "w2"],
    ]);
    const steps = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM steps WHERE flow_id = $1 AND result = 'migrated'`, [flowId]);
    expect(steps[0].n).toBe(2);

    // The moved user's new timer walks version 2: m1 is reached again and suppressed, not resent.
    const [timer] = await db.sql.query<{ payload: Record<string, unknown>; run_at: Date }>(`SELECT payload, run_at FROM jobs WHERE queue = 'timer' AND payload->>'runId' = $1`, [runs[0].id]);
    expect(timer).toBeDefined();
    const job = { id: 1, queue: "timer", key: null, payload: timer.payload, run_at: timer.run_at, attempts: 1, max_attempts: 8, created_at: new Date() } as Job;
    await handleTimer(job, { db });
    const tps = await db.sql.query<{ node_id: string; status: string }>(`SELECT node_id, status FROM touchpoints WHERE run_id = $1 ORDER BY seq`, [runs[0].id]);
    expect(tps).toEqual([
      { node_id: "m1", status: "ready" },
      { node_id: "m1", status: "suppressed" },
    ]);
    const after = await db.sql.query<{ node_id: string; status: string }>(`SELECT node_id, status FROM runs WHERE id = $1`, [runs[0].id]);
    expect(after[0]).toEqual({ node_id: "w1", status: "waiting" });
  });

  it("refuses a mapping to nodes that do not exist, and publishes a first version without runs", async () => {
    const flowId = await live(v1, "Trial 2");
    await updateFlow(db, flowId, { graph: v2 });
    await expect(migrationPlan(db, flowId, { w1: "nowhere" })).rejects.toMatchObject({ status: 422, code: "invalid_mapping" });
    await expect(publishWithMigration(db, flowId, "tester", { mapping: { ghost: "w1" } })).rejects.toMatchObject({ status: 422 });
    const fresh = await createFlow(db, { name: "Fresh", graph: v1 });
    expect(await migrationPlan(db, fresh.id, {})).toMatchObject({ fromVersion: 0, total: 0, moved: 0 });
    expect(parsePublishBody("")).toEqual({});
    expect(() => parsePublishBody("{nope")).toThrow(/not valid JSON/);
  });
});
