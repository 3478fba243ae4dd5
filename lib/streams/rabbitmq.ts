// RabbitMQ through amqplib: one connection and channel per consuming instance, manual acknowledgement
// with a bounded prefetch, competing consumers on one queue (the broker hands each message to one
// instance and gives a dead connection's unacknowledged messages to the others).
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from "amqplib";
import type { BrokerAdapter, RunnableSource, Session } from "./consumer";
import { contentId } from "./process";

const CONNECT_TIMEOUT_MS = 10_000;

async function connect(url: string): Promise<ChannelModel> {
  return amqp.connect(url, { timeout: CONNECT_TIMEOUT_MS, clientProperties: { connection_name: "pathwise" } });
}

/**
 * The queue is declared durable if it is missing (so messages published before the first consumer
 * are kept); an existing queue declared with other arguments is used as it is.
 */
async function ensureQueue(conn: ChannelModel, ch: Channel, queue: string): Promise<{ ch: Channel; messageCount: number }> {
  try {
    const q = await ch.assertQueue(queue, { durable: true });
    return { ch, messageCount: q.messageCount };
  } catch (err) {
    if (!/PRECONDITION_FAILED|406/.test((err as Error).message)) throw err;
    const again = await conn.createChannel();
    const q = await again.checkQueue(queue);
    return { ch: again, messageCount: q.messageCount };
  }
}

/**
 * Acknowledges many deliveries with one frame: once every delivery up to a tag is stored, that tag is
 * acknowledged with `multiple` (never past one still in work, since groups finish out of order).
 */
export class AckBatcher {
  private outstanding: number[] = [];
  private head = 0;
  private finished = new Set<number>();
  private scheduled = false;
  constructor(private readonly ackUpTo: (tag: number) => void) {}

  received(tag: number) {
    this.outstanding.push(tag);
  }

  done(tag: number) {
    this.finished.add(tag);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush() {
    this.scheduled = false;
    let last = -1;
    while (this.head < this.outstanding.length && this.finished.has(this.outstanding[this.head])) {
      last = this.outstanding[this.head];
      this.finished.delete(last);
      this.head++;
    }
    if (this.head > 1024) {
      this.outstanding = this.outstanding.slice(this.head);
      this.head = 0;
    }
    if (last >= 0) this.ackUpTo(last);
  }
}

export const rabbitAdapter: BrokerAdapter = {
  async open(source: RunnableSource, prefetch, push): Promise<Session> {
    const queue = source.config.queue!;
    const conn = await connect(source.url);
    let settle: (e: Error | undefined) => void = () => undefined;
    const closed = new Promise<Error | undefined>((r) => (settle = r));
    let lastError: Error | undefined;
    conn.on("error", (e: Error) => (lastError = e));
    conn.on("close", (e?: Error) => settle(e ?? lastError));
    try {
      const first = await conn.createChannel();
      const { ch } = await ensureQueue(conn, first, queue);
      ch.on("error", (e: Error) => (lastError = e));
      // A channel closed by the broker (queue deleted, an ack it refused) ends the session too.
      ch.on("close", () => settle(lastError ?? new Error(`The channel on queue "${queue}" was closed`)));
      await ch.prefetch(prefetch);
      const acks = new AckBatcher((tag) => {
        try {
          ch.ack({ fields: { deliveryTag: tag } } as ConsumeMessage, true);
        } catch {
          // The channel is gone: the broker redelivers those messages and their messageIds make that harmless.
        }
      });
      await ch.consume(
        queue,
        (msg: ConsumeMessage | null) => {
          if (!msg) {
            settle(new Error(`The broker cancelled the consumer of queue "${queue}" (deleted?)`));
            return;
          }
          const id = msg.properties.messageId ? `amqp:${String(msg.properties.messageId)}` : contentId(msg.content);
          const tag = msg.fields.deliveryTag;
          acks.received(tag);
          push({ body: msg.content, brokerId: id, ack: () => acks.done(tag) });
        },
        { noAck: false },
      );
      return {
        closed,
        close: async () => {
          await conn.close().catch(() => undefined);
        },
        lag: async () => (await ch.checkQueue(queue)).messageCount,
      };
    } catch (err) {
      await conn.close().catch(() => undefined);
      throw err;
    }
  },
};

/** Connection test: reaches the broker and the queue; returns the messages waiting in it. */
export async function testRabbit(url: string, queue: string): Promise<{ ok: true; message: string; lag: number }> {
  const conn = await connect(url);
  try {
    conn.on("error", () => undefined);
    const ch = await conn.createChannel();
    ch.on("error", () => undefined);
    const q = await ch.checkQueue(queue).catch(async (err: Error) => {
      if (/NOT_FOUND|404/.test(err.message)) return null;
      throw err;
    });
    if (!q) return { ok: true, message: `Connected; queue "${queue}" does not exist yet and will be declared (durable) when consuming starts`, lag: 0 };
    return { ok: true, message: `Connected; queue "${queue}" holds ${q.messageCount} ready message(s) and has ${q.consumerCount} consumer(s)`, lag: q.messageCount };
  } finally {
    await conn.close().catch(() => undefined);
  }
}
