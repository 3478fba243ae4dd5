// The outgoing message queue: batches messages, retries with exponential backoff and jitter, keeps
// unsent messages in localStorage (bounded) so they survive going offline and leaving the page.
import type { Message } from "./types";
import { load, save } from "./storage";

export type SendResult = "ok" | "retry" | "drop";

export type QueueOptions = {
  storageKey: string;
  batchSize: number;
  flushInterval: number;
  maxQueue: number;
  send(batch: Message[], keepalive: boolean): Promise<SendResult>;
  /** Bytes one request may carry; the server refuses batches over 500 KB. */
  maxBytes?: number;
  baseBackoff?: number;
  maxBackoff?: number;
  random?: () => number;
};

/** One message over this is refused by the server (413), so it is dropped here instead of retried forever. */
export const MAX_MESSAGE_BYTES = 32 * 1024;

export function backoff(attempt: number, base: number, max: number, random: () => number): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  // "Equal jitter": at least half the delay, so many clients that failed together spread out.
  return Math.round(exp / 2 + (random() * exp) / 2);
}

const size = (m: Message) => JSON.stringify(m).length;

export class Queue {
  items: Message[];
  attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private o: Required<QueueOptions>;

  constructor(opts: QueueOptions) {
    this.o = { maxBytes: 400 * 1024, baseBackoff: 1000, maxBackoff: 60_000, random: Math.random, ...opts };
    const stored = load<Message[]>(this.o.storageKey);
    this.items = Array.isArray(stored) ? stored.slice(-this.o.maxQueue) : [];
  }

  push(msg: Message): void {
    if (size(msg) > MAX_MESSAGE_BYTES) {
      console.warn(`[pathwise] dropped a ${msg.type} message over 32 KB`);
      return;
    }
    this.items.push(msg);
    if (this.items.length > this.o.maxQueue) this.items.splice(0, this.items.length - this.o.maxQueue);
    this.persist();
    if (this.items.length >= this.o.batchSize && this.attempt === 0) void this.flush();
    else this.schedule(this.attempt ? backoff(this.attempt, this.o.baseBackoff, this.o.maxBackoff, this.o.random) : this.o.flushInterval);
  }

  /** Sends everything queued now; resolves when the queue is empty or a send failed (then a retry is scheduled). */
  flush(): Promise<void> {
    if (this.running) return this.running.then(() => (this.items.length && !this.attempt ? this.flush() : undefined));
    this.clearTimer();
    this.running = this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The page is going away: send what is left with keepalive, and keep it stored until it is confirmed. */
  flushOnExit(): void {
    this.clearTimer();
    for (const chunk of this.chunks(this.items, 60 * 1024)) {
      void this.o.send(chunk, true).then((r) => {
        if (r !== "retry") this.remove(chunk);
      }, () => undefined);
    }
  }

  private async drain(): Promise<void> {
    while (this.items.length) {
      if (typeof navigator !== "undefined" && navigator.onLine === false) return; // the "online" event flushes
      const [chunk] = this.chunks(this.items, this.o.maxBytes);
      let result: SendResult;
      try {
        result = await this.o.send(chunk, false);
      } catch {
        result = "retry";
      }
      if (result === "retry") {
        this.attempt++;
        this.schedule(backoff(this.attempt, this.o.baseBackoff, this.o.maxBackoff, this.o.random));
        return;
      }
      if (result === "drop") console.warn(`[pathwise] the server refused ${chunk.length} message(s); dropped`);
      this.attempt = 0;
      this.remove(chunk);
    }
  }

  private chunks(items: Message[], maxBytes: number): Message[][] {
    const out: Message[][] = [];
    let cur: Message[] = [];
    let bytes = 0;
    for (const m of items) {
      const s = size(m) + 1;
      if (cur.length && (cur.length >= this.o.batchSize || bytes + s > maxBytes)) {
        out.push(cur);
        cur = [];
        bytes = 0;
      }
      cur.push(m);
      bytes += s;
    }
    if (cur.length) out.push(cur);
    return out;
  }

  private remove(sent: Message[]): void {
    const ids = new Set(sent.map((m) => m.messageId));
    this.items = this.items.filter((m) => !ids.has(m.messageId));
    this.persist();
  }

  private persist(): void {
    save(this.o.storageKey, this.items.length ? this.items : null);
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
