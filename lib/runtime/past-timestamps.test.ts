// A history sent with past timestamps is run at the times it happened: the run enters at the
// event's timestamp and a goal event days later (but still in the past) converts it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { pgliteTestDb, useTestDb } from "@/lib/testing/db";
import type { Db } from "@/lib/db/client";
import * as flows from "@/app/api/v1/flows/route";
import * as publish from "@/app/api/v1/flows/[id]/publish/route";
import * as batch from "@/app/api/v1/batch/route";
import * as stats from "@/app/api/v1/flows/[id]/stats/route";

const KEY = "pw_sk_past_test";
let db: Db;
beforeAll(async () => {
  process.env.PATHWISE_API_KEY = KEY;
  db = await pgliteTestDb();
  useTestDb(db);
});
afterAll(() => db.close());

const req = (path: string, body?: unknown) =>
  new Request(`http://localhost${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });

it("enters and converts at the events' own past times", async () => {
  const created = await flows.POST(
    req("/api/v1/flows", {
      name: "Offer",
      graph: {
        nodes: [
          { id: "t", type: "trigger", data: { on: { type: "event", event: "Product Viewed" } } },
          { id: "w", type: "wait", data: { for: "P1D" } },
          { id: "m", type: "message", data: { channel: "in_app", placement: "home", content: "10% off" } },
        ],
        edges: [
          { id: "e1", source: "t", target: "w" },
          { id: "e2", source: "w", target: "m" },
        ],
      },
      settings: { goal: { event: "Order Completed", within: "P7D" } },
    }),
  );
  const flow = (await created.json()) as { id: string };
  expect((await publish.POST(req(`/api/v1/flows/${flow.id}/publish`, {}), ctx({ id: flow.id }))).status).toBe(200);

  const day = 86_400_000;
  const viewedAt = new Date(Date.now() - 10 * day);
  const boughtAt = new Date(Date.now() - 8 * day);
  const res = await batch.POST(
    req("/api/v1/batch", {
      batch: [
        { type: "track", userId: "past-user", event: "Product Viewed", timestamp: viewedAt.toISOString() },
        { type: "track", userId: "past-user", event: "Order Completed", timestamp: boughtAt.toISOString() },
      ],
    }),
  );
  expect(res.status).toBe(200);

  const runs = await db.sql.query<{ entered_at: Date; converted_at: Date | null }>(`SELECT entered_at, converted_at FROM runs`);
  expect(runs).toHaveLength(1);
  expect(runs[0].entered_at.getTime()).toBe(viewedAt.getTime());
  expect(runs[0].converted_at?.getTime()).toBe(boughtAt.getTime());
  // The one-day wait began at the view, so its timer was due long ago.
  const timers = await db.sql.query<{ run_at: Date }>(`SELECT run_at FROM jobs WHERE queue = 'timer'`);
  for (const t of timers) expect(t.run_at.getTime()).toBe(viewedAt.getTime() + day);

  const s = await stats.GET(req(`/api/v1/flows/${flow.id}/stats`), ctx({ id: flow.id }));
  const body = (await s.json()) as { entered: number; converted: number };
  expect(body).toMatchObject({ entered: 1, converted: 1 });
});
