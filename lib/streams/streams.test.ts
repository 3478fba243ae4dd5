// Stream sources against the real RabbitMQ and NATS JetStream of this machine, on the embedded store:
// created through the API, consumed with acknowledgement after commit, duplicates stored once, poison
// messages (invalid JSON, 2 MB, wrong shape, tracking-plan rejection) kept as dead letters without
// blocking the queue, replay after the plan is fixed, pause/resume, a broker that is down or refuses
// credentials, and credentials never shown again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as sources from "@/app/api/v1/sources/route";
import * as one from "@/app/api/v1/sources/[id]/route";
import * as pause from "@/app/api/v1/sources/[id]/pause/route";
import * as resume from "@/app/api/v1/sources/[id]/resume/route";
import * as test from "@/app/api/v1/sources/[id]/test/route";
import * as deadLetters from "@/app/api/v1/sources/[id]/dead-letters/route";
import * as replay from "@/app/api/v1/sources/[id]/dead-letters/replay/route";
import * as plan from "@/app/api/v1/tracking-plan/route";
import * as metricsRoute from "@/app/api/metrics/route";
import { bearer, callJson } from "@/lib/testing/routes";
import { setupDb, type TestDb } from "@/lib/testing/db";
import { startStreams, type StreamsHandle } from "./manager";
import { clearSourcesKeyCache } from "./seal";
import { AMQP_URL, deleteNatsStream, deleteRabbitQueue, NATS_URL, natsPublisher, rabbitPublisher, track, uniqueName, until } from "./test-brokers";

let t: TestDb;
let streams: StreamsHandle;
const queues: string[] = [];
const natsStreams: string[] = [];

const count = async (sql: string, params: unknown[] = []) => (await t.db.sql.query<{ n: number }>(sql, params))[0].n;
const events = (name = "Stream Test") => count(`SELECT count(*)::int AS n FROM events WHERE name = $1`, [name]);
const get = async (id: string) => (await callJson(one.GET, { auth: bearer(t.secret), params: { id } })).json;
const create = async (body: Record<string, unknown>) => {
  const r = await callJson(sources.POST, { auth: bearer(t.secret), body });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json.source as { id: string; config: Record<string, unknown> };
};

beforeAll(async () => {
  clearSourcesKeyCache();
  t = await setupDb("pglite");
  streams = startStreams(t.db, { pollMs: 200, heartbeatMs: 300 });
});

afterAll(async () => {
  await streams?.stop();
  await t?.close();
  clearSourcesKeyCache();
  for (const q of queues) await deleteRabbitQueue(q).catch(() => undefined);
  for (const s of natsStreams) await deleteNatsStream(s).catch(() => undefined);
});

