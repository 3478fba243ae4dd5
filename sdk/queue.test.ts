// @vitest-environment jsdom
// The queue batches, backs off exponentially on failures, survives reloads through localStorage and
// stays bounded.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoff, Queue, type SendResult } from "./queue";
import type { Message } from "./types";

const msg = (i: number): Message => ({ type: "track", messageId: `m${i}`, timestamp: new Date(0).toISOString(), anonymousId: "a", event: `E${i}` });

function queue(results: SendResult[], extra: Partial<ConstructorParameters<typeof Queue>[0]> = {}) {
  const sent: Message[][] = [];
  const q = new Queue({
    storageKey: "q",
    batchSize: 3,
    flushInterval: 1000,
    maxQueue: 10,
    random: () => 0.5,
    send: async (batch) => {
      sent.push(batch);
      return results.shift() ?? "ok";
    },
    ...extra,
  });
  return { q, sent };
}

beforeEach(() => {
  localStorage.clear();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe("Queue", () => {
  it("sends a full batch at once and the rest after the flush interval", async () => {
    const { q, sent } = queue([]);
    for (let i = 0; i < 3; i++) q.push(msg(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((b) => b.length)).toEqual([3]);
    q.push(msg(3));
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.map((b) => b.map((m) => m.messageId))).toEqual([["m0", "m1", "m2"], ["m3"]]);
    expect(localStorage.getItem("q")).toBeNull();
  });

  it("retries with exponential backoff and keeps the messages until the server takes them", async () => {
    const { q, sent } = queue(["retry", "retry", "retry", "ok"]);
    q.push(msg(1));
    await vi.advanceTimersByTimeAsync(1000); // first try
    expect(sent).toHaveLength(1);
    expect(q.attempt).toBe(1);
    await vi.advanceTimersByTimeAsync(749); // backoff(1) = 500 + 250
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1500); // backoff(2)
    expect(sent).toHaveLength(3);
    expect(JSON.parse(localStorage.getItem("q")!)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3000); // backoff(3)
    expect(sent).toHaveLength(4);
    expect(q.attempt).toBe(0);
    expect(q.items).toEqual([]);
  });

  it("caps the backoff and spreads it with jitter", () => {
    expect(backoff(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoff(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoff(20, 1000, 60_000, () => 1)).toBe(60_000);
  });

  it("drops a batch the server refuses as invalid instead of retrying it forever", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { q, sent } = queue(["drop"]);
    q.push(msg(1));
    await q.flush();
    expect(sent).toHaveLength(1);
    expect(q.items).toEqual([]);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it("restores unsent messages on the next page and keeps only the newest maxQueue", async () => {
    const first = queue(["retry"]);
    for (let i = 0; i < 12; i++) first.q.push(msg(i));
    expect(first.q.items).toHaveLength(10);
    expect(first.q.items[0].messageId).toBe("m2");
    const second = queue([]);
    expect(second.q.items.map((m) => m.messageId)).toEqual(first.q.items.map((m) => m.messageId));
    await second.q.flush();
    expect(second.sent.flat()).toHaveLength(10);
  });

  it("waits while the browser is offline", async () => {
    const online = vi.spyOn(navigator, "onLine", "get").mockReturnValue(false);
    const { q, sent } = queue([]);
    q.push(msg(1));
    await q.flush();
    expect(sent).toHaveLength(0);
    online.mockReturnValue(true);
    await q.flush();
    expect(sent).toHaveLength(1);
  });

  it("splits by bytes so no request passes the server's batch limit", async () => {
    const { q, sent } = queue([], { batchSize: 100, maxBytes: 300 });
    for (let i = 0; i < 6; i++) q.push(msg(i));
    await q.flush();
    expect(sent.length).toBeGreaterThan(1);
    for (const b of sent) expect(JSON.stringify(b).length).toBeLessThanOrEqual(300 + b.length * 2);
  });

  it("drops a single message over 32 KB", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { q } = queue([]);
    q.push({ ...msg(1), properties: { big: "x".repeat(33 * 1024) } });
    expect(q.items).toEqual([]);
    warn.mockRestore();
  });
});
