// Benchmark: events per second consumed from RabbitMQ and from NATS JetStream into the store, beside
// HTTP /batch ingestion in the same run and process (same store, same user pool, fresh messageIds).
// HTTP: the /batch route handler behind a bare node:http server (no Next page pipeline), batches of
// 100, 4 requests in flight. Brokers: one Segment message per broker message, published beforehand
// (publishing is not timed), consumed by one consumer with the default prefetch.
// Run: `npx tsx bench/streams.ts [events per run]` (PGlite in memory), or BENCH_PG=1 for a fresh database
// on the local PostgreSQL. Needs RabbitMQ on 127.0.0.1:5672 and NATS JetStream on 127.0.0.1:4222.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { openDb, useDbForTests as installDb, type Db } from "@/lib/db/client";
import { createPgDatabase } from "@/lib/testing/db";
import { createKey } from "@/lib/auth/keys";
import { createSource } from "@/lib/ingest/sources";
import { POST as batchRoute } from "@/app/api/v1/batch/route";
import { StreamConsumer, type RunnableSource } from "@/lib/streams/consumer";
import { ADAPTERS } from "@/lib/streams/manager";
import { DEFAULT_PREFETCH } from "@/lib/streams/config";
import { AMQP_URL, deleteNatsStream, deleteRabbitQueue, NATS_URL, natsPublisher, rabbitPublisher, uniqueName } from "@/lib/streams/test-brokers";

process.env.PATHWISE_RATE_LIMIT_WRITE = "off"; // measure ingestion, not the per-key throttle

