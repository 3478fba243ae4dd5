// One running consumer of one stream source in this process: connects (and reconnects with backoff),
// receives deliveries with a bounded prefetch, processes them in small groups through
// processDeliveries, and reports its status, the broker's last error and the lag for operators.
import type { Db } from "@/lib/db/client";
import { DEFAULT_PREFETCH, type StreamConfig, type StreamKind } from "./config";
import { processDeliveries, type Delivery } from "./process";

export type ConsumerStatus = "connecting" | "connected" | "error";

/** A source as a consumer needs it: the connection URL already unsealed (or read from the environment). */
export type RunnableSource = { id: string; name: string; kind: StreamKind; url: string; config: StreamConfig };

/** One broker connection; `closed` settles when it ends for any reason (with the broker's error if any). */
export type Session = {
  closed: Promise<Error | undefined>;
  close(): Promise<void>;
  /** Messages the broker still holds for this consumer, where it says. */
  lag(): Promise<number | null>;
};

export type Push = (d: Delivery) => void;

export type BrokerAdapter = {
  open(source: RunnableSource, prefetch: number, push: Push, room: () => Promise<void>): Promise<Session>;
};

/** How long a worker waits for a fuller group when fewer than a group's worth of messages are waiting. */
const LINGER_MS = Number(process.env.PATHWISE_STREAM_LINGER_MS ?? 5);
const MAX_BACKOFF_MS = Number(process.env.PATHWISE_STREAM_MAX_BACKOFF_MS ?? 30_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Pending = Delivery & { epoch: number };

export class StreamConsumer {
  status: ConsumerStatus = "connecting";
  lastError: string | null = null;
  lag: number | null = null;
  /** Deliveries stored and dead-lettered since the manager last collected them (for the metrics). */
  tally = { stored: 0, dead: 0 };
  onChange: () => void = () => undefined;

  private readonly prefetch: number;
  private readonly maxBatch: number;
  private readonly concurrency: number;
  /** Received, not yet taken by a worker. */
  private pending: Pending[] = [];
  /** Taken by a worker, not yet stored. */
  private inHand = 0;
  private workers = 0;
  private idle: Array<() => void> = [];
  private waiters: Array<() => void> = [];
  private epoch = 0;
  private stopped = false;
  private session: Session | null = null;
  private wakeLoop: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private lagTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    readonly source: RunnableSource,
    private readonly adapter: BrokerAdapter,
  ) {
    this.prefetch = source.config.prefetch ?? DEFAULT_PREFETCH;
    // PostgreSQL takes several transactions at once (one per pooled connection); PGlite has one connection.
    this.concurrency = Math.max(1, Number(process.env.PATHWISE_STREAM_CONCURRENCY ?? (db.kind === "pg" ? 4 : 1)));
    // Groups small enough that more keep arriving while some commit, at most 250 messages a transaction.
    this.maxBatch = Math.max(1, Math.min(250, Math.ceil(this.prefetch / (this.concurrency + 1))));
  }

  private set(status: ConsumerStatus, error?: string | null) {
    const changed = status !== this.status || (error !== undefined && error !== this.lastError);
    this.status = status;
    if (error !== undefined) this.lastError = error;
    if (changed) this.onChange();
  }

  start() {
    this.loop ??= this.run();
    return this;
  }

  private async run() {
    let backoff = 1000;
    while (!this.stopped) {
      this.set("connecting");
      const epoch = ++this.epoch;
      try {
        const session = await this.adapter.open(this.source, this.prefetch, (d) => this.push({ ...d, epoch }), () => this.room());
        if (this.stopped) {
          await session.close().catch(() => undefined);
          break;
        }
        this.session = session;
        this.set("connected", null);
        backoff = 1000;
        this.pollLag();
        const stop = new Promise<"stop">((r) => (this.wakeLoop = () => r("stop")));
        const why = await Promise.race([session.closed, stop]);
        if (why !== "stop") this.set("error", why ? why.message : "The broker closed the connection");
      } catch (err) {
        this.set("error", (err as Error).message || String(err));
      } finally {
        if (this.lagTimer) clearInterval(this.lagTimer);
        this.lagTimer = null;
        const s = this.session;
        this.session = null;
        // Work in hand finishes (and is acknowledged) before the connection goes.
        if (this.stopped) await this.whenIdle();
        await s?.close().catch(() => undefined);
      }
      // Deliveries of a closed connection come back from the broker to whoever consumes next.
      this.pending = this.pending.filter((p) => p.epoch !== epoch);
      this.release();
      if (this.stopped) break;
      await Promise.race([sleep(backoff * (0.8 + Math.random() * 0.4)), new Promise<void>((r) => (this.wakeLoop = r))]);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  private pollLag() {
    const read = () =>
      this.session
        ?.lag()
        .then((n) => (this.lag = n))
        .catch(() => undefined);
    void read();
    this.lagTimer = setInterval(read, Number(process.env.PATHWISE_STREAM_LAG_MS ?? 5000));
    this.lagTimer.unref?.();
  }

  private push(d: Pending) {
    this.pending.push(d);
    if (this.workers < this.concurrency) void this.work();
  }

  /** Resolves once fewer than `prefetch` deliveries wait here (adapters that pull call it first). */
  private room(): Promise<void> {
    if (this.pending.length + this.inHand < this.prefetch || this.stopped) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  private release() {
    if (this.pending.length + this.inHand >= this.prefetch && !this.stopped) return;
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  private whenIdle(): Promise<void> {
    return this.workers === 0 ? Promise.resolve() : new Promise((r) => this.idle.push(r));
  }

  /** One of up to `concurrency` workers: takes a group, stores it, until nothing waits. */
  private async work() {
    this.workers++;
    try {
      while (this.pending.length) {
        // Deliveries trickle in from the socket: wait a moment for a fuller group, as group commit does —
        // fewer, larger transactions store more per second.
        for (let waited = 0; this.pending.length < this.maxBatch && waited < LINGER_MS && !this.stopped; waited++) await sleep(1);
        const group = this.pending.splice(0, this.maxBatch);
        if (!group.length) break;
        this.inHand += group.length;
        try {
          await this.store(group);
        } finally {
          this.inHand -= group.length;
          this.release();
        }
      }
    } finally {
      this.workers--;
      if (this.workers === 0) {
        const w = this.idle;
        this.idle = [];
        for (const r of w) r();
      }
    }
  }

  private async store(group: Pending[]) {
    let backoff = 200;
    for (;;) {
      // A connection that closed meanwhile took its deliveries back: the broker hands them out again.
      const live = group.filter((p) => p.epoch === this.epoch);
      if (!live.length) return;
      try {
        const out = await processDeliveries(this.db, this.source.id, live);
        this.tally.stored += out.stored;
        this.tally.dead += out.dead;
        // Counted right after the commit (not in it: the ingestion entry owns its transaction), so a kill
        // between the two loses at most this group's count, never an event.
        await this.db.sql
          .query(`UPDATE sources SET consumed_count = consumed_count + $2, failed_count = failed_count + $3, last_received_at = now() WHERE id = $1`, [this.source.id, out.stored, out.dead])
          .catch(() => undefined);
        if (this.lastError?.startsWith("Database: ") && this.status === "connected") this.set("connected", null);
        return;
      } catch (err) {
        // The store failed (database down, a lost race): nothing was acknowledged; try the same group again.
        if (this.status === "connected") this.set("connected", `Database: ${(err as Error).message}`);
        if (this.stopped) return;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }

  /** Stops consuming: work in hand is finished and acknowledged, the rest returns to the broker. */
  async stop() {
    if (this.stopped) return;
    this.stopped = true;
    this.wakeLoop?.();
    this.release();
    await this.loop;
  }
}