describe("RabbitMQ", () => {
  it("consumes Segment messages exactly once, dead-letters poison without blocking, replays after the plan is fixed", async () => {
    const queue = uniqueName("pw_test");
    queues.push(queue);
    const pub = await rabbitPublisher(queue);
    // The password is sealed: the answer and the stored config never show it.
    const src = await create({ name: "Orders queue", kind: "rabbitmq", url: AMQP_URL, queue, prefetch: 50 });
    expect(JSON.stringify(src)).not.toContain("guest:guest");
    expect(src.config.url).toBe("amqp://guest:****@127.0.0.1:5672");
    const [stored] = await t.db.sql.query<{ credentials: string; config: unknown }>(`SELECT credentials, config FROM sources WHERE id = $1`, [src.id]);
    expect(stored.credentials).not.toContain("guest");
    expect(JSON.stringify(stored.config)).not.toContain("guest:guest");

    await until(async () => (await get(src.id)).status === "connected", 15_000, "connected");

    // Reject "Order Completed" without a total: the plan's rejections become dead letters.
    expect((await callJson(plan.PUT, { auth: bearer(t.secret), method: "PUT", body: { mode: "reject", events: [{ event: "Order Completed", properties: [{ name: "total", type: "number", required: true }] }] } })).status).toBe(200);

    for (let i = 0; i < 200; i++) pub.publish(JSON.stringify(track(`rq-${i % 20}`, i)));
    for (let i = 0; i < 50; i++) pub.publish(JSON.stringify(track(`rq-${i % 20}`, i))); // duplicates by messageId
    pub.publish("{not json");
    pub.publish(Buffer.alloc(2 * 1024 * 1024, "x"));
    pub.publish(JSON.stringify({ type: "track", event: "No user" }));
    pub.publish(JSON.stringify([1, 2, 3]));
    pub.publish(JSON.stringify({ type: "track", userId: "rq-plan", event: "Order Completed", properties: {}, messageId: "order-1" }));
    pub.publish(JSON.stringify({ batch: [track("rq-b", 1000), track("rq-b", 1001), { type: "identify", userId: "rq-b", traits: { plan: "pro" } }] }));
    // A message without a messageId, delivered twice, is one message: its id comes from its content.
    pub.publish(JSON.stringify({ type: "track", userId: "rq-noid", event: "Stream Test", properties: { n: -1 } }));
    pub.publish(JSON.stringify({ type: "track", userId: "rq-noid", event: "Stream Test", properties: { n: -1 } }));
    for (let i = 200; i < 220; i++) pub.publish(JSON.stringify(track(`rq-${i % 20}`, i))); // after the poison
    await pub.flush();

    await until(async () => (await events()) >= 223 && (await count(`SELECT count(*)::int AS n FROM source_dead_letters WHERE source_id = $1`, [src.id])) >= 5, 30_000, "all consumed");
    await until(async () => (await pub.ready(queue)) === 0, 10_000, "queue empty");
    expect(await events()).toBe(200 + 20 + 2 + 1);
    const dl = (await callJson(deadLetters.GET, { auth: bearer(t.secret), params: { id: src.id }, path: "/x" })).json;
    const reasons = dl.deadLetters.map((d: { reason: string }) => d.reason).sort();
    expect(reasons).toEqual(["bad_json", "too_large", "tracking_plan", "validation", "validation"]);
    const big = dl.deadLetters.find((d: { reason: string }) => d.reason === "too_large");
    expect(big).toMatchObject({ size: 2 * 1024 * 1024, truncated: true });
    const planned = dl.deadLetters.find((d: { reason: string }) => d.reason === "tracking_plan");
    expect(planned.message).toContain("total");
    expect(JSON.parse(planned.body).messageId).toBe("order-1");

    await until(async () => (await get(src.id)).consumed === 273, 5_000, "counters");
    const view = await get(src.id);
    expect(view).toMatchObject({ status: "connected", failed: 5 });
    // 200 + 50 duplicates + 1 batch + 2 content-identical + 20 after the poison: every one acknowledged after it was stored.
    expect(view.consumed).toBe(273);

    // Fix the plan, replay: the order goes through; the rest fail again for their own reasons.
    await callJson(plan.PUT, { auth: bearer(t.secret), method: "PUT", body: { mode: "flag", events: [] } });
    const r = await callJson(replay.POST, { auth: bearer(t.secret), params: { id: src.id }, method: "POST" });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ replayed: 5, stored: 1 });
    expect(await events("Order Completed")).toBe(1);
    expect((await callJson(deadLetters.GET, { auth: bearer(t.secret), params: { id: src.id }, path: "/x" })).json.pending).toBe(4);

    // Metrics per source.
    const metrics = await (await metricsRoute.GET(new Request("http://localhost/api/metrics", { headers: { authorization: bearer(t.secret) } }))).text();
    expect(metrics).toMatch(new RegExp(`pathwise_source_messages_total\\{source="${src.id}",kind="rabbitmq",outcome="stored"\\} \\d+`));
    expect(metrics).toContain(`pathwise_source_connected{source="${src.id}",kind="rabbitmq"} 1`);

    // Pause: nothing is consumed; resume: the backlog is.
    const paused = await callJson(pause.POST, { auth: bearer(t.secret), params: { id: src.id }, method: "POST" });
    expect(paused.json.status).toBe("paused");
    await until(() => streams.consumers().every((c) => c.source.id !== src.id), 5_000, "consumer stopped");
    for (let i = 300; i < 310; i++) pub.publish(JSON.stringify(track("rq-paused", i)));
    await pub.flush();
    await new Promise((res) => setTimeout(res, 500));
    expect(await pub.ready(queue)).toBe(10);
    await callJson(resume.POST, { auth: bearer(t.secret), params: { id: src.id }, method: "POST" });
    await until(async () => (await pub.ready(queue)) === 0 && (await count(`SELECT count(*)::int AS n FROM events WHERE name = 'Stream Test' AND (properties->>'n')::int BETWEEN 300 AND 309`)) === 10, 15_000, "backlog consumed");

    const tested = await callJson(test.POST, { auth: bearer(t.secret), params: { id: src.id }, method: "POST" });
    expect(tested.json).toMatchObject({ ok: true, lag: 0 });
    expect(tested.json.message).toContain(queue);
    await pub.close();
  });

  it("reports a broker that is down or refuses the credentials, and keeps trying", async () => {
    const refused = await create({ name: "Wrong password", kind: "rabbitmq", url: "amqp://guest:wrong@127.0.0.1:5672", queue: uniqueName("pw_test") });
    const down = await create({ name: "Nobody there", kind: "rabbitmq", url: "amqp://127.0.0.1:1", queue: "q" });
    await until(async () => (await get(refused.id)).status === "error" && (await get(down.id)).status === "error", 20_000, "errors");
    expect((await get(refused.id)).lastError).toMatch(/ACCESS_REFUSED|403/);
    expect((await get(down.id)).lastError).toMatch(/ECONNREFUSED/);
    const tested = await callJson(test.POST, { auth: bearer(t.secret), params: { id: refused.id }, method: "POST" });
    expect(tested.json).toMatchObject({ ok: false });
    expect(tested.json.message).toMatch(/ACCESS_REFUSED|403/);
    // An update with the right password: the consumer restarts with it.
    const fixed = await callJson(one.PUT, { auth: bearer(t.secret), params: { id: refused.id }, method: "PUT", body: { url: AMQP_URL } });
    expect(fixed.status).toBe(200);
    queues.push(fixed.json.config.queue);
    await until(async () => (await get(refused.id)).status === "connected", 20_000, "reconnected with the new password");
    await callJson(one.DELETE, { auth: bearer(t.secret), params: { id: down.id }, method: "DELETE" });
  });

  it("reads the URL from an environment variable when asked, and stores none", async () => {
    process.env.PW_TEST_BROKER_URL = AMQP_URL;
    const queue = uniqueName("pw_test");
    queues.push(queue);
    const src = await create({ name: "From env", kind: "rabbitmq", urlEnv: "PW_TEST_BROKER_URL", queue });
    expect(src.config).toEqual({ urlEnv: "PW_TEST_BROKER_URL", queue });
    const [row] = await t.db.sql.query<{ credentials: string | null }>(`SELECT credentials FROM sources WHERE id = $1`, [src.id]);
    expect(row.credentials).toBeNull();
    await until(async () => (await get(src.id)).status === "connected", 15_000, "connected through the environment's URL");
    const wrong = await callJson(one.PUT, { auth: bearer(t.secret), params: { id: src.id }, method: "PUT", body: { url: "nats://127.0.0.1:4222", stream: "S" } });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.details.map((d: { path: string }) => d.path)).toEqual(["url", "stream"]);
    await callJson(one.DELETE, { auth: bearer(t.secret), params: { id: src.id }, method: "DELETE" });
  });

  it("answers bad input with a 400 naming the field", async () => {
    const r = await callJson(sources.POST, { auth: bearer(t.secret), body: { name: "x", kind: "rabbitmq", url: "http://nope", queue: "" } });
    expect(r.status).toBe(400);
    expect(r.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["queue", "url"]);
    const n = await callJson(sources.POST, { auth: bearer(t.secret), body: { name: "x", kind: "nats", url: "nats://127.0.0.1:4222", stream: "a.b", subject: "s" } });
    expect(n.status).toBe(400);
    expect(n.json.error.details[0].path).toBe("stream");
  });
});

