// Fault test: `npm run worker` is killed with SIGKILL (twice) while it is delivering webhooks to a local
// receiver, then restarted; every webhook must reach the receiver exactly once by delivery id, every
// touchpoint must end `sent` with one `sent` outcome, and only deliveries in flight at a kill may
// arrive a second time (with the same delivery id and a valid signature, so the receiver drops them).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDb, type Db } from "@/lib/db/client";
import { createPgDatabase } from "@/lib/testing/db";
import { ingest, publish, seedProfile } from "@/lib/testing/runtime";
import { deliveriesInFlight, deliveryWorkerEnv, expectDeliveredOnce, startWebhookReceiver, until, type WebhookReceiver } from "./support";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const SECRET = "whsec_fault_test";
const USERS = 40;
const HOLD_MS = 300; // the receiver answers each request after this long, so kills land mid-delivery

let db: Db;
let drop: () => Promise<void>;
let url = "";
let receiver: WebhookReceiver;
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/worker.ts"], {
    cwd: ROOT,
    detached: true, // its own process group: the kill reaches tsx's child node process too
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DATABASE_URL: url, ...deliveryWorkerEnv(SECRET) },
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

beforeAll(async () => {
  ({ url, drop } = await createPgDatabase("pathwise_fault"));
  db = await openDb({ databaseUrl: url, poolSize: 4 });
  receiver = await startWebhookReceiver(SECRET, HOLD_MS);
});

afterAll(async () => {
  for (const w of workers) kill(w);
  await receiver?.close();
  await db?.close();
  await drop?.();
});

it("delivers every webhook exactly once by delivery id across two SIGKILLs of the worker", async () => {
  await publish(db, "Kill test", {
    nodes: [
      { id: "t1", type: "trigger", data: { on: { type: "event", event: "Kill Test" } } },
      { id: "m1", type: "message", data: { channel: "webhook", url: `${receiver.url}/hook`, body: '{"user":"{{ user.id }}"}' } },
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
    const inFlight = await deliveriesInFlight(receiver, threshold, 60_000, `${threshold} deliveries`);
    kill(w);
    await new Promise<void>((r) => (w.exitCode !== null || w.signalCode !== null ? r() : w.once("exit", () => r())));
    // The kill landed during delivery: some requests had reached the receiver and were not answered.
    expect(inFlight.length).toBeGreaterThan(0);
    inFlightAtKill.push(...inFlight);
  }
  startWorker();
  const sent = async () => (await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM touchpoints WHERE status = 'sent'`))[0].n === USERS;
  await until(sent, 90_000, "every touchpoint sent");

  // Every webhook reached the receiver, counted once per delivery id, and a second arrival only ever
  // for a delivery that was in flight when the worker died.
  const dup = expectDeliveredOnce(receiver, keys, inFlightAtKill);
  const outcomes = await db.sql.query<{ touchpoint_id: string; n: number }>(`SELECT touchpoint_id, count(*)::int AS n FROM outcomes WHERE type = 'sent' GROUP BY touchpoint_id`);
  expect(outcomes).toHaveLength(USERS);
  expect(outcomes.every((o) => o.n === 1)).toBe(true);
  console.log(`[fault] ${USERS} webhooks, ${receiver.hits.length} requests, ${dup} re-deliveries after 2 kills (in flight at the kills: ${inFlightAtKill.length})`);
});
