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

const MAX_BACKOFF_MS = Number(process.env.PATHWISE_STREAM_MAX_BACKOFF_MS ?? 30_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Pending = Delivery & { epoch: number };

export class StreamConsumer {
  status: ConsumerStatus = "connecting";
  lastError: string | null = null;
  lag: number | null = null;
  /** Deliveries stored and dead-lettered since the manager last collected them. */
  tally = { stored: 0, dead: 0 };
  onChange: () => void = () => undefined;

  private readonly prefetch: number;
  private readonly maxBatch: number;
  private pending: Pending[] = [];
  private draining: Promise<void> | null = null;
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
    // Half the prefetch per transaction: the other half keeps arriving while one group commits.
    this.maxBatch = Math.max(1, Math.ceil(this.prefetch / 2));
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
        if (this.stopped) await this.draining;
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
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
      if (this.pending.length && !this.stopped) this.draining = this.drain();
    });
  }

  /** Resolves once fewer than `prefetch` deliveries wait here (adapters that pull call it first). */
  private room(): Promise<void> {
    if (this.pending.length < this.prefetch || this.stopped) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  private release() {
    if (this.pending.length >= this.prefetch && !this.stopped) return;
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  private async drain() {
    // Let deliveries that arrived together be taken together.
    await new Promise((r) => setImmediate(r));
    let backoff = 200;
    while (this.pending.length) {
      const group = this.pending.slice(0, this.maxBatch);
      try {
        const out = await processDeliveries(this.db, this.source.id, group);
        this.tally.stored += out.stored;
        this.tally.dead += out.dead;
        this.pending.splice(0, group.length);
        backoff = 200;
        if (this.lastError?.startsWith("Database: ") && this.status === "connected") this.set("connected", null);
        this.release();
      } catch (err) {
        // The store failed (database down, a lost race): nothing was acknowledged; try the same group again.
        if (this.status === "connected") this.set("connected", `Database: ${(err as Error).message}`);
        if (this.stopped) return;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
        // A connection that closed meanwhile took its deliveries back.
        this.pending = this.pending.filter((p) => p.epoch === this.epoch);
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