describe("NATS JetStream", () => {
  it("consumes through a durable pull consumer, dead-letters poison, counts lag", async () => {
    const stream = uniqueName("PW_TEST");
    const subject = `${stream.toLowerCase()}.events`;
    natsStreams.push(stream);
    const pub = await natsPublisher(stream, `${stream.toLowerCase()}.>`);
    for (let i = 0; i < 100; i++) await pub.publish(subject, JSON.stringify(track(`ns-${i % 10}`, i)));
    await pub.publish(subject, "{nope");
    await pub.publish(subject, Buffer.alloc(Math.min(pub.nc.info!.max_payload - 1024, 900 * 1024), "y"));
    await pub.publish(subject, JSON.stringify({ type: "teleport", userId: "x" }));
    for (let i = 0; i < 30; i++) await pub.publish(subject, JSON.stringify(track(`ns-${i % 10}`, i))); // duplicates
    // No messageId: the stream sequence names it.
    await pub.publish(subject, JSON.stringify({ batch: [{ type: "track", userId: "ns-batch", event: "Stream Test", properties: { n: 500 } }] }));

    const src = await create({ name: "Events stream", kind: "nats", url: NATS_URL, stream, subject: `${stream.toLowerCase()}.>`, prefetch: 40 });
    await until(async () => (await count(`SELECT count(*)::int AS n FROM events WHERE properties->>'n' IS NOT NULL AND profile_id IN (SELECT id FROM profiles WHERE user_id LIKE 'ns-%')`)) === 101, 30_000, "nats events");
    // Counters are flushed into the row every second.
    await until(async () => (await get(src.id)).failed === 3 && (await get(src.id)).consumed === 131, 10_000, "counted");
    const view = await get(src.id);
    expect(view.status).toBe("connected");
    expect(view.consumed).toBe(131);
    const reasons = (await callJson(deadLetters.GET, { auth: bearer(t.secret), params: { id: src.id }, path: "/x" })).json.deadLetters.map((d: { reason: string }) => d.reason).sort();
    expect(reasons).toEqual(["bad_json", "too_large", "validation"]);
    await until(async () => (await get(src.id)).lag === 0, 10_000, "lag reported as 0");

    // The durable consumer has nothing unacknowledged left.
    const jsm = await pub.nc.jetstreamManager();
    const ci = await jsm.consumers.info(stream, `pathwise-${src.id}`);
    expect(ci.num_ack_pending).toBe(0);
    expect(ci.num_pending).toBe(0);
    const tested = await callJson(test.POST, { auth: bearer(t.secret), params: { id: src.id }, method: "POST" });
    expect(tested.json).toMatchObject({ ok: true, lag: 0 });
    await callJson(one.DELETE, { auth: bearer(t.secret), params: { id: src.id }, method: "DELETE" });
    await pub.close();
  });

  it("reports a server that is not there", async () => {
    const src = await create({ name: "Down", kind: "nats", url: "nats://127.0.0.1:1", stream: "S", subject: "s" });
    await until(async () => (await get(src.id)).status === "error", 20_000, "error");
    expect((await get(src.id)).lastError).toMatch(/CONNECTION_REFUSED|ECONNREFUSED/i);
    await callJson(one.DELETE, { auth: bearer(t.secret), params: { id: src.id }, method: "DELETE" });
  });
});
