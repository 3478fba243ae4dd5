// A fair share of this instance's request slots between API keys: at most `slots` write-path requests
// (ingestion, /decide, /outcomes) run at once; when they are all taken, waiting requests are let in
// one key at a time in turn (round robin), so a key that floods waits behind itself while another
// key's request gets the next free slot. A key with `maxQueue` requests already waiting gets 429.
// Per instance, in memory (the slots stand for this process's database connections).
import { ApiError } from "./errors";

type Waiter = { resolve: (release: () => void) => void };

export class FairGate {
  private running = 0;
  private queues = new Map<string, Waiter[]>();
  /** Keys with waiters, in turn order. */
  private turn: string[] = [];

  constructor(
    readonly slots: number,
    readonly maxQueue: number,
  ) {}

  /** Resolves with a release function once the caller may run; throws 429 when its queue is full. */
  acquire(key: string): Promise<() => void> {
    if (this.running < this.slots && this.turn.length === 0) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    const q = this.queues.get(key) ?? [];
    if (q.length >= this.maxQueue) {
      return Promise.reject(
        new ApiError(429, "rate_limited", "Too many requests of this key are waiting; slow down and retry", [{ budget: "concurrency", retryAfter: 1 }], { "retry-after": "1" }),
      );
    }
    if (!q.length) {
      this.queues.set(key, q);
      this.turn.push(key);
    }
    return new Promise((resolve) => q.push({ resolve }));
  }

  /** Requests running and waiting, for tests and metrics. */
  get stats() {
    let waiting = 0;
    for (const q of this.queues.values()) waiting += q.length;
    return { running: this.running, waiting, keysWaiting: this.turn.length };
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.running--;
      this.next();
    };
  }

  private next() {
    while (this.running < this.slots && this.turn.length) {
      const key = this.turn.shift()!;
      const q = this.queues.get(key)!;
      const w = q.shift()!;
      if (q.length) this.turn.push(key); // back of the line: the other keys go first
      else this.queues.delete(key);
      this.running++;
      w.resolve(this.releaser());
    }
  }
}

const holder = globalThis as unknown as { __pathwiseFairGate?: FairGate };

/** The process's gate: PATHWISE_WRITE_SLOTS (default 16) slots, 256 waiting per key. */
export function fairGate(): FairGate {
  holder.__pathwiseFairGate ??= new FairGate(Math.max(1, Number(process.env.PATHWISE_WRITE_SLOTS) || 16), 256);
  return holder.__pathwiseFairGate;
}

export function resetFairGate(gate?: FairGate) {
  holder.__pathwiseFairGate = gate;
}

/** Runs fn inside a slot of the caller's share. */
export async function withFairShare<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const release = await fairGate().acquire(key);
  try {
    return await fn();
  } finally {
    release();
  }
}
