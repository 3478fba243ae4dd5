// The outbox writes any number of touchpoints in one flush on PostgreSQL: more rows than eleven bound
// parameters a row would fit under the server's 65,535-parameter cap, each stored with its fields.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { pgTestDb } from "@/lib/testing/db";
import type { MessageEffect, Run } from "@/lib/engine";
import { edges, n } from "@/lib/testing/builders";
import { Outbox, type ProfileRow } from "./apply";
import { publish, seedProfile } from "@/lib/testing/runtime";

const AT = Date.UTC(2026, 2, 1, 12);
const COUNT = 6_200; // 6,200 × 11 = 68,200 parameters: past the cap

describe("Outbox touchpoints on PostgreSQL", () => {
  let db: Db;
  beforeAll(async () => {
    db = await pgTestDb();
  });
  afterAll(async () => {
    await db?.close();
  });

  it(`writes ${COUNT} touchpoints of every channel in one flush`, async () => {
    const profileId = await seedProfile(db, "many");
    const flow = await publish(db, "Many", { nodes: [n.onEvent("t1", "Go"), n.inApp("m1", "Hi")], edges: edges("t1->m1") });
    const profile: ProfileRow = { id: profileId, userId: "many", traits: {}, summary: {}, lastSeen: new Date(AT) };
    const run: Run = {
      id: "run-many",
      flowId: flow.id,
      versionId: flow.versionId,
      version: flow.version,
      profileId,
      entry: 1,
      status: "active",
      nodeId: "m1",
      triggerNodeId: "t1",
      holdout: false,
      variants: {},
      visits: {},
      enteredAt: AT,
    };
    const base = (i: number) => ({ type: "message" as const, runId: run.id, flowId: flow.id, nodeId: `m${i}`, visit: 1, key: `${run.id}:m${i}:1`, variants: { s1: "b" }, at: AT + i });
    const effects: MessageEffect[] = [];
    for (let i = 0; i < COUNT; i++) {
      if (i % 3 === 0) effects.push({ ...base(i), channel: "in_app", placement: "home", content: `Hello ${i} — "quoted"` });
      else if (i % 3 === 1) effects.push({ ...base(i), channel: "webhook", url: "http://127.0.0.1:9/hook", method: "POST", headers: { "x-n": String(i) }, body: `{"n":${i}}`, suppressed: "holdout" });
      else effects.push({ ...base(i), channel: "email", subject: `S${i}`, body: `B${i}`, to: "a@example.com", suppressed: "holdout" });
    }

    await db.tx(async (sql) => {
      const box = new Outbox(sql);
      box.apply(profile, run, effects);
      await box.flush();
    });

    const [{ n: stored }] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM touchpoints WHERE run_id = $1`, [run.id]);
    expect(stored).toBe(COUNT);
    const rows = await db.sql.query<{ key: string; channel: string; placement: string | null; content: string | null; payload: Record<string, unknown>; status: string; created_at: Date; node_id: string; flow_id: string; profile_id: string }>(
      `SELECT key, channel, placement, content, payload, status, created_at, node_id, flow_id, profile_id FROM touchpoints WHERE key = ANY($1::text[]) ORDER BY created_at`,
      [[`${run.id}:m0:1`, `${run.id}:m6100:1`, `${run.id}:m6101:1`]],
    );
    expect(rows.map((r) => ({ ...r, created_at: r.created_at.getTime() }))).toEqual([
      { key: `${run.id}:m0:1`, channel: "in_app", placement: "home", content: `Hello 0 — "quoted"`, payload: { variant: "b", variants: { s1: "b" } }, status: "ready", created_at: AT, node_id: "m0", flow_id: flow.id, profile_id: profileId },
      {
        key: `${run.id}:m6100:1`,
        channel: "webhook",
        placement: null,
        content: `{"n":6100}`,
        payload: { url: "http://127.0.0.1:9/hook", method: "POST", headers: { "x-n": "6100" }, body: `{"n":6100}`, variant: "b", variants: { s1: "b" }, userId: "many", suppressed: "holdout" },
        status: "suppressed",
        created_at: AT + 6100,
        node_id: "m6100",
        flow_id: flow.id,
        profile_id: profileId,
      },
      {
        key: `${run.id}:m6101:1`,
        channel: "email",
        placement: null,
        content: "B6101",
        payload: { subject: "S6101", body: "B6101", to: "a@example.com", variant: "b", variants: { s1: "b" }, userId: "many", suppressed: "holdout" },
        status: "suppressed",
        created_at: AT + 6101,
        node_id: "m6101",
        flow_id: flow.id,
        profile_id: profileId,
      },
    ]);

    // Written under their keys: the same effects flushed again store nothing twice.
    await db.tx(async (sql) => {
      const box = new Outbox(sql);
      box.apply(profile, run, effects);
      await box.flush();
    });
    const [{ n: again }] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM touchpoints WHERE run_id = $1`, [run.id]);
    expect(again).toBe(COUNT);
  });

  it("queues one delivery job per pending webhook or email touchpoint", async () => {
    const profileId = await seedProfile(db, "few");
    const flow = await publish(db, "Few", { nodes: [n.onEvent("t1", "Go"), n.inApp("m1", "Hi")], edges: edges("t1->m1") });
    const profile: ProfileRow = { id: profileId, userId: "few", traits: {}, summary: {}, lastSeen: new Date(AT) };
    const run: Run = { id: "run-few", flowId: flow.id, versionId: flow.versionId, version: 1, profileId, entry: 1, status: "active", nodeId: "m1", triggerNodeId: "t1", holdout: false, variants: {}, visits: {}, enteredAt: AT };
    const msg = (i: number): MessageEffect => ({ type: "message", runId: run.id, flowId: flow.id, nodeId: `w${i}`, visit: 1, key: `${run.id}:w${i}:1`, variants: {}, at: AT, channel: "webhook", url: "http://127.0.0.1:9/", method: "POST", headers: {} });
    await db.tx(async (sql) => {
      const box = new Outbox(sql);
      box.apply(profile, run, [msg(1), msg(2), { ...msg(3), suppressed: "holdout" }]);
      await box.flush();
    });
    const jobs = await db.sql.query<{ key: string }>(`SELECT key FROM jobs WHERE queue = 'deliver' AND profile_id = $1 ORDER BY key`, [profileId]);
    expect(jobs.map((j) => j.key)).toEqual([`deliver:${run.id}:w1:1`, `deliver:${run.id}:w2:1`]);
  });
});
