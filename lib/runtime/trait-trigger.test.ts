// Trait triggers end to end, on PGlite and on PostgreSQL (describe.each over both stores):
// a trait changed by an identify, an import or the engagement score decaying while a user is quiet lets
// the user into the flow, through the real ingestion pipeline, the real worker jobs and a real SMTP
// server; and the workspace's global control group keeps its users from every flow's messages.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { inGlobalControl } from "@/lib/engine/dispatch";
import { createImport } from "@/lib/ingest/import";
import { clearSettingsCache, saveGlobalControl } from "@/lib/ingest/settings";
import { clearFlowCache } from "./flow-cache";
import { decide } from "./decide";
import { listRunsWithSteps } from "./explain";
import { scheduleMaintenance } from "./maintenance";
import { getFlowResults } from "@/lib/results/results";
import { ingest, publish, runDueJobs, runWorkerUntil, seedProfile } from "@/lib/testing/runtime";
import { STORES } from "@/lib/testing/db";
import { startSmtp, type ReceivedMail, type TestSmtp } from "@/lib/testing/smtp";

const DAY = 86_400_000;
const node = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, position: { x: 0, y: 0 }, data });
const edge = (source: string, target: string) => ({ id: `${source}-${target}`, source, target });
const traitTrigger = (id: string, trait: string, op: string, value?: unknown) => node(id, "trigger", { on: { type: "trait", trait, op, ...(value !== undefined ? { value } : {}) } });

