// Fault test: `npm run worker` is killed with SIGKILL (twice) while it is delivering webhooks to a local
// receiver, then restarted; every webhook must reach the receiver exactly once by delivery id, every
// touchpoint must end `sent` with one `sent` outcome, and only deliveries in flight at a kill may
// arrive a second time (with the same delivery id and a valid signature, so the receiver drops them).
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDb, type Db } from "@/lib/db/client";
import { createPgDatabase } from "@/lib/testing/db";
import { ingest, publish, seedProfile } from "@/lib/testing/runtime";
import { verifySignature } from "@/lib/runtime/webhook";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const SECRET = "whsec_fault_test";
const USERS = 40;
const HOLD_MS = 300; // the receiver answers each request after this long, so kills land mid-delivery

type Hit = { id: string; signatureOk: boolean; answered: boolean };

let db: Db;
let drop: () => Promise<void>;
let url = "";
let receiver: http.Server;
let base = "";
const hits: Hit[] = [];
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/worker.ts"], {
    cwd: ROOT,
    detached: true, // its own process group: the kill reaches tsx's child node process too
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DATABASE_URL: url,
      PATHWISE_WEBHOOK_ALLOWLIST: "127.0.0.1",
      PATHWISE_WEBHOOK_SECRET: SECRET,
      PATHWISE_WEBHOOK_TIMEOUT_MS: "3000",
      PATHWISE_DELIVER_LEASE_MS: "4000",
      PATHWISE_WORKER_CONCURRENCY: "4",
      PATHWISE_WORKER_POLL_MS: "100",
    },
  });
  child.stderr?.on("data", (d: Buffer) => process.stderr.write(`[worker] ${d}`));
  workers.push(child);
  return child;
}

function kill(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

beforeAll(async () => {
  ({ url, drop } = await createPgDatabase("pathwise_fault"));
  db = await openDb({ databaseUrl: url, poolSize: 4 });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const hit: Hit = {
        id: String(req.headers["pathwise-delivery"]),
        signatureOk: verifySignature(SECRET, body, String(req.headers["pathwise-signature"] ?? "")),
        answered: false,
      };
      hits.push(hit);
      setTimeout(() => {
        hit.answered = true;
        res.end("ok");
      }, HOLD_MS);
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const w of workers) kill(w);
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
  await db?.close();
  await drop?.();
});

it("delivers every webhook exactly once by delivery id across two SIGKILLs of the worker", async () => {
  await publish(db, "Kill test", {
    nodes: [
      { id: "t1", type: "trigger", data: { on: { type: "event", event: "Kill Test" } } },
      { id: "m1", type: "message", data: { channel: "webhook", url: `${base}/hook`, body: '{"user":"{{ user.id }}"}' } },
    ],
    edges: [{ id: "e1", source: "t1", target: "m1" }],
  });
  for (let i = 0; i < USERS; i++) {
    const pid = await seedProfile(db, `kill-${i}`);
    await ingest(db, pid, [{ name: "Kill Test" }]);
  }
  const keys = (await db.sql.query<{ key: string }>(`SELECT key FROM touchpoints`)).map((r) => r.key).sort();
  expect(keys).toHaveLength(USERS);

  const inFlightAtKill: string[] = [];
  for (const threshold of [8, 20]) {
    const w = startWorker();
    await until(() => hits.length >= threshold && hits.some((h) => !h.answered), 60_000, `${threshold} deliveries`);
    const inFlight = hits.filter((h) => !h.answered).map((h) => h.id);
    kill(w);
    await new Promise<void>((r) => (w.exitCode !== null || w.signalCode !== null ? r() : w.once("exit", () => r())));
    // The kill landed during delivery: some requests had reached the receiver and were not answered.
    expect(inFlight.length).toBeGreaterThan(0);
    inFlightAtKill.push(...inFlight);
  }
  startWorker();
  const sent = async () => (await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM touchpoints WHERE status = 'sent'`))[0].n === USERS;
  await until(sent, 90_000, "every touchpoint sent");

  const counts = new Map<string, number>();
  for (const h of hits) counts.set(h.id, (counts.get(h.id) ?? 0) + 1);
  // Every webhook reached the receiver, counted once per delivery id...
  expect([...counts.keys()].sort()).toEqual(keys);
  // ...and a second arrival only ever for a delivery that was in flight when the worker died.
  for (const [id, n] of counts) {
    expect(n).toBeLessThanOrEqual(2);
    if (n > 1) expect(inFlightAtKill).toContain(id);
  }
  expect(hits.every((h) => h.signatureOk)).toBe(true);
  const outcomes = await db.sql.query<{ touchpoint_id: string; n: number }>(`SELECT touchpoint_id, count(*)::int AS n FROM outcomes WHERE type = 'sent' GROUP BY touchpoint_id`);
  expect(outcomes).toHaveLength(USERS);
  expect(outcomes.every((o) => o.n === 1)).toBe(true);
  const dup = [...counts.values()].filter((n) => n > 1).length;
  console.log(`[fault] ${USERS} webhooks, ${hits.length} requests, ${dup} re-deliveries after 2 kills (in flight at the kills: ${inFlightAtKill.length})`);
});
