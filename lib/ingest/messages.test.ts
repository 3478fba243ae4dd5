// Unit tests of the Segment message schemas, limits and normalisation.
import { describe, expect, it } from "vitest";
import { parseBatch, parseMessage } from "./messages";
import { applyTraits, mergeSummaries } from "./profile-math";
import { updateSummary, emptySummary } from "@/lib/conditions";
import { compilePlan } from "./tracking-plan";

const now = new Date("2024-06-01T00:00:00Z");

describe("messages", () => {
  it("accepts Segment fields, numeric ids and unknown extras; fills messageId and timestamp", () => {
    const r = parseMessage("track", { userId: 42, event: "E", properties: { a: 1 }, integrations: { All: true }, sentAt: "x", channel: "server" }, now);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.messages[0]).toMatchObject({ userId: "42", name: "E", properties: { a: 1 }, timestamp: now });
    expect(r.messages[0].messageId).toMatch(/^pw-/);
  });
  it("needs an id, an event name and an ISO timestamp", () => {
    const r = parseMessage("track", { event: "E" }, now);
    expect(r.ok || r.details[0].path).toBe("userId");
    const t = parseMessage("identify", { userId: "u", timestamp: "01/02/2024" }, now);
    expect(t.ok || t.details[0].path).toBe("timestamp");
    expect(parseMessage("identify", { userId: "u", timestamp: "2024-01-02T03:04:05+02:00" }, now).ok).toBe(true);
    expect(parseMessage("track", [], now).ok).toBe(false);
  });
  it("folds a page into Page Viewed with name, path and url", () => {
    const r = parseMessage("page", { anonymousId: "a", name: "Docs", context: { page: { path: "/docs", url: "https://x/docs", title: "Docs" } } }, now);
    expect(r.ok && r.messages[0]).toMatchObject({ type: "page", name: "Page Viewed", properties: { name: "Docs", path: "/docs", url: "https://x/docs", title: "Docs" } });
  });
  it("limits messages to 32 KB (413) and names the index of a bad batch message", () => {
    const big = parseMessage("track", { userId: "u", event: "E", properties: { s: "x".repeat(40_000) } }, now);
    expect(big.ok || big.status).toBe(413);
    const b = parseBatch({ batch: [{ type: "track", userId: "u", event: "E" }, { type: "alias", userId: "u" }] }, now);
    expect(b.ok).toBe(false);
    if (!b.ok) expect(b.details.map((d) => d.path)).toEqual(["batch.1.previousId"]);
    expect(parseBatch({ batch: "no" }, now).ok).toBe(false);
    const ok = parseBatch({ batch: [{ type: "identify", anonymousId: "a", traits: { x: 1 } }], context: { library: { name: "analytics-node" } } }, now);
    expect(ok.ok && ok.messages[0].context).toEqual({ library: { name: "analytics-node" } });
  });
});

describe("profile math", () => {
  it("merges traits with null removing one", () => {
    expect(applyTraits({ a: 1, b: 2 }, { a: null, c: 3 })).toEqual({ b: 2, c: 3 });
  });
  it("merges summaries: totals add, occurrences interleave", () => {
    const a = updateSummary(emptySummary(), { name: "E", timestamp: 1000 });
    const b = updateSummary(updateSummary(emptySummary(), { name: "E", timestamp: 500 }), { name: "F", timestamp: 2000 });
    const m = mergeSummaries(a, b);
    expect(m.events.E.total).toBe(2);
    expect(m.events.E.recent.map((o) => o.t)).toEqual([500, 1000]);
    expect(m.events.F.total).toBe(1);
    expect(m.lastEventAt).toBe(2000);
  });
  it("checks the tracking plan's required properties and types", () => {
    const plan = compilePlan({ mode: "flag", events: [{ event: "Paid", properties: [{ name: "total", type: "number", required: true }, { name: "coupon", type: "string", required: false }] }] });
    expect(plan.check("Paid", { total: 3 })).toEqual([]);
    expect(plan.check("Paid", { coupon: 1 }).map((v) => v.property)).toEqual(["total", "coupon"]);
    expect(plan.check("Other", {})).toEqual([]);
  });
});
