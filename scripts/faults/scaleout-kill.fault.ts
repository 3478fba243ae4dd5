// Fault test, scale-out on one PostgreSQL: two `npm start` instances (PATHWISE_WORKER=off) from the
// build and one `npm run worker`, behind a round-robin proxy. Clients send single-event /track requests
// (each event enters a flow that sends a webhook to a local receiver) and retry whatever is not
// acknowledged with the same messageId, as analytics.js does. One instance is killed with SIGKILL
// mid-load, then the worker mid-delivery (and restarted). Every acknowledged event must be stored
// exactly once, with one run and one touchpoint; every webhook must reach the receiver, counted once
// per delivery id, a second arrival only for a delivery in flight when the worker died; the surviving
// instance keeps answering throughout.
// Needs `npm run build` (NEXT_DIST_DIR) and PostgreSQL. Ports: FAULT_PORT (default 3170) to FAULT_PORT + 2.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDb, type Db } from "@/lib/db/client";
import { createPgDatabase } from "@/lib/testing/db";
import { call, startRoundRobin, startServer, startWorker, type RoundRobin, type Server } from "@/bench/support";
import { deliveriesInFlight, deliveryWorkerEnv, expectDeliveredOnce, startWebhookReceiver, until, type WebhookReceiver } from "./support";

const PORT = Number(process.env.FAULT_PORT ?? 3170);
const SECRET = "whsec_scaleout_fault";
const EVENTS = 400;
const CLIENTS = 8;
const HOLD_MS = 200; // the receiver answers each webhook after this long, so the worker's kill lands mid-delivery
const KEY = `pw_sk_fault_${randomBytes(12).toString("hex")}`;

let db: Db;
let drop: () => Promise<void>;
let url = "";
let receiver: WebhookReceiver;
const procs: Server[] = [];
let proxy: RoundRobin | null = null;

const workerEnv = deliveryWorkerEnv(SECRET);

beforeAll(async () => {
  ({ url, drop } = await createPgDatabase("pathwise_fault_scaleout"));
  receiver = await startWebhookReceiver(SECRET, HOLD_MS);
});

afterAll(async () => {
  await proxy?.stop();
  for (const p of procs) await p.stop("SIGKILL");
  await receiver?.close();
  await db?.close();
  await drop?.();
});

it("two instances and a worker: SIGKILL of an instance mid-load and of the worker mid-delivery lose nothing and send nothing twice", async () => {
  // The first instance applies the migrations; the second finds them applied.
  const a = await startServer({ port: PORT, databaseUrl: url, key: KEY, env: { PATHWISE_WORKER: "off", ...workerEnv } });
  procs.push(a);
  const b = await startServer({ port: PORT + 1, databaseUrl: url, key: KEY, env: { PATHWISE_WORKER: "off", ...workerEnv } });
  procs.push(b);
  db = await openDb({ databaseUrl: url, poolSize: 2, migrate: false });
  proxy = await startRoundRobin(PORT + 2, [a.url, b.url]);

  const flow = await call(a.url, KEY, "POST", "/api/v1/flows", {
    name: "Scale-out fault",
    graph: {
      nodes: [
        { id: "t1", type: "trigger", data: { on: { type: "event", event: "Scale Fault" } } },
        { id: "w1", type: "message", data: { channel: "webhook", url: `${receiver.url}/hook`, body: '{"user":"{{ user.id }}"}' } },
      ],
      edges: [{ id: "e1", source: "t1", target: "w1" }],
    },
    settings: { reentry: "always" },
  });
  await call(a.url, KEY, "POST", `/api/v1/flows/${flow.id}/publish`);

  // Clients: each event is sent until acknowledged (2xx), always with the same messageId.
  const acked = new Set<string>();
  let ackedAfterKill = 0;
  let instanceKilled = false;
  let retries = 0;
  let next = 0;
  const client = async () => {
    for (let i = next++; i < EVENTS; i = next++) {
      const messageId = `scale-${i}`;
      const body = JSON.stringify({ userId: `s-${i % 50}`, event: "Scale Fault", properties: { i }, messageId });
      for (;;) {
        const ok = await fetch(`${proxy!.url}/api/v1/track`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" }, body }).then(
          async (r) => {
            await r.arrayBuffer();
            return r.status === 200;
          },
          () => false,
        );
        if (ok) break;
        retries++;
        await new Promise((r) => setTimeout(r, 20));
      }
      acked.add(messageId);
      if (instanceKilled) ackedAfterKill++;
    }
  };
  const load = Promise.all(Array.from({ length: CLIENTS }, client));

  // Kill instance 2 once a quarter of the events is acknowledged; the proxy keeps sending it half the requests.
  await until(() => acked.size >= EVENTS / 4, 120_000, "a quarter of the events acknowledged");
  await b.stop("SIGKILL");
  instanceKilled = true;
  const ackedAtKill = acked.size;
  // The surviving instance answers on its own.
  expect((await fetch(`${a.url}/api/health`)).status).toBe(200);

  // The worker starts once the load is under way and is killed mid-delivery.
  const w1 = await startWorker(url, workerEnv);
  procs.push(w1);
  const inFlightAtKill = await deliveriesInFlight(receiver, 20, 120_000, "20 deliveries with one in flight");
  await w1.stop("SIGKILL");
  expect(inFlightAtKill.length).toBeGreaterThan(0);

  await load;
  expect(acked.size).toBe(EVENTS);
  expect(ackedAfterKill).toBeGreaterThan(0);
  expect((await fetch(`${a.url}/api/health`)).status).toBe(200);

  const w2 = await startWorker(url, workerEnv);
  procs.push(w2);
  const sent = async () => (await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM touchpoints WHERE status = 'sent'`))[0].n === EVENTS;
  await until(sent, 150_000, "every touchpoint sent");

  // Every acknowledged event stored exactly once...
  const events = await db.sql.query<{ message_id: string; n: number }>(`SELECT message_id, count(*)::int AS n FROM events WHERE name = 'Scale Fault' GROUP BY message_id`);
  expect(events.map((e) => e.message_id).sort()).toEqual([...acked].sort());
  expect(events.every((e) => e.n === 1)).toBe(true);
  // ...entered the flow once (one run, one touchpoint each)...
  const [{ runs }] = await db.sql.query<{ runs: number }>(`SELECT count(*)::int AS runs FROM runs WHERE flow_id = $1`, [flow.id]);
  expect(runs).toBe(EVENTS);
  const keys = (await db.sql.query<{ key: string }>(`SELECT key FROM touchpoints WHERE flow_id = $1`, [flow.id])).map((r) => r.key).sort();
  expect(keys).toHaveLength(EVENTS);
  expect(new Set(keys).size).toBe(EVENTS);
  // ...and its webhook reached the receiver, once per delivery id; a repeat only for a delivery in flight at the worker's kill.
  const repeats = expectDeliveredOnce(receiver, keys, inFlightAtKill);
  const outcomes = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM outcomes WHERE type = 'sent' GROUP BY touchpoint_id`);
  expect(outcomes).toHaveLength(EVENTS);
  expect(outcomes.every((o) => o.n === 1)).toBe(true);
  console.log(
    `[fault] scale-out: ${EVENTS} events acknowledged (${ackedAtKill} before the instance's kill, ${ackedAfterKill} after, ${retries} retried requests), each stored once; ` +
      `${receiver.hits.length} webhook requests for ${EVENTS} deliveries, ${repeats} repeated (in flight at the worker's kill: ${inFlightAtKill.length})`,
  );
});