const EVENTS = Number(process.argv[2] ?? process.env.BENCH_EVENTS ?? 10_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
const ON_PG = process.env.BENCH_PG === "1";
const BATCH = 100;
const USERS = 1_000;
const IN_FLIGHT = 4;
const NAMES = ["Page Viewed", "Product Viewed", "Added to Cart", "Order Completed", "Searched"];

let seq = 0;
function messages(): Array<Record<string, unknown>> {
  const tag = `s${seq++}`;
  const base = Date.now() - 3_600_000;
  return Array.from({ length: EVENTS }, (_, n) => ({
    type: "track",
    userId: `user-${(n * 7919) % USERS}`,
    event: NAMES[n % NAMES.length],
    properties: { sku: `SKU-${n % 50}`, price: (n % 100) + 0.5, category: n % 2 ? "shoes" : "hats" },
    context: { library: { name: "bench" }, ip: "10.0.0.1" },
    timestamp: new Date(base + n * 10).toISOString(),
    messageId: `${tag}-${n}`,
  }));
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The /batch route handler behind node:http. */
async function httpServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const request = new Request(`http://127.0.0.1${req.url}`, { method: "POST", headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
    const answer = await batchRoute(request);
    res.writeHead(answer.status, { "content-type": "application/json" });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

async function runHttp(url: string, key: string): Promise<number> {
  const all = messages();
  const bodies: string[] = [];
  for (let i = 0; i < all.length; i += BATCH) bodies.push(JSON.stringify({ batch: all.slice(i, i + BATCH) }));
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(`${url}/api/v1/batch`, { method: "POST", agent, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on("error", reject);
      req.end(body);
    });
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < bodies.length) await post(bodies[next++]);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return EVENTS / seconds;
}

/** Consumes EVENTS pre-published messages with one consumer; events/s from its start to the last one stored. */
async function consume(db: Db, source: RunnableSource): Promise<number> {
  const consumer = new StreamConsumer(db, source, ADAPTERS[source.kind]);
  const t0 = performance.now();
  consumer.start();
  while (consumer.tally.stored + consumer.tally.dead < EVENTS) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - t0) / 1000;
  if (consumer.tally.dead) throw new Error(`${consumer.tally.dead} dead letters`);
  await consumer.stop();
  return EVENTS / seconds;
}

async function runRabbit(db: Db): Promise<number> {
  const queue = uniqueName("pw_bench");
  const pub = await rabbitPublisher(queue);
  try {
    let n = 0;
    for (const m of messages()) {
      pub.publish(JSON.stringify(m));
      if (++n % 1000 === 0) await pub.flush();
    }
    await pub.flush();
    const { source } = await createSource(db, { name: queue, kind: "rabbitmq", url: AMQP_URL, queue, enabled: false });
    return await consume(db, { id: source.id, name: queue, kind: "rabbitmq", url: AMQP_URL, config: { queue } });
  } finally {
    await pub.close();
    await deleteRabbitQueue(queue).catch(() => undefined);
  }
}

async function runNats(db: Db): Promise<number> {
  const stream = uniqueName("PW_BENCH");
  const subject = `${stream.toLowerCase()}.e`;
  const pub = await natsPublisher(stream, subject);
  try {
    const all = messages();
    for (let i = 0; i < all.length; i += 500) await Promise.all(all.slice(i, i + 500).map((m) => pub.publish(subject, JSON.stringify(m))));
    const { source } = await createSource(db, { name: stream, kind: "nats", url: NATS_URL, stream, subject, enabled: false });
    return await consume(db, { id: source.id, name: stream, kind: "nats", url: NATS_URL, config: { stream, subject } });
  } finally {
    await pub.close();
    await deleteNatsStream(stream).catch(() => undefined);
  }
}

async function main() {
  let db: Db;
  let drop: (() => Promise<void>) | null = null;
  if (ON_PG) {
    const created = await createPgDatabase("pathwise_bench");
    drop = created.drop;
    db = await openDb({ databaseUrl: created.url, poolSize: 8 });
  } else {
    db = await openDb({ pglite: new PGlite() });
  }
  installDb(db);
  const key = (await createKey(db, { kind: "secret", name: "bench" })).key;
  const server = await httpServer();
  const store = ON_PG ? "PostgreSQL (local server)" : "PGlite (embedded, in memory)";
  const rates = { http: [] as number[], rabbitmq: [] as number[], nats: [] as number[] };
  try {
    await runHttp(server.url, key); // warm up: profiles exist, the JIT has seen the paths
    for (let i = 0; i < ROUNDS; i++) {
      rates.http.push(await runHttp(server.url, key));
      rates.rabbitmq.push(await runRabbit(db));
      rates.nats.push(await runNats(db));
      console.error(`round ${i + 1}: HTTP ${fmt(rates.http[i])}, RabbitMQ ${fmt(rates.rabbitmq[i])}, NATS ${fmt(rates.nats[i])} events/s`);
    }
    const h = median(rates.http);
    console.log(`\nStream sources on ${store}: ${fmt(EVENTS)} events per run, ${fmt(USERS)} users, ${ROUNDS} rounds (rows alternate within each round); 0 active flows`);
    console.log(`HTTP: /batch of ${BATCH} through the route handler on node:http, ${IN_FLIGHT} in flight. Brokers: 1 message each, prefetch ${DEFAULT_PREFETCH}, one consumer\n`);
    console.log("| source | events/s best | events/s median | vs HTTP /batch (median) |");
    console.log("|---|---:|---:|---:|");
    for (const [name, xs] of [["HTTP /batch", rates.http], ["RabbitMQ queue", rates.rabbitmq], ["NATS JetStream", rates.nats]] as const) {
      console.log(`| ${name} | ${fmt(Math.max(...xs))} | ${fmt(median(xs))} | ${(median(xs) / h).toFixed(2)}× |`);
    }
    const r = median(rates.rabbitmq) / h;
    const n = median(rates.nats) / h;
    console.log(`\ngoal: ≥ 0.8× the HTTP /batch rate → RabbitMQ ${r >= 0.8 ? "met" : "not met"} (${r.toFixed(2)}×), NATS ${n >= 0.8 ? "met" : "not met"} (${n.toFixed(2)}×)`);
  } finally {
    await server.close();
    await db.close();
    if (drop) await drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
