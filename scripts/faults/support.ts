// Shared setup of the fault tests that kill the worker mid-delivery (scaleout-kill, webhook-kill): a
// local webhook receiver that records every request and answers it late, waiting for a condition or
// for deliveries in flight, and the check that every delivery arrived once (twice only if in flight).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import { verifySignature } from "@/lib/runtime/webhook";

/**
 * The worker's settings in these tests: webhooks only to the loopback receiver, signed with `secret`,
 * a 3 s timeout and a 4 s delivery lease, 4 jobs at once, the queue polled every 100 ms.
 */
export function deliveryWorkerEnv(secret: string) {
  return {
    PATHWISE_WEBHOOK_ALLOWLIST: "127.0.0.1",
    PATHWISE_WEBHOOK_SECRET: secret,
    PATHWISE_WEBHOOK_TIMEOUT_MS: "3000",
    PATHWISE_DELIVER_LEASE_MS: "4000",
    PATHWISE_WORKER_CONCURRENCY: "4",
    PATHWISE_WORKER_POLL_MS: "100",
  };
}

/** One request that reached the receiver: its delivery id, whether its signature held, whether it was answered yet. */
export type Hit = { id: string; signatureOk: boolean; answered: boolean };

export type WebhookReceiver = {
  /** Every request received, in order of arrival. */
  hits: Hit[];
  /** http://127.0.0.1:<port>, without a path. */
  url: string;
  close(): Promise<void>;
};

/**
 * A webhook receiver on a free loopback port: it records each request (checking its signature against
 * `secret`) and answers "ok" only `holdMs` later, so that a kill of the sender lands mid-delivery.
 */
export async function startWebhookReceiver(secret: string, holdMs: number): Promise<WebhookReceiver> {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const hit: Hit = {
        id: String(req.headers["pathwise-delivery"]),
        signatureOk: verifySignature(secret, body, String(req.headers["pathwise-signature"] ?? "")),
        answered: false,
      };
      hits.push(hit);
      setTimeout(() => {
        hit.answered = true;
        res.end("ok");
      }, holdMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    hits,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Polls `check` every 50 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** Waits until `atLeast` requests have arrived and one is still unanswered; answers the unanswered delivery ids. */
export async function deliveriesInFlight(receiver: WebhookReceiver, atLeast: number, timeoutMs: number, what: string): Promise<string[]> {
  const { hits } = receiver;
  await until(() => hits.length >= atLeast && hits.some((h) => !h.answered), timeoutMs, what);
  return hits.filter((h) => !h.answered).map((h) => h.id);
}

/**
 * Checks that every delivery of `deliveryIds` (sorted) reached the receiver, each at most twice and a
 * second time only if it was in flight at a kill, all with a valid signature; answers how many arrived twice.
 */
export function expectDeliveredOnce(receiver: WebhookReceiver, deliveryIds: string[], inFlightAtKill: string[]): number {
  const counts = new Map<string, number>();
  for (const h of receiver.hits) counts.set(h.id, (counts.get(h.id) ?? 0) + 1);
  expect([...counts.keys()].sort()).toEqual(deliveryIds);
  for (const [id, n] of counts) {
    expect(n).toBeLessThanOrEqual(2);
    if (n > 1) expect(inFlightAtKill).toContain(id);
  }
  expect(receiver.hits.every((h) => h.signatureOk)).toBe(true);
  return [...counts.values()].filter((n) => n > 1).length;
}
