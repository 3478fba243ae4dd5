// Fault test on the embedded store (PGlite on disk, the default of `npm start`): a process consuming a
// RabbitMQ queue is killed with SIGKILL twice mid-stream and restarted on the same data directory;
// every message must be stored exactly once and the queue left empty.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { openDb } from "@/lib/db/client";
import { createSource } from "@/lib/ingest/sources";
import { clearSourcesKeyCache } from "@/lib/streams/seal";
import { AMQP_URL, deleteRabbitQueue, rabbitPublisher, uniqueName, until } from "@/lib/streams/test-brokers";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const TOTAL = 5_000;
const dataDir = mkdtempSync(path.join(os.tmpdir(), "pathwise-fault-"));
const queue = uniqueName("pw_fault_embedded");
let child: ChildProcess | null = null;
let stored = { n: 0, d: 0 };

function start(): ChildProcess {
  stored = { n: 0, d: 0 };
  const c = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/faults/streams-embedded.server.ts"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "" },
  });
  c.stdout?.on("data", (d: Buffer) => {
    const m = /stored (\d+) (\d+)\s*$/.exec(d.toString().trim().split("\n").pop() ?? "");
    if (m) stored = { n: Number(m[1]), d: Number(m[2]) };
  });
  c.stderr?.on("data", (d: Buffer) => process.stderr.write(`[consumer] ${d}`));
  child = c;
  return c;
}

async function kill(c: ChildProcess, signal: NodeJS.Signals) {
  if (c.exitCode !== null || c.signalCode !== null || !c.pid) return;
  const exited = new Promise<void>((r) => c.once("exit", () => r()));
  process.kill(-c.pid, signal);
  await exited;
}

afterAll(async () => {
  if (child) await kill(child, "SIGKILL");
  await deleteRabbitQueue(queue).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
  clearSourcesKeyCache();
});

it("embedded store: 5,000 messages, two SIGKILLs of the consuming process, each stored once", async () => {
  // The source is created on the store before any consumer runs (the store belongs to one process at a time).
  clearSourcesKeyCache();
  const db = await openDb({ dataDir });
  await createSource(db, { name: "Embedded fault", kind: "rabbitmq", url: AMQP_URL, queue, enabled: true, prefetch: 200 });
  await db.close();
  clearSourcesKeyCache();

  const pub = await rabbitPublisher(queue);
  for (let i = 0; i < TOTAL; i++) {
    pub.publish(JSON.stringify({ type: "track", userId: `e-${i % 100}`, event: "Fault Test", properties: { i }, messageId: `emb-${i}` }));
    if (i % 1000 === 999) await pub.flush();
  }
  await pub.flush();
  // Not kept open through minutes of a loaded machine (missed heartbeats would close it): a fresh one checks at the end.
  await pub.close();

  const kills: number[] = [];
  for (const share of [0.25, 0.6]) {
    const c = start();
    await until(() => stored.n >= TOTAL * share, 120_000, `${share * 100}% stored`);
    kills.push(stored.n);
    await kill(c, "SIGKILL");
  }
  const c = start();
  await until(() => stored.n >= TOTAL, 120_000, "all stored");
  expect(stored).toEqual({ n: TOTAL, d: TOTAL });
  await kill(c, "SIGTERM");
  expect(kills.every((k) => k < TOTAL)).toBe(true);
  const check = await rabbitPublisher(queue);
  expect(await check.ready(queue)).toBe(0);
  await check.close();
  console.log(`[fault] embedded: killed at ${kills.join(" and ")} of ${TOTAL}; ${TOTAL} stored once, queue empty`);
});
