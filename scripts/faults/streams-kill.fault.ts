// Fault test: 20,000 Segment messages wait in a RabbitMQ queue (and, apart, in a NATS JetStream
// stream); consuming workers (`npm run worker`, two at once) are killed with SIGKILL twice mid-stream
// and restarted. Every message must be stored exactly once, and none may be left unacknowledged:
// after a clean stop the queue is empty and the durable consumer has nothing pending.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDb, type Db } from "@/lib/db/client";
import { createPgDatabase } from "@/lib/testing/db";
import { createSource } from "@/lib/ingest/sources";
import { clearSourcesKeyCache } from "@/lib/streams/seal";
import { durableName } from "@/lib/streams/nats";
import { AMQP_URL, deleteNatsStream, deleteRabbitQueue, NATS_URL, natsPublisher, rabbitPublisher, uniqueName, until } from "@/lib/streams/test-brokers";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const TOTAL = 20_000;
const USERS = 500;

let db: Db;
let drop: () => Promise<void>;
let url = "";
const workers: ChildProcess[] = [];
const cleanup: Array<() => Promise<void>> = [];

function startWorker(): ChildProcess {
  const child = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/worker.ts"], {
    cwd: ROOT,
    detached: true, // its own process group: the kill reaches tsx's child node process too
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DATABASE_URL: url, DATABASE_POOL_SIZE: "4", PATHWISE_STREAM_POLL_MS: "200", PATHWISE_NATS_ACK_WAIT_MS: "3000", PATHWISE_STREAM_MAX_BACKOFF_MS: "2000" },
  });
  child.stderr?.on("data", (d: Buffer) => process.stderr.write(`[worker] ${d}`));
  workers.push(child);
  return child;
}

async function kill(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL") {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid, signal);
  } catch {
    return;
  }
  await exited;
}

const stored = async () => (await db.sql.query<{ n: number; d: number }>(`SELECT count(*)::int AS n, count(DISTINCT message_id)::int AS d FROM events WHERE name = 'Fault Test'`))[0];

const message = (tag: string, i: number) =>
  JSON.stringify({ type: "track", userId: `${tag}-u${(i * 7919) % USERS}`, event: "Fault Test", properties: { i }, messageId: `${tag}-${i}`, timestamp: new Date(Date.UTC(2026, 0, 1) + i).toISOString() });

/** Two workers consume; one is killed at a quarter, a new one starts; another is killed at 60%; a last one finishes. */
async function killTwiceAndFinish(what: string) {
  const a = startWorker();
  const b = startWorker();
  await until(async () => (await stored()).n >= TOTAL * 0.25, 120_000, `${what}: a quarter stored`);
  const atFirst = (await stored()).n;
  await kill(a);
  const c = startWorker();
  await until(async () => (await stored()).n >= TOTAL * 0.6, 120_000, `${what}: 60% stored`);
  const atSecond = (await stored()).n;
  await kill(b);
  await until(async () => (await stored()).n >= TOTAL, 180_000, `${what}: all stored`);
  // A clean stop hands back anything unacknowledged (there should be nothing).
  await kill(c, "SIGTERM");
  expect(atFirst).toBeLessThan(TOTAL);
  expect(atSecond).toBeLessThan(TOTAL);
  return { atFirst, atSecond };
}

beforeAll(async () => {
  clearSourcesKeyCache();
  ({ url, drop } = await createPgDatabase("pathwise_fault"));
  db = await openDb({ databaseUrl: url, poolSize: 4 });
});

afterAll(async () => {
  for (const w of workers) await kill(w);
  for (const c of cleanup) await c().catch(() => undefined);
  await db?.close();
  await drop?.();
  clearSourcesKeyCache();
});

it("RabbitMQ: 20,000 messages, two SIGKILLs of consuming workers: each stored once, none left unacknowledged", async () => {
  const queue = uniqueName("pw_fault");
  cleanup.push(() => deleteRabbitQueue(queue));
  const pub = await rabbitPublisher(queue);
  for (let i = 0; i < TOTAL; i++) {
    pub.publish(message("rq", i));
    if (i % 1000 === 999) await pub.flush();
  }
  await pub.flush();
  expect(await pub.ready(queue)).toBe(TOTAL);
  await pub.close();
  await createSource(db, { name: "Fault queue", kind: "rabbitmq", url: AMQP_URL, queue, enabled: true, prefetch: 200 });
  const { atFirst, atSecond } = await killTwiceAndFinish("rabbitmq");
  expect(await stored()).toEqual({ n: TOTAL, d: TOTAL });
  const check = await rabbitPublisher(queue);
  expect(await check.ready(queue)).toBe(0);
  await check.close();
  console.log(`[fault] rabbitmq: killed at ${atFirst} and ${atSecond} of ${TOTAL}; ${TOTAL} stored once, queue empty`);
  await db.sql.query(`DELETE FROM sources`);
  await db.sql.query(`DELETE FROM events`);
});

it("NATS JetStream: 20,000 messages, two SIGKILLs of consuming workers: each stored once, nothing pending", async () => {
  const stream = uniqueName("PW_FAULT");
  const subject = `${stream.toLowerCase()}.events`;
  cleanup.push(() => deleteNatsStream(stream));
  const pub = await natsPublisher(stream, subject);
  for (let i = 0; i < TOTAL; i += 500) await Promise.all(Array.from({ length: 500 }, (_, k) => pub.publish(subject, message("ns", i + k))));
  const src = await createSource(db, { name: "Fault stream", kind: "nats", url: NATS_URL, stream, subject, enabled: true, prefetch: 200 });
  const { atFirst, atSecond } = await killTwiceAndFinish("nats");
  expect(await stored()).toEqual({ n: TOTAL, d: TOTAL });
  const jsm = await pub.nc.jetstreamManager();
  const info = await jsm.consumers.info(stream, durableName(src.source.id));
  expect(info.num_pending).toBe(0);
  // Acks of the last batch may still be on their way when the worker stops.
  await until(async () => (await jsm.consumers.info(stream, durableName(src.source.id))).num_ack_pending === 0, 10_000, "no unacknowledged message");
  console.log(`[fault] nats: killed at ${atFirst} and ${atSecond} of ${TOTAL}; ${TOTAL} stored once, nothing pending`);
  await pub.close();
});
