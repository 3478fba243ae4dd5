// Test helpers for the real brokers on this machine (RabbitMQ 127.0.0.1:5672 guest/guest, NATS with
// JetStream 127.0.0.1:4222; PATHWISE_TEST_AMQP / PATHWISE_TEST_NATS override): publishers, unique names, cleanup.
import { randomBytes } from "node:crypto";
import amqp from "amqplib";
import { connect, type NatsConnection } from "nats";

export const AMQP_URL = process.env.PATHWISE_TEST_AMQP ?? "amqp://guest:guest@127.0.0.1:5672";
export const NATS_URL = process.env.PATHWISE_TEST_NATS ?? "nats://127.0.0.1:4222";

export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(5).toString("hex")}`;

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, stepMs = 50) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

export type RabbitPublisher = { publish(body: string | Buffer, messageId?: string): void; flush(): Promise<void>; ready(queue: string): Promise<number>; close(): Promise<void> };

/** A confirm channel on its own connection; `ready` counts the queue's ready messages. */
export async function rabbitPublisher(queue: string): Promise<RabbitPublisher> {
  const conn = await amqp.connect(AMQP_URL);
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue(queue, { durable: true });
  return {
    publish(body, messageId) {
      ch.sendToQueue(queue, typeof body === "string" ? Buffer.from(body) : body, { persistent: true, ...(messageId ? { messageId } : {}) });
    },
    flush: () => ch.waitForConfirms(),
    ready: async (q) => (await ch.checkQueue(q)).messageCount,
    async close() {
      await conn.close().catch(() => undefined);
    },
  };
}

export async function deleteRabbitQueue(queue: string) {
  const conn = await amqp.connect(AMQP_URL);
  try {
    const ch = await conn.createChannel();
    await ch.deleteQueue(queue);
  } finally {
    await conn.close().catch(() => undefined);
  }
}

export type NatsPublisher = { nc: NatsConnection; publish(subject: string, body: string | Buffer): Promise<void>; close(): Promise<void> };

/** Creates the stream (capturing `subject`) and publishes with JetStream acknowledgements. */
export async function natsPublisher(stream: string, subject: string): Promise<NatsPublisher> {
  const nc = await connect({ servers: NATS_URL.replace(/^nats:\/\//, "") });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: stream, subjects: [subject] });
  const js = nc.jetstream();
  return {
    nc,
    async publish(subj, body) {
      await js.publish(subj, typeof body === "string" ? Buffer.from(body) : body);
    },
    async close() {
      await nc.close().catch(() => undefined);
    },
  };
}

export async function deleteNatsStream(stream: string) {
  const nc = await connect({ servers: NATS_URL.replace(/^nats:\/\//, "") });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => undefined);
  } finally {
    await nc.close().catch(() => undefined);
  }
}

/** A Segment track message. */
export const track = (userId: string, n: number, extra: Record<string, unknown> = {}) => ({ type: "track", userId, event: "Stream Test", properties: { n }, messageId: `m-${userId}-${n}`, ...extra });