describe.each(STORES)("trait triggers on $name", ({ open }) => {
  {
    let db: Db;
    let smtp: TestSmtp;
    let mails: ReceivedMail[] = [];

    beforeAll(async () => {
      db = await open();
      smtp = await startSmtp();
      mails = smtp.mails;
      smtp.useInEnv("Pathwise <flows@example.com>");
    });
    afterAll(async () => {
      await smtp.close();
      await db.close();
    });
    beforeEach(() => {
      clearFlowCache();
      clearSettingsCache();
    });

    const runsOf = (pid: string) => listRunsWithSteps(db.sql, pid);
    const traitsOf = async (pid: string) => (await db.sql.query<{ traits: Record<string, unknown> }>(`SELECT traits FROM profiles WHERE id = $1`, [pid]))[0].traits;
    const touchpoints = (pid: string) => db.sql.query<{ status: string; node_id: string }>(`SELECT status, node_id FROM touchpoints WHERE profile_id = $1 ORDER BY seq`, [pid]);

    it("enters when an identify makes the trait satisfy the test, once per crossing", async () => {
      await publish(db, "Went pro", { nodes: [traitTrigger("t1", "plan", "eq", "pro"), node("m1", "message", { channel: "in_app", placement: "pro-welcome", content: "Welcome to Pro" })], edges: [edge("t1", "m1")] }, { reentry: "always" });
      const pid = await seedProfile(db, "trait-identify-1", { plan: "free" });
      await ingest(db, pid, [{ type: "identify", name: "Identify", traits: { plan: "free", name: "Ann" } }]);
      expect(await runsOf(pid)).toHaveLength(0);
      await ingest(db, pid, [{ type: "identify", name: "Identify", traits: { plan: "pro" } }]);
      expect(await runsOf(pid)).toHaveLength(1);
      expect((await decide(db.sql, { userId: "trait-identify-1", placements: ["pro-welcome"] })).decisions["pro-welcome"]?.content).toBe("Welcome to Pro");
      // Still pro: no second entry, however often identify repeats it.
      await ingest(db, pid, [{ type: "identify", name: "Identify", traits: { plan: "pro", name: "Ann B" } }]);
      expect(await runsOf(pid)).toHaveLength(1);
    });

    it("enters when an import changes the trait", async () => {
      await publish(db, "Became admin", { nodes: [traitTrigger("t1", "role", "eq", "admin"), node("m1", "message", { channel: "in_app", placement: "admin-tour", content: "Admin tour" })], edges: [edge("t1", "m1")] });
      const pid = await seedProfile(db, "trait-import-1", { role: "member" });
      const other = await seedProfile(db, "trait-import-2", { role: "admin" });
      const imp = await createImport(db, { data: Buffer.from(JSON.stringify([{ userId: "trait-import-1", traits: { role: "admin" } }, { userId: "trait-import-2", traits: { role: "admin", team: "x" } }])), format: "json" });
      expect(imp.ok).toBe(true);
      await runDueJobs(db);
      expect((await traitsOf(pid)).role).toBe("admin");
      expect((await runsOf(pid)).map((r) => r.flowName ?? r.flowId)).toHaveLength(1);
      // Already an admin before the import: no crossing, no entry.
      expect(await runsOf(other)).toHaveLength(0);
    });

    it("sends the re-engagement email when a quiet user's engagement score decays below 20", async () => {
      await publish(db, "Re-engagement", {
        nodes: [traitTrigger("t1", "engagement_score", "lt", 20), node("m1", "message", { channel: "email", subject: "We miss you, {{ user.name }}", body: "<p>Your score is {{ user.engagement_score }}</p>" })],
        edges: [edge("t1", "m1")],
      });
      const quiet = await seedProfile(db, "quiet-1", { name: "Quinn", email: "quinn@example.com" });
      const busy = await seedProfile(db, "busy-1", { name: "Bo", email: "bo@example.com" });
      // Both were active 40 days ago (received then: the clock of that request is 40 days back).
      const then = new Date(Date.now() - 40 * DAY);
      for (const pid of [quiet, busy]) await ingest(db, pid, [1, 2, 3].map((i) => ({ name: "Order Completed", timestamp: new Date(then.getTime() - i * 1000) })), { now: then });
      expect((await traitsOf(quiet)).engagement_score).toBe(30);
      // Bo comes back this week; Quinn never does.
      const recent = new Date(Date.now() - 2 * DAY);
      await ingest(db, busy, [1, 2, 3].map((i) => ({ name: "Order Completed", timestamp: new Date(recent.getTime() - i * 1000) })), { now: recent });
      expect(await runsOf(quiet)).toHaveLength(0);

      // The worker's recurring job recomputes scores now: Quinn's events left the 30-day window.
      await scheduleMaintenance(db.sql);
      expect(await runWorkerUntil(db, async () => (await touchpoints(quiet))[0]?.status === "sent", 10_000)).toBe(true);
      expect((await traitsOf(quiet)).engagement_score).toBe(0);
      expect((await traitsOf(busy)).engagement_score).toBe(30);
      expect(await runsOf(busy)).toHaveLength(0);
      const mail = mails.find((m) => m.to.includes("quinn@example.com"));
      expect(mail?.raw).toContain("Subject: We miss you, Quinn");
      expect(mail?.raw).toContain("Your score is 0");
      expect(mails.some((m) => m.to.includes("bo@example.com"))).toBe(false);
      // The job came back for its next round, and a second pass changes nothing.
      const jobs = await db.sql.query<{ key: string }>(`SELECT key FROM jobs WHERE queue = 'maintenance' ORDER BY key`);
      expect(jobs.map((j) => j.key)).toContain("maintenance:engagement");
      await runDueJobs(db);
      expect(await runsOf(quiet)).toHaveLength(1);
    });

    it("keeps the global control group's users from every flow's messages, counted and marked", async () => {
      await saveGlobalControl(db.sql, { percent: 20 });
      try {
        await publish(db, "GC offer", { nodes: [node("t1", "trigger", { on: { type: "event", event: "GC Go" } }), node("m1", "message", { channel: "in_app", placement: "gc", content: "Offer" })], edges: [edge("t1", "m1")] });
        const users = Array.from({ length: 60 }, (_, i) => `gc-${i}`);
        const held = users.find((u) => inGlobalControl(20, u))!;
        const treated = users.find((u) => !inGlobalControl(20, u))!;
        for (const u of [held, treated]) {
          const pid = await seedProfile(db, u);
          await ingest(db, pid, [{ name: "GC Go" }]);
        }
        expect((await decide(db.sql, { userId: held, placements: ["gc"] })).decisions.gc).toBeNull();
        expect((await decide(db.sql, { userId: treated, placements: ["gc"] })).decisions.gc?.content).toBe("Offer");
        const [run] = await db.sql.query<{ holdout: boolean; control: string | null }>(
          `SELECT r.holdout, r.state ->> 'control' AS control FROM runs r JOIN profiles p ON p.id = r.profile_id WHERE p.user_id = $1`,
          [held],
        );
        expect(run).toEqual({ holdout: true, control: "global" });
        // The flow's results compare it with the global control group, apart from its own holdout.
        const gcFlow = (await db.sql.query<{ id: string }>(`SELECT id FROM flows WHERE name = 'GC offer'`))[0].id;
        const res = await getFlowResults(db.sql, gcFlow, {}, { globalControlPercent: 20 });
        expect(res.globalControl).toMatchObject({ percent: 20, treatment: { n: 1 }, control: { n: 1 } });
        expect(res.holdout).toBeNull();
      } finally {
        await saveGlobalControl(db.sql, { percent: 0 });
      }
    });

    it("holds a placement for a user in another flow's holdout, and the results of both flows say so", async () => {
      const a = await publish(db, "Held banner", { nodes: [node("t1", "trigger", { on: { type: "event", event: "Hold Go" } }), node("m1", "message", { channel: "in_app", placement: "home-hero", content: "A" })], edges: [edge("t1", "m1")] }, { holdout: 100 });
      const b = await publish(db, "Other banner", { nodes: [node("t1", "trigger", { on: { type: "event", event: "Hold Go" } }), node("m1", "message", { channel: "in_app", placement: "home-hero", content: "B" })], edges: [edge("t1", "m1")] });
      const held = await seedProfile(db, "hold-1");
      await ingest(db, held, [{ name: "Hold Go" }]);
      // Without the rule, flow B's banner would fill the placement of a user held out of flow A.
      expect((await decide(db.sql, { userId: "hold-1", placements: ["home-hero"] })).decisions["home-hero"]).toBeNull();
      expect((await getFlowResults(db.sql, b.id, {})).placementHolds).toEqual({ heldFromOthers: 1, heldForThis: 0 });
      expect((await getFlowResults(db.sql, a.id, {})).placementHolds).toEqual({ heldFromOthers: 0, heldForThis: 1 });
      // Pausing the holdout's flow frees the placement.
      await db.sql.query(`UPDATE flows SET status = 'paused' WHERE id = $1`, [a.id]);
      expect((await decide(db.sql, { userId: "hold-1", placements: ["home-hero"] })).decisions["home-hero"]?.content).toBe("B");
    });
  }
});
