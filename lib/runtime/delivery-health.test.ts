// Undeliverable messages are told, not hidden (issue: a failed email read "Message sent"): the
// profile's step, the publish check, the server log and Home's alerts all say it. Runs on PGlite
// and PostgreSQL with a real SMTP server.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/lib/db/client";
import { getProfile } from "@/lib/profiles/read";
import { getOverview } from "@/lib/results/overview";
import { explainStep } from "@/components/data/explain-step";
import { clearFlowCache } from "./flow-cache";
import { deliveryWarnings, sendTestEmail, channelStatus } from "./channels";
import { ingest, publish, runDueJobs, seedProfile } from "@/lib/testing/runtime";
import { STORES } from "@/lib/testing/db";
import { startSmtp } from "@/lib/testing/smtp";

const SMTP_KEYS = ["SMTP_URL", "SMTP_HOST", "SMTP_PORT", "SMTP_FROM", "SMTP_USER", "SMTP_PASS", "SMTP_SECURE"] as const;

function deliveryHealthSuite(label: string, open: () => Promise<Db>) {
  describe(`delivery health on ${label}`, () => {
    let db: Db;
    const saved: Partial<Record<string, string>> = {};
    beforeAll(async () => {
      for (const k of [...SMTP_KEYS, "PATHWISE_WEBHOOK_ALLOWLIST"]) {
        saved[k] = process.env[k];
        delete process.env[k];
      }
      db = await open();
    });
    afterAll(async () => {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
      await db.close();
    });
    afterEach(() => {
      vi.restoreAllMocks();
      clearFlowCache();
    });

    const emailFlow = {
      nodes: [
        { id: "t1", type: "trigger", data: { on: { type: "event", event: "Went Quiet" } } },
        { id: "m1", type: "message", label: "Come back email", data: { channel: "email", subject: "We miss you", body: "<p>Hi {{ user.name }}</p>" } },
      ],
      edges: [{ id: "e1", source: "t1", target: "m1" }],
    };

    it("without SMTP, a failed email is failed on the profile, logged, warned at publish and on Home", async () => {
      expect(channelStatus().email.configured).toBe(false);
      // Publish check: the step cannot be delivered.
      const warnings = await deliveryWarnings(emailFlow);
      expect(warnings).toEqual([expect.objectContaining({ nodeId: "m1", label: "Come back email", channel: "email", code: "email_not_configured" })]);

      const flow = await publish(db, "Re-engagement", emailFlow);
      const pid = await seedProfile(db, "quiet-1", { name: "Ann", email: "ann@example.com" });
      const logged: string[] = [];
      vi.spyOn(console, "warn").mockImplementation((...a: unknown[]) => void logged.push(a.join(" ")));
      await ingest(db, pid, [{ name: "Went Quiet" }]);
      await runDueJobs(db);

      // The log line an operator sees.
      expect(logged.some((l) => l.includes("delivery failed: email") && l.includes(`flow=${flow.id}`) && l.includes("node=m1") && l.includes("SMTP"))).toBe(true);

      // The profile: the step carries the touchpoint's fate and reads as failed.
      const profile = await getProfile(db.sql, "quiet-1");
      const step = profile!.runs[0].steps.find((s) => s.nodeId === "m1")!;
      expect(step.delivery).toMatchObject({ channel: "email", fate: "failed", status: "failed" });
      // Named as the marketer named the step, and the trigger by what it does (lib/flow/step-name).
      expect(step.stepName).toBe("Come back email");
      expect(profile!.runs[0].steps.find((s) => s.nodeId === "t1")?.stepName).toBe("When Went Quiet");
      const e = explainStep(step);
      expect(e.label).toBe("Email failed");
      expect(e.label).not.toMatch(/sent/i);

      // Home: not "all clear".
      const o = await getOverview(db.sql, {});
      const kinds = o.alerts.map((a) => a.kind);
      expect(kinds).toContain("channel_not_configured");
      expect(kinds).toContain("deliveries_failed");
      expect(o.alerts.find((a) => a.kind === "channel_not_configured")).toMatchObject({ flowId: flow.id, nodeId: "m1", severity: "critical" });
      expect(o.channels.email.configured).toBe(false);
      // Once SMTP is set up, the channel alert goes (the failure of today stays).
      expect((await getOverview(db.sql, { emailConfigured: true })).alerts.map((a) => a.kind)).not.toContain("channel_not_configured");
    });

    it("warns about a webhook to an address the outbound guard refuses, not about a Liquid URL", async () => {
      const graph = {
        nodes: [
          { id: "t1", type: "trigger", data: { on: { type: "event", event: "X" } } },
          { id: "w1", type: "message", data: { channel: "webhook", url: "http://127.0.0.1:9/hook" } },
          { id: "w2", type: "message", data: { channel: "webhook", url: "http://169.254.169.254/latest" } },
          { id: "w3", type: "message", data: { channel: "webhook", url: "{{ user.hook }}" } },
        ],
        edges: [],
      };
      const w = await deliveryWarnings(graph);
      expect(w.map((x) => [x.nodeId, x.code])).toEqual([
        ["w1", "webhook_refused"],
        ["w2", "webhook_refused"],
      ]);
      expect(w[0].message).toMatch(/PATHWISE_WEBHOOK_ALLOWLIST/);
      process.env.PATHWISE_WEBHOOK_ALLOWLIST = "127.0.0.1";
      try {
        expect((await deliveryWarnings(graph)).map((x) => x.nodeId)).toEqual(["w2"]);
      } finally {
        delete process.env.PATHWISE_WEBHOOK_ALLOWLIST;
      }
    });

    it("send test: a clear error without SMTP, a real SMTP conversation with it", async () => {
      await expect(sendTestEmail("me@example.com", { subject: "Hi", body: "<p>x</p>" })).rejects.toThrow(/Email is not configured/);
      const smtp = await startSmtp();
      const mails = smtp.mails;
      smtp.useInEnv();
      try {
        expect(channelStatus().email).toMatchObject({ configured: true, server: `127.0.0.1:${process.env.SMTP_PORT}` });
        expect(await deliveryWarnings(emailFlow)).toEqual([]);
        const r = await sendTestEmail("me@example.com", { subject: "We miss you", body: "<p>Hi Ada</p>" });
        expect(r.messageId).toBeTruthy();
        expect(mails).toHaveLength(1);
        expect(mails[0].to).toEqual(["me@example.com"]);
        expect(mails[0].raw).toMatch(/Subject: \[Test\] We miss you/);
        expect(mails[0].raw).toMatch(/Hi Ada/);
      } finally {
        delete process.env.SMTP_HOST;
        delete process.env.SMTP_PORT;
        await smtp.close();
      }
    });
  });
}

describe.each(STORES)("$name", ({ name, open }) => deliveryHealthSuite(name, open));
