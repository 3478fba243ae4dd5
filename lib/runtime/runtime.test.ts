// The runtime's integration scenarios, on PGlite and on PostgreSQL (describe.each over both stores):
// real database, real HTTP receiver, real SMTP server, real timer jobs.
import { RUN_STATE_VERSION } from "@/lib/engine/run-state";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { setFlowStatus, updateFlow } from "@/lib/flow-store/store";
import { clearFlowCache } from "./flow-cache";
import { decide, recordOutcome } from "./decide";
import { listRunsWithSteps } from "./explain";
import { runSimulation } from "./simulate";
import { verifySignature } from "./webhook";
import { ingest, publish, runDueJobs, runWorkerUntil, seedProfile } from "@/lib/testing/runtime";
import { enqueue } from "./jobs";
import { STORES } from "@/lib/testing/db";
import { startSmtp, type ReceivedMail, type TestSmtp } from "@/lib/testing/smtp";

const SECRET = "whsec_test_secret";

type Received = { path: string; headers: http.IncomingHttpHeaders; body: string; at: number };

function node(id: string, type: string, data: Record<string, unknown>) {
  return { id, type, position: { x: 0, y: 0 }, data };
}
function edge(source: string, target: string, sourceHandle?: string) {
  return { id: `${source}-${target}-${sourceHandle ?? "next"}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) };
}
const trigger = (id: string, event: string) => node(id, "trigger", { on: { type: "event", event } });
const inApp = (id: string, placement: string, content: string) => node(id, "message", { channel: "in_app", placement, content });

describe.each(STORES)("executor runtime on $name", ({ open }) => {
  let db: Db;
  let receiver: http.Server;
  let base = "";
  const received: Received[] = [];
  const flaky = new Map<string, number>();
  let smtp: TestSmtp;
  let mails: ReceivedMail[] = [];

  beforeAll(async () => {
    process.env.PATHWISE_WEBHOOK_ALLOWLIST = "127.0.0.1";
    process.env.PATHWISE_WEBHOOK_SECRET = SECRET;
    process.env.PATHWISE_WEBHOOK_TIMEOUT_MS = "400";
    process.env.PATHWISE_DELIVERY_ATTEMPTS = "3";
    process.env.PATHWISE_PAUSED_RECHECK_MS = "200";
    db = await open();
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const path = req.url ?? "/";
        received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
        if (path.startsWith("/hang")) return; // never answers
        if (path.startsWith("/flaky")) {
          const id = String(req.headers["pathwise-delivery"]);
          const n = (flaky.get(id) ?? 0) + 1;
          flaky.set(id, n);
          res.statusCode = n === 1 ? 500 : 200;
          return res.end(n === 1 ? "try again" : "ok");
        }
        res.end("ok");
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    smtp = await startSmtp();
    mails = smtp.mails;
    smtp.useInEnv("Pathwise <flows@example.com>");
  });

  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    await smtp.close();
    await db.close();
  });

  beforeEach(() => clearFlowCache());

  const touchpoints = (profileId: string) =>
    db.sql.query<{ id: string; key: string; status: string; attempts: number; channel: string; content: string | null; error: string | null }>(
      `SELECT id, key, status, attempts, channel, content, error FROM touchpoints WHERE profile_id = $1 ORDER BY seq`,
      [profileId],
    );

  it("enters on an event, renders in_app content escaped, answers /decide and records outcomes once", async () => {
    const flow = await publish(db, "Offer", { nodes: [trigger("t1", "Viewed A"), inApp("m1", "home", "Hi {{ user.name }}")], edges: [edge("t1", "m1")] });
    const pid = await seedProfile(db, "decide-1", { name: "Ann <b>" });
    await ingest(db, pid, [{ name: "Viewed A", properties: { sku: "A" } }]);
    const { decisions } = await decide(db.sql, { userId: "decide-1", placements: ["home", "sidebar"] });
    expect(decisions.sidebar).toBeNull();
    expect(decisions.home).toMatchObject({ content: "Hi Ann &lt;b&gt;", flowId: flow.id, nodeId: "m1" });
    const decisionId = decisions.home!.decisionId;
    expect(await recordOutcome(db.sql, { decisionId, type: "shown" })).toEqual({ recorded: true });
    expect(await recordOutcome(db.sql, { decisionId, type: "shown" })).toEqual({ recorded: false });
    expect(await recordOutcome(db.sql, { decisionId: "no-such-decision", type: "shown" })).toBeNull();
    expect(await recordOutcome(db.sql, { decisionId, type: "dismissed" })).toEqual({ recorded: true });
    expect((await decide(db.sql, { userId: "decide-1", placements: ["home"] })).decisions.home).toBeNull();
    // Unknown users get nulls, not errors.
    expect((await decide(db.sql, { anonymousId: "nobody", placements: ["home"] })).decisions).toEqual({ home: null });
    const runs = await listRunsWithSteps(db.sql, pid);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ flowId: flow.id, status: "completed", version: 1 });
    expect(runs[0].steps.map((s) => [s.nodeId, s.result])).toEqual([["t1", "next"], ["m1", "sent"]]);
    expect(runs[0].steps[0].reason).toMatchObject({ trigger: "event: Viewed A" });
  });

  it("prefers the higher-priority flow for a placement, then the newest", async () => {
    await publish(db, "Low", { nodes: [trigger("t1", "Prio"), inApp("m1", "banner", "low")], edges: [edge("t1", "m1")] }, { priority: 1 });
    await publish(db, "High", { nodes: [trigger("t1", "Prio"), inApp("m1", "banner", "high")], edges: [edge("t1", "m1")] }, { priority: 5 });
    await publish(db, "Newest low", { nodes: [trigger("t1", "Prio"), inApp("m1", "banner", "newest low")], edges: [edge("t1", "m1")] }, { priority: 1 });
    const pid = await seedProfile(db, "prio-1");
    await ingest(db, pid, [{ name: "Prio" }]);
    expect((await decide(db.sql, { userId: "prio-1", placements: ["banner"] })).decisions.banner?.content).toBe("high");
  });

  it("leaves a wait-until by the matching event, or by its timeout through a real timer job", async () => {
    const graph = {
      nodes: [
        trigger("t1", "Signed Up W"),
        node("w1", "wait", { until: { event: "Activated W", where: [{ property: "plan", op: "eq", value: "pro" }] }, timeout: "PT1S" }),
        inApp("yes", "w", "matched"),
        inApp("no", "w", "timed out"),
      ],
      edges: [edge("t1", "w1"), edge("w1", "yes", "matched"), edge("w1", "no", "timeout")],
    };
    await publish(db, "Wait until", graph);
    const a = await seedProfile(db, "wait-a");
    const b = await seedProfile(db, "wait-b");
    await ingest(db, a, [{ name: "Signed Up W" }]);
    await ingest(db, b, [{ name: "Signed Up W" }]);
    const timers = await db.sql.query<{ key: string }>(`SELECT key FROM jobs WHERE queue = 'timer' AND key LIKE $1`, [`%${a}%`]);
    expect(timers).toHaveLength(1);
    await ingest(db, a, [{ name: "Activated W", properties: { plan: "free" } }]); // where does not hold
    expect((await decide(db.sql, { userId: "wait-a", placements: ["w"] })).decisions.w).toBeNull();
    await ingest(db, a, [{ name: "Activated W", properties: { plan: "pro" } }]);
    expect((await decide(db.sql, { userId: "wait-a", placements: ["w"] })).decisions.w?.content).toBe("matched");
    // The matched run's timer is cancelled with it.
    expect(await db.sql.query(`SELECT 1 FROM jobs WHERE key = $1`, [timers[0].key])).toHaveLength(0);

    const ok = await runWorkerUntil(db, async () => (await decide(db.sql, { userId: "wait-b", placements: ["w"] })).decisions.w !== null, 5000);
    expect(ok).toBe(true);
    expect((await decide(db.sql, { userId: "wait-b", placements: ["w"] })).decisions.w?.content).toBe("timed out");
    const [run] = await listRunsWithSteps(db.sql, b);
    expect(run.steps.map((s) => `${s.nodeId}:${s.result}:${s.entered}`)).toEqual(["t1:next:true", "w1:waiting:true", "w1:timeout:false", "no:sent:true"]);
    expect(run.steps[1].reason).toHaveProperty("due");
  });

  it("posts a signed webhook once, with the delivery id, and records sent", async () => {
    await publish(db, "Hook", {
      nodes: [trigger("t1", "Hooked"), node("m1", "message", { channel: "webhook", url: `${base}/hook`, headers: { "X-Team": "growth" }, body: '{"user":"{{ user.id }}","sku":"{{ event.properties.sku }}"}' })],
      edges: [edge("t1", "m1")],
    });
    const pid = await seedProfile(db, "hook-1");
    await ingest(db, pid, [{ name: "Hooked", properties: { sku: "A1" } }]);
    const ok = await runWorkerUntil(db, async () => (await touchpoints(pid))[0]?.status === "sent", 5000);
    expect(ok).toBe(true);
    const [tp] = await touchpoints(pid);
    const hits = received.filter((r) => r.headers["pathwise-delivery"] === tp.key);
    expect(hits).toHaveLength(1);
    expect(JSON.parse(hits[0].body)).toEqual({ user: "hook-1", sku: "A1" });
    expect(hits[0].headers["content-type"]).toBe("application/json");
    expect(hits[0].headers["x-team"]).toBe("growth");
    expect(verifySignature(SECRET, hits[0].body, String(hits[0].headers["pathwise-signature"]))).toBe(true);
    expect(verifySignature("other-secret", hits[0].body, String(hits[0].headers["pathwise-signature"]))).toBe(false);
    const outcomes = await db.sql.query<{ type: string }>(`SELECT type FROM outcomes WHERE touchpoint_id = $1`, [tp.id]);
    expect(outcomes.map((o) => o.type)).toEqual(["sent"]);
    // A re-run of the delivery job (a crash after sending) does not send again.
    await enqueue(db.sql, { queue: "deliver", key: `deliver:${tp.key}`, payload: { key: tp.key } });
    await runDueJobs(db);
    expect(received.filter((r) => r.headers["pathwise-delivery"] === tp.key)).toHaveLength(1);
  });

  it("retries a webhook that answers 500, then records it sent", async () => {
    await publish(db, "Flaky", { nodes: [trigger("t1", "Flaky"), node("m1", "message", { channel: "webhook", url: `${base}/flaky` })], edges: [edge("t1", "m1")] });
    const pid = await seedProfile(db, "flaky-1");
    await ingest(db, pid, [{ name: "Flaky" }]);
    const ok = await runWorkerUntil(db, async () => (await touchpoints(pid))[0]?.status === "sent", 8000);
    expect(ok).toBe(true);
    const [tp] = await touchpoints(pid);
    expect(tp.attempts).toBe(2);
    const hits = received.filter((r) => r.headers["pathwise-delivery"] === tp.key);
    expect(hits.map((h) => h.headers["pathwise-attempt"])).toEqual(["1", "2"]);
    expect(JSON.parse(hits[1].body)).toMatchObject({ type: "pathwise.message", userId: "flaky-1", nodeId: "m1" });
  });

  it("gives up on a hanging webhook after its retries without holding up other deliveries", async () => {
    await publish(db, "Hang", { nodes: [trigger("t1", "Hang"), node("m1", "message", { channel: "webhook", url: `${base}/hang` })], edges: [edge("t1", "m1")] });
    await publish(db, "Fine", { nodes: [trigger("t1", "Fine"), node("m1", "message", { channel: "webhook", url: `${base}/hook` })], edges: [edge("t1", "m1")] });
    const slow = await seedProfile(db, "hang-1");
    const fine = await seedProfile(db, "fine-1");
    await ingest(db, slow, [{ name: "Hang" }]);
    const started = Date.now();
    let fineAt = 0;
    const ok = await runWorkerUntil(
      db,
      async () => {
        if (!fineAt && (await touchpoints(fine))[0]?.status === "sent") fineAt = Date.now();
        if (fineAt === 0 && (await touchpoints(fine)).length === 0 && Date.now() - started > 100) await ingest(db, fine, [{ name: "Fine" }]);
        return (await touchpoints(slow))[0]?.status === "failed";
      },
      10_000,
    );
    expect(ok).toBe(true);
    const [tp] = await touchpoints(slow);
    expect(tp.attempts).toBe(3);
    expect(tp.error).toMatch(/No answer within 400 ms/);
    expect(fineAt).toBeGreaterThan(0);
    expect(fineAt - started).toBeLessThan(2500); // long before the hanging one has used its retries (> 4 s)
    const outcomes = await db.sql.query<{ type: string }>(`SELECT type FROM outcomes WHERE touchpoint_id = $1`, [tp.id]);
    expect(outcomes.map((o) => o.type)).toEqual(["failed"]);
  });

  it("refuses a webhook to a private address unless allowed, recording failed at once", async () => {
    await publish(db, "Private", { nodes: [trigger("t1", "Private Hook"), node("m1", "message", { channel: "webhook", url: "http://10.11.12.13/x" })], edges: [edge("t1", "m1")] });
    const pid = await seedProfile(db, "private-1");
    await ingest(db, pid, [{ name: "Private Hook" }]);
    expect(await runWorkerUntil(db, async () => (await touchpoints(pid))[0]?.status === "failed", 3000)).toBe(true);
    const [tp] = await touchpoints(pid);
    expect(tp.attempts).toBe(1);
    expect(tp.error).toMatch(/Refused to send to 10\.11\.12\.13/);
  });

  it("sends an email over SMTP to the user's email trait", async () => {
    await publish(db, "Mail", {
      nodes: [trigger("t1", "Mail Me"), node("m1", "message", { channel: "email", subject: "Hello {{ user.name }}", body: "<p>Your code: {{ event.properties.code }}</p>" })],
      edges: [edge("t1", "m1")],
    });
    const pid = await seedProfile(db, "mail-1", { name: "Bea", email: "bea@example.com" });
    await ingest(db, pid, [{ name: "Mail Me", properties: { code: "X1" } }]);
    expect(await runWorkerUntil(db, async () => (await touchpoints(pid))[0]?.status === "sent", 8000)).toBe(true);
    const mail = mails.find((m) => m.to.includes("bea@example.com"));
    expect(mail).toBeDefined();
    expect(mail!.from).toBe("flows@example.com");
    expect(mail!.raw).toContain("Subject: Hello Bea");
    expect(mail!.raw).toContain("Your code: X1");
    expect(mail!.raw).toMatch(/Pathwise-Delivery:\s+\S+:m1:1/);
  });

  it("gives holdout users no content but counts their run", async () => {
    await publish(db, "Holdout", { nodes: [trigger("t1", "Held Out"), inApp("m1", "h", "offer")], edges: [edge("t1", "m1")] }, { holdout: 100 });
    const pid = await seedProfile(db, "holdout-1");
    await ingest(db, pid, [{ name: "Held Out" }]);
    expect((await decide(db.sql, { userId: "holdout-1", placements: ["h"] })).decisions.h).toBeNull();
    const [run] = await listRunsWithSteps(db.sql, pid);
    expect(run.holdout).toBe(true);
    expect(run.steps.find((s) => s.nodeId === "m1")).toMatchObject({ result: "suppressed", reason: { suppressed: "holdout" } });
    expect((await touchpoints(pid))[0].status).toBe("suppressed");
  });

  it("holds runs of a paused flow and lets nobody in; resuming fires the held timer", async () => {
    const flow = await publish(db, "Pausable", { nodes: [trigger("t1", "Pause Me"), node("w1", "wait", { for: "PT1S" }), inApp("m1", "p", "after the wait")], edges: [edge("t1", "w1"), edge("w1", "m1")] });
    const a = await seedProfile(db, "pause-a");
    await ingest(db, a, [{ name: "Pause Me" }]);
    await setFlowStatus(db, flow.id, "paused");
    const b = await seedProfile(db, "pause-b");
    await ingest(db, b, [{ name: "Pause Me" }]);
    expect(await listRunsWithSteps(db.sql, b)).toHaveLength(0);
    // Past the timer's time, the run still waits while the flow is paused.
    await runWorkerUntil(db, async () => false, 1800);
    const [held] = await listRunsWithSteps(db.sql, a);
    expect(held.status).toBe("waiting");
    expect(await touchpoints(a)).toHaveLength(0);
    await setFlowStatus(db, flow.id, "active");
    expect(await runWorkerUntil(db, async () => (await decide(db.sql, { userId: "pause-a", placements: ["p"] })).decisions.p !== null, 3000)).toBe(true);
  });

  it("keeps runs on the version they entered with after a republish", async () => {
    const graph = (text: string) => ({ nodes: [trigger("t1", "Versioned"), node("w1", "wait", { for: "PT1S" }), inApp("m1", "v", text)], edges: [edge("t1", "w1"), edge("w1", "m1")] });
    const flow = await publish(db, "Versions", graph("version one"));
    const a = await seedProfile(db, "ver-a");
    await ingest(db, a, [{ name: "Versioned" }]);
    await updateFlow(db, flow.id, { graph: graph("version two") });
    const { publishFlow } = await import("@/lib/flow-store/store");
    expect((await publishFlow(db, flow.id)).version).toBe(2);
    const b = await seedProfile(db, "ver-b");
    await ingest(db, b, [{ name: "Versioned" }]);
    const both = async () => (await touchpoints(a)).length === 1 && (await touchpoints(b)).length === 1;
    expect(await runWorkerUntil(db, both, 5000)).toBe(true);
    expect((await touchpoints(a))[0].content).toBe("version one");
    expect((await touchpoints(b))[0].content).toBe("version two");
    expect((await listRunsWithSteps(db.sql, a))[0].version).toBe(1);
    expect((await listRunsWithSteps(db.sql, b))[0].version).toBe(2);
  });

  it("never records a step or touchpoint twice: repeated events, rolled-back retries, re-run timers", async () => {
    await publish(db, "Idem", { nodes: [trigger("t1", "Idem"), node("w1", "wait", { for: "PT1S" }), inApp("m1", "i", "once")], edges: [edge("t1", "w1"), edge("w1", "m1")] });
    const pid = await seedProfile(db, "idem-1");
    // A transaction that fails after the executor ran leaves nothing behind.
    await expect(
      db.tx(async (sql) => {
        const { runFlowsForBatch } = await import("./execute");
        const [p] = await sql.query<{ traits: Record<string, unknown>; first_seen: Date; last_seen: Date }>(`SELECT traits, first_seen, last_seen FROM profiles WHERE id = $1 FOR UPDATE`, [pid]);
        const profile = { id: pid, userId: "idem-1", anonymousIds: [], traits: p.traits, summary: {}, firstSeen: p.first_seen, lastSeen: p.last_seen };
        const events = [{ id: 0, type: "track" as const, name: "Idem", properties: {}, timestamp: new Date(), messageId: null }];
        await runFlowsForBatch(sql, [{ profile, events, firstIdentify: false }], { now: new Date() });
        // The executor did write inside the transaction (so the rollback below is what removes it).
        expect(await sql.query(`SELECT id FROM runs WHERE profile_id = $1`, [pid])).toHaveLength(1);
        throw new Error("ingestion failed later");
      }),
    ).rejects.toThrow("ingestion failed later");
    expect(await listRunsWithSteps(db.sql, pid)).toHaveLength(0);
    await ingest(db, pid, [{ name: "Idem" }]);
    await ingest(db, pid, [{ name: "Idem" }]); // reentry "never": no second run
    const timer = await db.sql.query<{ key: string; payload: unknown }>(`SELECT key, payload FROM jobs WHERE queue = 'timer' AND key LIKE $1`, [`%${pid}%`]);
    expect(timer).toHaveLength(1);
    expect(await runWorkerUntil(db, async () => (await touchpoints(pid)).length === 1, 5000)).toBe(true);
    // The same timer job again (a worker that crashed before deleting it): ignored as stale.
    await enqueue(db.sql, { queue: "timer", key: timer[0].key, payload: timer[0].payload });
    expect(await runDueJobs(db)).toBeGreaterThan(0);
    const runs = await listRunsWithSteps(db.sql, pid);
    expect(runs).toHaveLength(1);
    expect(runs[0].steps).toHaveLength(4);
    expect(await touchpoints(pid)).toHaveLength(1);
  });

  it("lets a silent user into an inactivity flow once the silence is long enough", async () => {
    await publish(db, "Come back", { nodes: [node("t1", "trigger", { on: { type: "inactivity", after: "PT1S" } }), inApp("m1", "c", "we miss you")], edges: [edge("t1", "m1")] });
    const pid = await seedProfile(db, "idle-1");
    await ingest(db, pid, [{ name: "Some Event" }]);
    const job = await db.sql.query<{ run_at: Date }>(`SELECT run_at FROM jobs WHERE queue = 'inactivity' AND key LIKE $1`, [`%${pid}`]);
    expect(job).toHaveLength(1);
    expect(await runWorkerUntil(db, async () => (await decide(db.sql, { userId: "idle-1", placements: ["c"] })).decisions.c !== null, 5000)).toBe(true);
    const [run] = await listRunsWithSteps(db.sql, pid);
    expect(run.steps[0].reason).toMatchObject({ trigger: "inactivity" });
  });

  it("applies update nodes to the profile's traits in the same transaction", async () => {
    await publish(db, "Tagger", { nodes: [trigger("t1", "Tag Me"), node("u1", "update", { set: { stage: "tagged", last: "{{ event.properties.sku }}" } })], edges: [edge("t1", "u1")] });
    const pid = await seedProfile(db, "tag-1", { keep: 1 });
    const profile = await ingest(db, pid, [{ name: "Tag Me", properties: { sku: "Z" } }]);
    expect(profile.traits).toMatchObject({ keep: 1, stage: "tagged", last: "Z" });
    const [row] = await db.sql.query<{ traits: Record<string, unknown> }>(`SELECT traits FROM profiles WHERE id = $1`, [pid]);
    // The real pipeline also keeps the engagement score trait up to date.
    expect(row.traits).toEqual({ keep: 1, stage: "tagged", last: "Z", engagement_score: expect.any(Number) });
  });

  it("refuses a run state written by newer code instead of misreading it, and upgrades an old one", async () => {
    await publish(db, "Stateful", { nodes: [trigger("t1", "State In"), node("w1", "wait", { until: { event: "State Go" }, timeout: "P1D" }), inApp("m1", "st", "go")], edges: [edge("t1", "w1"), edge("w1", "m1", "matched")] });
    const pid = await seedProfile(db, "state-1");
    await ingest(db, pid, [{ name: "State In" }]);
    const [row] = await db.sql.query<{ id: string; state: Record<string, unknown> }>(`SELECT id, state FROM runs WHERE profile_id = $1`, [pid]);
    expect(row.state.stateVersion).toBe(RUN_STATE_VERSION);
    await db.sql.query(`UPDATE runs SET state = jsonb_set(state, '{stateVersion}', '99') WHERE id = $1`, [row.id]);
    await expect(ingest(db, pid, [{ name: "State Go" }])).rejects.toThrow(/state version 99/);
    // A state from before versions existed (no stateVersion, no visits) is upgraded and moves on.
    await db.sql.query(`UPDATE runs SET state = (state - 'stateVersion') - 'visits' WHERE id = $1`, [row.id]);
    await ingest(db, pid, [{ name: "State Go" }]);
    const [after] = await db.sql.query<{ status: string; state: Record<string, unknown> }>(`SELECT status, state FROM runs WHERE id = $1`, [row.id]);
    expect(after.status).toBe("completed");
    expect(after.state.stateVersion).toBe(RUN_STATE_VERSION);
    expect(after.state.data).toEqual({}); // the fetch node's answers: empty after the upgrade
  });

  it("keeps running after a profile merge moved and renumbered runs", async () => {
    const { mergeStoredProfiles } = await import("@/lib/ingest/pipeline");
    await publish(db, "Always", { nodes: [trigger("t1", "Again"), inApp("m1", "a", "again")], edges: [edge("t1", "m1")] }, { reentry: "always" });
    const anon = await seedProfile(db, "merge-anon");
    const user = await seedProfile(db, "merge-user");
    await ingest(db, anon, [{ name: "Again" }]);
    await ingest(db, user, [{ name: "Again" }]);
    await db.tx((sql) => mergeStoredProfiles(sql, anon, user));
    await ingest(db, user, [{ name: "Again" }]);
    const runs = await listRunsWithSteps(db.sql, user);
    expect(runs.map((r) => r.entry).sort()).toEqual([1, 2, 3]);
  });

  it("simulates on a virtual clock without storing anything", async () => {
    const before = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM runs`);
    const result = await runSimulation(db, {
      graph: { nodes: [trigger("t1", "Sim"), node("w1", "wait", { for: "P1D" }), inApp("m1", "s", "hi {{ user.name }}")], edges: [edge("t1", "w1"), edge("w1", "m1")] },
      profile: { traits: { name: "Sim" } },
      events: [{ at: "PT0S", type: "track", event: "Sim" }],
    });
    expect(result.trace.map((t) => t.nodeId)).toEqual(["t1", "w1", "w1", "m1"]);
    expect(result.messages).toHaveLength(1);
    expect((await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM runs`))[0].n).toBe(before[0].n);
  });
});
