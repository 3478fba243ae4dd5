// The results endpoints through the real route handlers, fed by the real ingestion and executor:
// publish a flow, send traffic with /track, /decide and /outcomes, then compare /stats with it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { call, keyFor } from "@/lib/testing/routes";
import { installTestDb, removeTestDb } from "@/lib/testing/db";
import * as flows from "@/app/api/v1/flows/route";
import * as publish from "@/app/api/v1/flows/[id]/publish/route";
import * as track from "@/app/api/v1/track/route";
import * as decide from "@/app/api/v1/decide/route";
import * as outcomes from "@/app/api/v1/outcomes/route";
import * as stats from "@/app/api/v1/flows/[id]/stats/route";
import * as results from "@/app/api/v1/flows/[id]/results/route";
import * as csv from "@/app/api/v1/flows/[id]/results/csv/route";
import * as overview from "@/app/api/v1/overview/route";
import type { FlowStats } from "./stats";
import type { FlowResults } from "./results";
import type { Overview } from "./overview";

const graph = {
  nodes: [
    { id: "t1", type: "trigger", data: { on: { type: "event", event: "Viewed" } } },
    { id: "s1", type: "split", data: { branches: [{ id: "a", weight: 50, label: "Control" }, { id: "b", weight: 50, label: "Discount" }] } },
    { id: "ma", type: "message", data: { channel: "in_app", placement: "home", content: "Hello" } },
    { id: "mb", type: "message", data: { channel: "in_app", placement: "home", content: "10% off" } },
  ],
  edges: [
    { id: "e1", source: "t1", target: "s1" },
    { id: "e2", source: "s1", target: "ma", sourceHandle: "a" },
    { id: "e3", source: "s1", target: "mb", sourceHandle: "b" },
  ],
};

