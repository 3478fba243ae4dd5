// NATS JetStream through the `nats` package: one durable pull consumer per source, shared by every
// instance (each pulls its own bounded share), explicit acknowledgement; a message left unacknowledged
// by a dead instance is redelivered after the ack wait to whichever instance pulls next.
import { AckPolicy, connect, nanos, type ConnectionOptions, type NatsConnection } from "nats";
import type { BrokerAdapter, RunnableSource, Session } from "./consumer";

const CONNECT_TIMEOUT_MS = 10_000;
/** How long JetStream waits for an ack before redelivering (PATHWISE_NATS_ACK_WAIT_MS, default 30 s). */
const ackWaitMs = () => Number(process.env.PATHWISE_NATS_ACK_WAIT_MS ?? 30_000);

/** Server and credentials from a nats:// URL (user:password, or a token where the user would be). */
export function natsOptions(url: string): ConnectionOptions {
  const u = new URL(url);
  const opts: ConnectionOptions = { servers: `${u.hostname.includes(":") ? `[${u.hostname}]` : u.hostname}:${u.port || 4222}`, timeout: CONNECT_TIMEOUT_MS, reconnect: false, name: "pathwise" };
  if (u.protocol === "tls:") opts.tls = {};
  if (u.username && u.password) {
    opts.user = decodeURIComponent(u.username);
    opts.pass = decodeURIComponent(u.password);
  } else if (u.username) opts.token = decodeURIComponent(u.username);
  return opts;
}

export const durableName = (sourceId: string) => `pathwise-${sourceId}`.replace(/[^A-Za-z0-9_-]/g, "_");

const isNotFound = (err: unknown) => /not found|404|10059|10014/i.test(String((err as Error)?.message ?? err));

async function ensureConsumer(nc: NatsConnection, source: RunnableSource, prefetch: number) {
  const { stream, subject } = source.config as { stream: string; subject: string };
  const jsm = await nc.jetstreamManager();
  try {
    await jsm.streams.info(stream);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    // A missing stream is created to capture the subject, so messages published from now on are kept.
    await jsm.streams.add({ name: stream, subjects: [subject] }).catch(async (e) => {
      // Another instance created it meanwhile.
      if (!/already in use|exists/i.test(String(e))) throw e;
    });
  }
  const durable = durableName(source.id);
  const config = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    filter_subject: subject,
    ack_wait: nanos(ackWaitMs()),
    // Shared by all instances: at most this many messages are out unacknowledged at once.
    max_ack_pending: Math.max(1000, prefetch * 8),
  };
  try {
    const info = await jsm.consumers.info(stream, durable);
    if (info.config.filter_subject !== subject || info.config.ack_wait !== config.ack_wait) await jsm.consumers.update(stream, durable, { filter_subject: subject, ack_wait: config.ack_wait });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.consumers.add(stream, config);
  }
  return { stream, durable };
}

export const natsAdapter: BrokerAdapter = {
  async open(source: RunnableSource, prefetch, push, room): Promise<Session> {
    const nc = await connect(natsOptions(source.url));
    try {
      const { stream, durable } = await ensureConsumer(nc, source, prefetch);
      const js = nc.jetstream();
      const consumer = await js.consumers.get(stream, durable);
      const messages = await consumer.consume({ max_messages: prefetch });
      let settle: (e: Error | undefined) => void = () => undefined;
      const closed = new Promise<Error | undefined>((r) => (settle = r));
      void nc.closed().then((e) => settle(e ?? new Error("The NATS connection closed")));
      void (async () => {
        try {
          for await (const m of messages) {
            push({ body: Buffer.from(m.data), brokerId: `nats:${stream}:${m.seq}`, ack: () => m.ack() });
            await room();
          }
          settle(new Error("The JetStream consumer stopped delivering"));
        } catch (err) {
          settle(err as Error);
        }
      })();
      return {
        closed,
        close: async () => {
          messages.stop();
          // Acks already given are flushed before the connection goes.
          await nc.drain().catch(() => nc.close());
        },
        lag: async () => {
          const info = await consumer.info();
          return info.num_pending;
        },
      };
    } catch (err) {
      await nc.close().catch(() => undefined);
      throw err;
    }
  },
};

/** Connection test: reaches the server, the stream and (if it exists yet) the durable consumer. */
export async function testNats(url: string, sourceId: string | null, stream: string): Promise<{ ok: true; message: string; lag: number }> {
  const nc = await connect(natsOptions(url));
  try {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(stream).catch((err) => {
      if (isNotFound(err)) return null;
      throw err;
    });
    if (!info) return { ok: true, message: `Connected; stream "${stream}" does not exist yet and will be created when consuming starts`, lag: 0 };
    const c = sourceId ? await jsm.consumers.info(stream, durableName(sourceId)).catch(() => null) : null;
    const lag = c ? c.num_pending : info.state.messages;
    return { ok: true, message: `Connected; stream "${stream}" holds ${info.state.messages} message(s)${c ? `, ${c.num_pending} not yet delivered to Pathwise` : ""}`, lag };
  } finally {
    await nc.close().catch(() => undefined);
  }
}
