// Survey answers (POST /api/v1/outcomes type "answered" with a score) and what the results page makes
// of them, plus time in flow; on PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import * as outcomes from "@/app/api/v1/outcomes/route";
import { call, errorOf, keyFor } from "@/lib/testing/routes";
import { STORES, useTestDb } from "@/lib/testing/db";
import { decide } from "@/lib/runtime/decide";
import { clearFlowCache } from "@/lib/runtime/flow-cache";
import { ingest, publish, seedProfile } from "@/lib/testing/runtime";
import { getFlowResults } from "./results";
import { getTimeInFlow } from "./satisfaction";

const nps = (q: string) => `<div data-pw-kind="survey" data-pw-scale="nps" data-pw-title="${q}"></div>`;
const rating = `<div data-pw-kind="survey" data-pw-scale="rating" data-pw-title="How was onboarding?"></div>`;

function satisfactionSuite(label: string, open: () => Promise<Db>) {
  describe(`satisfaction and time in flow on ${label}`, () => {
    let db: Db;
    let writeKey = "";
    let flowId = "";
    beforeAll(async () => {
      db = await open();
      useTestDb(db);
      clearFlowCache();
      writeKey = await keyFor(db, "write");
      const f = await publish(db, "Survey", {
        nodes: [
          { id: "t1", type: "trigger", data: { on: { type: "event", event: "Finished" } } },
          { id: "s1", type: "split", data: { branches: [{ id: "a", weight: 50, label: "Control" }, { id: "b", weight: 50, label: "Short" }] } },
          { id: "qa", type: "message", data: { channel: "in_app", placement: "survey", content: nps("Recommend us?") } },
          { id: "qb", type: "message", data: { channel: "in_app", placement: "survey", content: nps("Recommend us, briefly?") } },
          { id: "r1", type: "message", data: { channel: "in_app", placement: "rating", content: rating } },
          { id: "plain", type: "message", data: { channel: "in_app", placement: "plain", content: "<p>Hi</p>" } },
        ],
        edges: [
          { id: "e1", source: "t1", target: "s1" },
          { id: "e2", source: "s1", target: "qa", sourceHandle: "a" },
          { id: "e3", source: "s1", target: "qb", sourceHandle: "b" },
          { id: "e4", source: "qa", target: "r1" },
          { id: "e5", source: "qb", target: "r1" },
          { id: "e6", source: "r1", target: "plain" },
        ],
      });
      flowId = f.id;
    });
    afterAll(async () => {
      await db.close();
    });

    const answer = (decisionId: string, body: Record<string, unknown>) => call(outcomes.POST, "/api/v1/outcomes", { body: { decisionId, ...body }, caller: { key: writeKey, basic: true } });

    it("records a score once per decision, and refuses bad scores with 400 naming the field", async () => {
      const scores: Record<string, number[]> = { a: [], b: [] };
      // 20 people: scores spread over the scale, so both branches and the rating get answers.
      for (let i = 0; i < 20; i++) {
        const pid = await seedProfile(db, `sv-${label}-${i}`);
        await ingest(db, pid, [{ name: "Finished" }]);
        const { decisions } = await decide(db.sql, { userId: `sv-${label}-${i}`, placements: ["survey", "rating", "plain"] });
        const d = decisions.survey!;
        const branch = d.nodeId === "qa" ? "a" : "b";
        const score = i % 11;
        scores[branch].push(score);
        const res = await answer(d.decisionId, { type: "answered", score });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ success: true, recorded: true });
        // A second answer of the same decision is not counted twice.
        expect(await (await answer(d.decisionId, { type: "answered", score: 10 })).json()).toEqual({ success: true, recorded: false });
        expect((await answer(decisions.rating!.decisionId, { type: "answered", score: (i % 5) + 1 })).status).toBe(200);
        if (i === 0) {
          let e = await answer(d.decisionId, { type: "answered", score: 11 });
          expect(e.status).toBe(400);
          expect(JSON.stringify((await errorOf(e)).details)).toContain('"score"');
          e = await answer(d.decisionId, { type: "answered" });
          expect(e.status).toBe(400);
          expect(JSON.stringify((await errorOf(e)).details)).toContain('"score"');
          e = await answer(d.decisionId, { type: "answered", score: 4.5 });
          expect(e.status).toBe(400);
          e = await answer(d.decisionId, { type: "shown", score: 3 });
          expect(e.status).toBe(400);
          // A rating is 1–5: 0 and 6 are refused even though an NPS would take them.
          for (const bad of [0, 6]) {
            e = await answer(decisions.rating!.decisionId, { type: "answered", score: bad });
            expect(e.status).toBe(400);
            const err = await errorOf(e);
            expect(err.message).toMatch(/1 to 5/);
            expect(JSON.stringify(err.details)).toContain('"score"');
          }
          // Content that is no survey cannot be answered.
          e = await answer(decisions.plain!.decisionId, { type: "answered", score: 5 });
          expect(e.status).toBe(400);
          expect(JSON.stringify((await errorOf(e)).details)).toContain('"type"');
          expect((await answer("nope.nope", { type: "answered", score: 5 })).status).toBe(404);
        }
      }

      const r = await getFlowResults(db.sql, flowId, {});
      const all = [...scores.a, ...scores.b];
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      const npsOf = (xs: number[]) => (100 * (xs.filter((x) => x >= 9).length - xs.filter((x) => x <= 6).length)) / xs.length;
      const flowNps = r.satisfaction.flow.find((s) => s.scale === "nps")!;
      expect(flowNps.answers).toBe(20);
      expect(flowNps.mean).toBeCloseTo(mean(all), 10);
      expect(flowNps.nps).toBeCloseTo(npsOf(all), 10);
      expect(flowNps.meanInterval.low).toBeLessThan(flowNps.mean!);
      expect(flowNps.meanInterval.high).toBeGreaterThan(flowNps.mean!);
      expect(flowNps.npsInterval!.low).toBeLessThan(flowNps.nps!);
      expect(Object.values(flowNps.distribution).reduce((a, b) => a + b, 0)).toBe(20);
      const ratingSummary = r.satisfaction.flow.find((s) => s.scale === "rating")!;
      expect(ratingSummary).toMatchObject({ answers: 20, mean: 3, nps: null, npsInterval: null });
      expect(r.satisfaction.steps.map((s) => [s.nodeId, s.summary.answers])).toEqual([
        ["qa", scores.a.length],
        ["qb", scores.b.length],
        ["r1", 20],
      ]);
      for (const b of ["a", "b"] as const) {
        const v = r.satisfaction.variants.find((x) => x.splitNodeId === "s1" && x.branchId === b && x.summary.scale === "nps")!;
        expect(v.summary.answers).toBe(scores[b].length);
        expect(v.summary.mean).toBeCloseTo(mean(scores[b]), 10);
      }
      // The touchpoints table shows "answered" as an outcome of its step.
      expect(r.messages.find((m) => m.nodeId === "qa")!.outcomes.answered).toBe(scores.a.length);
    });

    it("time in flow: median and p90 per way out, from the runs' own times", async () => {
      const f = await publish(db, "Timed", { nodes: [{ id: "t1", type: "trigger", data: { on: { type: "event", event: "Timed" } } }], edges: [] });
      const base = Date.parse("2026-01-01T00:00:00Z");
      // 10 converted after 1..10 minutes, 5 completed after 1..5 hours, 1 exited after 2 days, 1 still active.
      const rows: [string, number | null, number | null][] = [];
      for (let i = 1; i <= 10; i++) rows.push(["active", null, i * 60]);
      for (let i = 1; i <= 5; i++) rows.push(["completed", i * 3600, null]);
      rows.push(["exited", 2 * 86400, null]);
      rows.push(["active", null, null]);
      const [v] = await db.sql.query<{ id: string }>(`SELECT id FROM flow_versions WHERE flow_id = $1`, [f.id]);
      for (const [i, [status, ended, converted]] of rows.entries()) {
        const pid = await seedProfile(db, `tf-${label}-${i}`);
        await db.sql.query(
          `INSERT INTO runs (flow_id, flow_version_id, version, profile_id, status, entered_at, ended_at, converted_at) VALUES ($1, $2, 1, $3, $4, $5, $6, $7)`,
          [f.id, v.id, pid, status, new Date(base), ended === null ? null : new Date(base + ended * 1000), converted === null ? null : new Date(base + converted * 1000)],
        );
      }
      const t = await getTimeInFlow(db.sql, f.id, {});
      // percentile_cont interpolates: median of 1..10 min is 5.5 min, p90 is 9.1 min.
      expect(t.converted).toEqual({ runs: 10, medianSeconds: 330, p90Seconds: 546 });
      expect(t.completed).toEqual({ runs: 5, medianSeconds: 3 * 3600, p90Seconds: 4.6 * 3600 });
      expect(t.exited).toEqual({ runs: 1, medianSeconds: 2 * 86400, p90Seconds: 2 * 86400 });
      expect(t.all.runs).toBe(16);
      expect(await getTimeInFlow(db.sql, f.id, { from: new Date(base + 1000) })).toMatchObject({ all: { runs: 0, medianSeconds: null } });
    });
  });
}

describe.each(STORES)("$name", ({ name, open }) => satisfactionSuite(name, open));
