// Starts and stops this process's stream consumers to match the sources table (created, paused,
// resumed, changed, deleted — by this instance or another), writes their status and lag as a
// heartbeat, and exports per-source metrics (the sources' counters are kept by the consumers).
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Db } from "@/lib/db/client";
import { metrics } from "@/lib/http/metrics";
import { isStreamKind, STREAM_KINDS, type StreamConfig, type StreamKind } from "./config";
import { StreamConsumer, type BrokerAdapter, type RunnableSource } from "./consumer";
import { rabbitAdapter } from "./rabbitmq";
import { natsAdapter } from "./nats";
import { sourcesKey, unseal } from "./seal";

export const ADAPTERS: Record<StreamKind, BrokerAdapter> = { rabbitmq: rabbitAdapter, nats: natsAdapter };

type SourceRow = { id: string; name: string; kind: string; config: StreamConfig; credentials: string | null; enabled: boolean; updated_at: Date };

/** The connection URL of a stored stream source: unsealed, or read from the environment variable it names. */
export async function connectionUrl(db: Db, row: { config: StreamConfig; credentials: string | null }): Promise<string> {
  if (row.config.urlEnv) {
    const v = process.env[row.config.urlEnv];
    if (!v) throw new Error(`The environment variable ${row.config.urlEnv} is not set on this instance`);
    return v;
  }
  if (!row.credentials) throw new Error("This source has no connection URL");
  try {
    return unseal(await sourcesKey(db.sql), row.credentials);
  } catch {
    throw new Error("The stored connection URL cannot be decrypted: PATHWISE_SOURCES_KEY differs from the key it was saved with");
  }
}

export type StreamsHandle = { instance: string; reconcile(): Promise<void>; stop(): Promise<void>; consumers(): StreamConsumer[] };

const holder = globalThis as unknown as { __pathwiseStreams?: StreamsHandle };


/** Starts the stream consumers of this process (once); `npm start` and `npm run worker` call it at boot. */
export function startStreams(db: Db, opts: { pollMs?: number; heartbeatMs?: number } = {}): StreamsHandle {
  if (holder.__pathwiseStreams) return holder.__pathwiseStreams;
  const instance = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const pollMs = opts.pollMs ?? Number(process.env.PATHWISE_STREAM_POLL_MS ?? 2000);
  const heartbeatMs = opts.heartbeatMs ?? 5000;
  const running = new Map<string, { consumer: StreamConsumer; version: number }>();
  let stopped = false;
  let reconciling: Promise<void> | null = null;
  const m = metrics();
  const msgs = m.counter("pathwise_source_messages_total", "Stream source messages by outcome (stored, dead_letter)", ["source", "kind", "outcome"]);
  const lagGauge = m.gauge("pathwise_source_lag", "Messages the broker still holds for the source's consumer", ["source", "kind"]);
  const upGauge = m.gauge("pathwise_source_connected", "1 while this instance is connected to the source's broker", ["source", "kind"]);

  const writeStatus = async (c: StreamConsumer) => {
    if (stopped && !running.has(c.source.id)) return;
    await db.sql
      .query(
        `INSERT INTO source_consumers (source_id, instance, status, last_error, lag, heartbeat_at) VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (source_id, instance) DO UPDATE SET status = EXCLUDED.status, last_error = EXCLUDED.last_error, lag = EXCLUDED.lag, heartbeat_at = now()`,
        [c.source.id, instance, c.status, c.lastError, c.lag],
      )
      .catch(() => undefined); // the source was deleted meanwhile (foreign key), or the database is away
  };

  /** Moves this process's tallies into the sources' counters and the metrics. */
  const flush = async () => {
    for (const { consumer: c } of running.values()) {
      const { stored, dead } = c.tally;
      const labels = { source: c.source.id, kind: c.source.kind };
      upGauge.set(labels, c.status === "connected" ? 1 : 0);
      if (c.lag !== null) lagGauge.set(labels, c.lag);
      if (!stored && !dead) continue;
      c.tally = { stored: 0, dead: 0 };
      if (stored) msgs.inc({ ...labels, outcome: "stored" }, stored);
      if (dead) msgs.inc({ ...labels, outcome: "dead_letter" }, dead);
    }
  };

  const stopOne = async (id: string) => {
    const r = running.get(id);
    if (!r) return;
    running.delete(id);
    await r.consumer.stop();
    const { stored, dead } = r.consumer.tally;
    const labels = { source: id, kind: r.consumer.source.kind };
    if (stored) msgs.inc({ ...labels, outcome: "stored" }, stored);
    if (dead) msgs.inc({ ...labels, outcome: "dead_letter" }, dead);
    await db.sql.query(`DELETE FROM source_consumers WHERE source_id = $1 AND instance = $2`, [id, instance]).catch(() => undefined);
    upGauge.set({ source: id, kind: r.consumer.source.kind }, 0);
  };

  const reconcileNow = async () => {
    const rows = await db.sql.query<SourceRow>(`SELECT id, name, kind, config, credentials, enabled, updated_at FROM sources WHERE kind = ANY($1::text[])`, [STREAM_KINDS]);
    const wanted = new Map(rows.filter((r) => r.enabled && isStreamKind(r.kind)).map((r) => [r.id, r]));
    for (const [id, r] of running) {
      const w = wanted.get(id);
      if (!w || w.updated_at.getTime() !== r.version) await stopOne(id);
    }
    for (const [id, row] of wanted) {
      if (stopped || running.has(id)) continue;
      const kind = row.kind as StreamKind;
      let url: string;
      const source = { id, name: row.name, kind, config: row.config } as RunnableSource;
      try {
        url = await connectionUrl(db, row);
      } catch (err) {
        // Reported like a broker refusing us; tried again at the next reconcile.
        const failed = new StreamConsumer(db, { ...source, url: "" }, ADAPTERS[kind]);
        failed.status = "error";
        failed.lastError = (err as Error).message;
        await writeStatus(failed);
        continue;
      }
      const consumer = new StreamConsumer(db, { ...source, url }, ADAPTERS[kind]);
      consumer.onChange = () => void writeStatus(consumer);
      running.set(id, { consumer, version: row.updated_at.getTime() });
      consumer.start();
      await writeStatus(consumer);
    }
  };

  const reconcile = () => {
    reconciling ??= reconcileNow()
      .catch((err) => console.error("[streams] reconcile failed:", (err as Error).message))
      .finally(() => (reconciling = null));
    return reconciling;
  };

  const poll = setInterval(() => void reconcile(), pollMs);
  const beat = setInterval(() => {
    void flush();
    for (const { consumer } of running.values()) void writeStatus(consumer);
  }, heartbeatMs);
  const counters = setInterval(() => void flush(), 1000);
  for (const t of [poll, beat, counters]) t.unref?.();
  void reconcile();

  const handle: StreamsHandle = {
    instance,
    reconcile,
    consumers: () => [...running.values()].map((r) => r.consumer),
    async stop() {
      stopped = true;
      for (const t of [poll, beat, counters]) clearInterval(t);
      await reconciling;
      await flush();
      await Promise.all([...running.keys()].map(stopOne));
      holder.__pathwiseStreams = undefined;
    },
  };
  holder.__pathwiseStreams = handle;
  return handle;
}

/** Asks this process's consumers to catch up with the sources table now (after a create, pause, resume). */
export function reconcileStreams(): Promise<void> {
  return holder.__pathwiseStreams?.reconcile() ?? Promise.resolve();
}

export function streamsRunning(): StreamsHandle | undefined {
  return holder.__pathwiseStreams;
}