describe("results endpoints", () => {
  let db: Db;
  let key: string;
  let flowId: string;
  const users = Array.from({ length: 40 }, (_, i) => `user-${i}`);
  const buyers = users.filter((_, i) => i % 3 === 0);
  let shown = 0;
  let clicked = 0;

  beforeAll(async () => {
    db = await installTestDb();
    key = await keyFor(db, "secret");
    const created = await call(flows.POST, "/api/v1/flows", {
      caller: { key },
      body: { name: "Discount test", graph, settings: { goal: { event: "Purchased", within: "P7D" }, holdout: 20 } },
    });
    expect(created.status).toBe(201);
    flowId = ((await created.json()) as { id: string }).id;
    expect((await call(publish.POST, `/api/v1/flows/${flowId}/publish`, { caller: { key }, method: "POST" }, { id: flowId })).status).toBe(200);
    for (const u of users) {
      expect((await call(track.POST, "/api/v1/track", { caller: { key }, body: { userId: u, event: "Viewed" } })).status).toBe(200);
    }
    for (const u of users.slice(0, 20)) {
      const d = (await (await call(decide.POST, "/api/v1/decide", { caller: { key }, body: { userId: u, placements: ["home"] } })).json()) as {
        decisions: Record<string, { decisionId: string } | null>;
      };
      const decision = d.decisions.home;
      if (!decision) continue;
      await call(outcomes.POST, "/api/v1/outcomes", { caller: { key }, body: { decisionId: decision.decisionId, type: "shown" } });
      shown++;
      if (u.endsWith("1") || u.endsWith("2")) {
        await call(outcomes.POST, "/api/v1/outcomes", { caller: { key }, body: { decisionId: decision.decisionId, type: "clicked" } });
        clicked++;
      }
    }
    for (const u of buyers) await call(track.POST, "/api/v1/track", { caller: { key }, body: { userId: u, event: "Purchased" } });
  });
  afterAll(async () => db && removeTestDb(db));

  it("answers /stats with the traffic that was sent", async () => {
    const res = await call(stats.GET, `/api/v1/flows/${flowId}/stats`, { caller: { key } }, { id: flowId });
    expect(res.status).toBe(200);
    const s = (await res.json()) as FlowStats;
    expect(s.entered).toBe(users.length);
    expect(s.converted).toBe(buyers.length);
    expect(s.conversionRate).toBeCloseTo(buyers.length / users.length, 10);
    expect(s.active + s.completed).toBe(users.length);
    expect(s.nodes.t1.entered).toBe(users.length);
    expect(s.nodes.s1.entered).toBe(users.length);
    expect(s.nodes.ma.entered + s.nodes.mb.entered).toBe(users.length);
    const va = s.variants.s1.a;
    const vb = s.variants.s1.b;
    expect(va.entered + vb.entered + s.holdout.entered).toBe(users.length);
    expect(va.converted + vb.converted + s.holdout.converted).toBe(buyers.length);
    expect(s.holdout.entered).toBeGreaterThan(0);
    expect((s.nodes.ma.outcomes.shown ?? 0) + (s.nodes.mb.outcomes.shown ?? 0)).toBe(shown);
    expect((s.nodes.ma.outcomes.clicked ?? 0) + (s.nodes.mb.outcomes.clicked ?? 0)).toBe(clicked);
    expect(shown).toBeGreaterThan(0);
  });

  it("filters by entry time", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const inRange = (await (await call(stats.GET, `/api/v1/flows/${flowId}/stats?from=${today}`, { caller: { key } }, { id: flowId })).json()) as FlowStats;
    expect(inRange.entered).toBe(users.length);
    const past = (await (await call(stats.GET, `/api/v1/flows/${flowId}/stats?to=2020-01-01T00:00:00Z`, { caller: { key } }, { id: flowId })).json()) as FlowStats;
    expect(past).toMatchObject({ entered: 0, converted: 0, conversionRate: 0 });
    const bad = await call(stats.GET, `/api/v1/flows/${flowId}/stats?from=yesterday`, { caller: { key } }, { id: flowId });
    expect(bad.status).toBe(400);
    const missing = await call(stats.GET, `/api/v1/flows/nope/stats`, { caller: { key } }, { id: "nope" });
    expect(missing.status).toBe(404);
  });

  it("gives the dashboard its funnel, experiments, holdout and CSV", async () => {
    const r = (await (await call(results.GET, `/api/v1/flows/${flowId}/results`, { caller: { key } }, { id: flowId })).json()) as FlowResults;
    expect(r.funnel.map((f) => f.nodeId)).toEqual(["t1", "s1", "ma", "mb"]);
    expect(r.funnel[0]).toMatchObject({ entered: users.length, shareOfEntered: 1, dropOff: 0 });
    expect(r.experiments[0]).toMatchObject({ splitNodeId: "s1", control: "a" });
    expect(r.experiments[0].arms[1].comparison?.verdict.kind).toBe("not_enough_data");
    expect(r.holdout?.control.n).toBe(r.stats.holdout.entered);
    expect(r.daily.reduce((s, d) => s + d.entered, 0)).toBe(users.length);
    expect(r.timeToConvert.reduce((s, b) => s + b.count, 0)).toBe(buyers.length);
    const file = await call(csv.GET, `/api/v1/flows/${flowId}/results/csv`, { caller: { key } }, { id: flowId });
    expect(file.headers.get("content-type")).toContain("text/csv");
    const text = await file.text();
    expect(text).toContain("# funnel");
    expect(text).toContain(`${flowId},Discount test`);
  });

  it("lists the flow on the overview with its event volume", async () => {
    const o = (await (await call(overview.GET, "/api/v1/overview?days=7", { caller: { key } })).json()) as Overview;
    const f = o.flows.find((x) => x.id === flowId)!;
    expect(f).toMatchObject({ entered: users.length, converted: buyers.length });
    expect(f.sparkline).toHaveLength(7);
    expect(o.events.last24h).toBe(users.length + buyers.length);
    expect((await call(overview.GET, "/api/v1/overview?days=0", { caller: { key } })).status).toBe(400);
  });
});
