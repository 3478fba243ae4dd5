// The sandbox with workspace policies: quiet hours and caps on the virtual clock.
import { describe, expect, it } from "vitest";
import { simulate, SIMULATION_DEFAULT_START } from "./simulate";
import { graph, n } from "@/lib/testing/builders";

const at = (isoText: string) => new Date(isoText).toISOString();

describe("simulate with policies", () => {
  //   t1 (Signed Up) ──▶ m1 email "Welcome" ──▶ m2 in-app "Tour"
  const g = graph(
    [n.onEvent("t1", "Signed Up"), n.message("m1", { channel: "email", subject: "Welcome {{ user.name }}", body: "Hi" }), n.inApp("m2", "Tour", { placement: "home" })],
    ["t1->m1", "m1->m2"],
  );
  const quiet = { quietHours: { start: "22:00", end: "08:00" }, timezone: "UTC" };

  it("an email due at 02:00 in the user's time zone goes out at the end of quiet hours", () => {
    // The simulation starts 2025-01-01T00:00Z; 07:00Z is 02:00 in New York (UTC-5 in winter).
    expect(SIMULATION_DEFAULT_START).toBe(Date.UTC(2025, 0, 1));
    const r = simulate({ graph: g }, { profile: { traits: { timezone: "America/New_York", name: "Ann", email: "ann@example.com" } }, events: [{ at: "PT7H", type: "track", event: "Signed Up" }], policies: quiet });
    expect(r.trace.map((s) => [s.nodeId, s.result, s.at])).toEqual([
      ["t1", "next", at("2025-01-01T07:00:00Z")],
      ["m1", "delayed", at("2025-01-01T07:00:00Z")],
      ["m2", "sent", at("2025-01-01T07:00:00Z")],
      ["m1", "sent", at("2025-01-01T13:00:00Z")], // 08:00 in New York
    ]);
    expect(r.trace[1].reason).toMatchObject({ held: "quiet_hours", deliverAt: at("2025-01-01T13:00:00Z") });
    expect(r.messages.map((m) => [m.nodeId, m.at, m.dueAt])).toEqual([
      ["m2", at("2025-01-01T07:00:00Z"), undefined], // in-app is not held
      ["m1", at("2025-01-01T13:00:00Z"), at("2025-01-01T07:00:00Z")],
    ]);
    expect(r.until).toBe(at("2025-01-01T13:00:00Z"));
  });

  it("uses the workspace time zone without a timezone trait, and changes nothing without policies", () => {
    const inUtc = simulate({ graph: g }, { profile: { traits: { name: "Ann" } }, events: [{ at: "PT9H", type: "track", event: "Signed Up" }], policies: quiet });
    expect(inUtc.trace.map((s) => s.result)).toEqual(["next", "sent", "sent"]); // 09:00 UTC is not quiet
    const tokyo = simulate({ graph: g }, { profile: { traits: { name: "Ann" } }, events: [{ at: "PT20H", type: "track", event: "Signed Up" }], policies: { ...quiet, timezone: "Asia/Tokyo" } });
    expect(tokyo.trace.map((s) => s.result)).toEqual(["next", "delayed", "sent", "sent"]); // 05:00 in Tokyo
    expect(tokyo.trace[1].reason).toMatchObject({ held: "quiet_hours", deliverAt: at("2025-01-01T23:00:00Z") }); // 08:00 in Tokyo
    const none = simulate({ graph: g }, { profile: { traits: { timezone: "America/New_York", name: "Ann" } }, events: [{ at: "PT7H", type: "track", event: "Signed Up" }] });
    expect(none.messages.map((m) => m.at)).toEqual([at("2025-01-01T07:00:00Z"), at("2025-01-01T07:00:00Z")]);
  });

  it("caps a user who re-enters often, and reports bad policies as problems", () => {
    const r = simulate(
      { graph: g, settings: { reentry: "always" } },
      {
        profile: { traits: { name: "Ann" } },
        events: ["PT9H", "PT10H", "PT11H"].map((t) => ({ at: t, type: "track" as const, event: "Signed Up" })),
        policies: { caps: [{ channel: "email", limit: 2, window: "day", action: "drop" }] },
      },
    );
    expect(r.messages.filter((m) => m.channel === "email" && !m.suppressed)).toHaveLength(2);
    expect(r.trace.filter((s) => s.nodeId === "m1").map((s) => s.result)).toEqual(["sent", "sent", "suppressed"]);
    expect(r.messages.filter((m) => m.channel === "in_app" && !m.suppressed)).toHaveLength(3);
    const bad = simulate({ graph: g }, { profile: { traits: {} }, events: [], policies: { timezone: "Nowhere/Land" } });
    expect(bad.problems[0]).toMatch(/^policies: timezone/);
  });
});
