// The sandbox is the product: the same histories run through simulate() and through the real ingestion
// pipeline and worker (on PGlite and on PostgreSQL) record the same steps, run by run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { pgliteTestDb, pgTestDb } from "@/lib/testing/db";
import { simulate } from "@/lib/engine/simulate";
import { graph, n } from "@/lib/testing/builders";
import { parseDuration } from "@/lib/conditions/duration";
import { clearFlowCache } from "./flow-cache";
import { listRunsWithSteps } from "./explain";
import { ingest, publish, runDueJobs, seedProfile } from "@/lib/testing/runtime";

//   t1 (Viewed sku=A) ──▶ c1 {plan eq pro} ──yes──▶ u1 {stage: hot} ──▶ w2 (for PT1H) ──▶ m1 "Hi {{ user.stage }}"
//                            └──no──▶ w1 (until Bought, PT2H) ──matched──▶ m2 "Thanks"
//                                                    └──timeout──▶ m3 "Still there?"
// goal Bought within P1D, re-entry after PT3H.
// One timer per path: the real worker fires a timer that is already late (these histories lie a month in
// the past) at the wall clock, so a second wait after it would count from then, not from the history.
const g = graph(
  [
    n.onEvent("t1", "Viewed", [{ property: "sku", op: "eq", value: "A" }]),
    n.condition("c1", { trait: "plan", op: "eq", value: "pro" }),
    n.update("u1", { stage: "hot" }),
    n.inApp("m1", "Hi {{ user.stage }}"),
    n.waitUntil("w1", "Bought", "PT2H"),
    n.inApp("m2", "Thanks", { placement: "thanks" }),
    n.waitFor("w2", "PT1H"),
    n.inApp("m3", "Still there?", { placement: "nudge" }),
  ],
  ["t1->c1", "c1-yes->u1", "u1->w2", "w2->m1", "c1-no->w1", "w1-matched->m2", "w1-timeout->m3"],
);
const settings = { goal: { event: "Bought", within: "P1D" }, reentry: "PT3H" };

type Ev = { at: string; event: string; properties?: Record<string, unknown> };
const histories: Array<{ name: string; plan: string; events: Ev[] }> = [
  { name: "pro user enters and is tagged", plan: "pro", events: [{ at: "PT0S", event: "Viewed", properties: { sku: "A" } }] },
  { name: "where fails, then passes", plan: "free", events: [{ at: "PT0S", event: "Viewed", properties: { sku: "B" } }, { at: "PT10M", event: "Viewed", properties: { sku: "A" } }] },
  { name: "wait-until matched, converts", plan: "free", events: [{ at: "PT0S", event: "Viewed", properties: { sku: "A" } }, { at: "PT1H", event: "Bought" }] },
  {
    name: "timeout and nudge, re-entry too soon then allowed",
    plan: "free",
    events: [
      { at: "PT0S", event: "Viewed", properties: { sku: "A" } },
      { at: "PT2H30M", event: "Viewed", properties: { sku: "A" } },
      { at: "PT4H", event: "Viewed", properties: { sku: "A" } },
      { at: "PT5H", event: "Bought" },
    ],
  },
  { name: "goal after the run ended", plan: "pro", events: [{ at: "PT0S", event: "Viewed", properties: { sku: "A" } }, { at: "PT6H", event: "Bought" }] },
];

type Step = { entry: number; nodeId: string; result: string; entered: boolean; at: string };

/** Fires the timers due by `until` (and only those), as the worker would have by then, oldest first. */
async function fireTimersUntil(db: Db, until: Date) {
  for (let round = 0; round < 50; round++) {
    // Jobs due later than `until` (but already past on the wall clock) are set aside while the due ones run.
    await db.sql.query(`UPDATE jobs SET run_at = run_at + interval '100 years' WHERE queue = 'timer' AND run_at > $1`, [until]);
    const fired = await runDueJobs(db);
    await db.sql.query(`UPDATE jobs SET run_at = run_at - interval '100 years' WHERE queue = 'timer' AND run_at > now() + interval '50 years'`);
    if (!fired) return;
  }
}

describe.each([
  ["PGlite", pgliteTestDb],
  ["PostgreSQL", pgTestDb],
])("simulate and the real pipeline agree on %s", (_label, open) => {
  let db: Db;
  let flowId = "";
  const wallStart = Date.now();
  const start = wallStart - 30 * 86_400_000;

  beforeAll(async () => {
    db = await open();
    clearFlowCache();
    flowId = (await publish(db, "Parity", g, settings)).id;
  }, 60_000);
  afterAll(async () => db?.close());

  it.each(histories.map((h, i) => [h.name, h, i] as const))("%s", async (_name, h, i) => {
    const userId = `parity-${i}`;
    const sim = simulate({ graph: g, settings, flowId }, { profile: { traits: { plan: h.plan }, userId }, events: h.events.map((e) => ({ ...e, type: "track" as const })), start });

    const pid = await seedProfile(db, userId, { plan: h.plan });
    const timed = h.events.map((e) => ({ ...e, ts: new Date(start + parseDuration(e.at)!) }));
    for (const e of timed) {
      await fireTimersUntil(db, e.ts);
      await ingest(db, pid, [{ name: e.event, properties: e.properties ?? {}, timestamp: e.ts }]);
    }
    await fireTimersUntil(db, new Date(sim.until));

    const runs = (await listRunsWithSteps(db.sql, pid)).sort((a, b) => a.entry - b.entry);
    const real: Step[] = runs.flatMap((r) => r.steps.map((s) => ({ entry: r.entry, nodeId: s.nodeId, result: s.result, entered: s.entered, at: s.at })));
    const simulated: Step[] = sim.trace.map((t) => ({ entry: t.entry, nodeId: t.nodeId, result: t.result, entered: t.entered, at: t.at }));
    // Every step: node, result, phase and run; its time too, except where the worker fired a timer
    // (the real worker runs on the wall clock, the sandbox on the virtual one).
    const key = (s: Step) => `${s.entry}:${s.nodeId}:${s.result}:${s.entered}`;
    expect(real.map(key)).toEqual(simulated.map(key));
    real.forEach((s, k) => {
      if (Date.parse(s.at) < wallStart) expect(s.at).toBe(simulated[k].at);
    });
    expect(runs.map((r) => r.convertedAt !== null)).toEqual(sim.runs.map((r) => r.convertedAt !== undefined));
    const [row] = await db.sql.query<{ traits: Record<string, unknown> }>(`SELECT traits FROM profiles WHERE id = $1`, [pid]);
    expect(row.traits.stage).toEqual(sim.traits.stage);
  }, 60_000);
});
