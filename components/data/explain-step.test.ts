// The explain trace's wording for each step result and reason a run can record.
import { describe, expect, it } from "vitest";
import { explainStep, when } from "./explain-step";

const now = Date.parse("2025-03-01T12:00:00Z");

describe("explainStep", () => {
  it("explains a message held by quiet hours with when it goes out", () => {
    const e = explainStep({ result: "delayed", reason: { held: "quiet_hours", deliverAt: "2025-03-01T15:00:00Z" } }, now);
    expect(e.label).toBe("Message held");
    expect(e.tone).toBe("warn");
    expect(e.details.join(" ")).toMatch(/quiet hours/);
    expect(e.details.join(" ")).toMatch(/in 3 h/);
  });

  it("names the frequency cap that held or dropped a message", () => {
    const cap = { channel: "email", limit: 2, window: "day", action: "delay" };
    expect(explainStep({ result: "delayed", reason: { held: "frequency_cap", cap, deliverAt: "2025-03-02T00:00:00Z" } }, now).details[0]).toBe(
      "It would have gone over the email frequency cap (2 emails per day).",
    );
    const dropped = explainStep({ result: "suppressed", reason: { suppressed: "frequency_cap", cap: { ...cap, limit: 1, action: "drop" } } }, now);
    expect(dropped.label).toBe("Message not sent");
    expect(dropped.details[0]).toMatch(/1 email per day\), which drops/);
  });

  it("explains the other suppressions", () => {
    expect(explainStep({ result: "suppressed", reason: { suppressed: "holdout" } }).details[0]).toMatch(/holdout/);
    expect(explainStep({ result: "suppressed", reason: { suppressed: "already_received" } }).details[0]).toMatch(/already received/);
  });

  it("says where a migrated run came from", () => {
    const e = explainStep({ result: "migrated", reason: { migratedFrom: { version: 1, nodeId: "w1" }, due: "2025-03-01T12:30:00Z" } }, now);
    expect(e.label).toBe("Moved to the new version");
    expect(e.details[0]).toBe("Came from node w1 of version 1 when the flow was republished.");
    expect(e.details[1]).toMatch(/in 30 min/);
  });

  it("reads conditions, splits and unknown results without failing", () => {
    expect(explainStep({ result: "no", reason: { fellBack: "no", seen: { traits: { plan: null } } } }).details).toEqual([
      "A trait the condition reads was absent and the node has no “missing” path, so the user went down “no”.",
      "Trait plan was absent.",
    ]);
    expect(explainStep({ result: "b", reason: { bucket: 62.5, sticky: false } }).label).toBe("Branch b");
    expect(explainStep({ result: "something_new", reason: null })).toEqual({ label: "something_new", tone: "info", details: [] });
  });

  it("says what let the user in", () => {
    expect(explainStep({ result: "next", reason: { trigger: "event: Product Viewed" } }).details).toEqual(["Let in by the event Product Viewed."]);
    expect(explainStep({ result: "next", reason: { trigger: "identify: Identify" } }).details).toEqual(["Let in by their first identify."]);
  });

  it("formats past and future times", () => {
    expect(when("2025-03-01T10:00:00Z", now)).toMatch(/\(2 h ago\)$/);
    expect(when("not a date", now)).toBe("not a date");
  });
});

describe("a message step reads as what became of the delivery, not as a send", () => {
  it("a failed email is not 'Message sent'", () => {
    const e = explainStep({ result: "sent", delivery: { channel: "email", fate: "failed", error: "Email is not configured: set SMTP_URL or SMTP_HOST" } });
    expect(e.label).toBe("Email failed");
    expect(e.tone).toBe("bad");
    expect(e.details.join(" ")).toMatch(/SMTP/);
  });
  it("an email still in the outbox is queued, a delivered one sent", () => {
    expect(explainStep({ result: "sent", delivery: { channel: "email", fate: "waiting" } }).label).toBe("Email queued");
    expect(explainStep({ result: "sent", delivery: { channel: "webhook", fate: "sent" } }).label).toBe("Webhook sent");
  });
  it("an in-app message is shown or ready, never 'sent'", () => {
    expect(explainStep({ result: "sent", delivery: { channel: "in_app", fate: "seen" } }).label).toBe("In-app message shown");
    expect(explainStep({ result: "sent", delivery: { channel: "in_app", fate: "not_seen" } }).label).toBe("In-app message ready");
  });
});
