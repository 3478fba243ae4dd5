// The alert rules: which histories alert and which stay quiet.
import { describe, expect, it } from "vitest";
import { failureAlert, volumeAlert } from "./alerts";

const HOUR = 3_600_000;
const now = Date.UTC(2026, 2, 20, 12, 30);
const hourStart = Math.floor(now / HOUR) * HOUR;

function history(perHour: (hoursAgo: number) => number, hours = 8 * 24) {
  const m = new Map<number, number>();
  for (let h = 0; h < hours; h++) m.set(hourStart - h * HOUR, perHour(h));
  return m;
}

describe("volumeAlert", () => {
  it("stays quiet on steady traffic with ordinary noise", () => {
    expect(volumeAlert(history((h) => 100 + ((h * 7) % 11) - 5), now)).toBeNull();
  });

  it("flags a drop below mean − 3σ as critical when it is a collapse", () => {
    const a = volumeAlert(history((h) => (h < 24 ? 5 : 100)), now);
    expect(a).toMatchObject({ kind: "event_volume_drop", severity: "critical", value: 120 });
    expect(a!.baseline.mean).toBe(2400);
  });

  it("flags a spike", () => {
    expect(volumeAlert(history((h) => (h < 24 ? 300 : 100)), now)?.kind).toBe("event_volume_spike");
  });

  it("needs a week of history and a minimum volume", () => {
    expect(volumeAlert(history((h) => (h < 24 ? 0 : 100), 3 * 24), now)).toBeNull();
    expect(volumeAlert(history((h) => (h < 24 ? 0 : 1)), now)).toBeNull();
    expect(volumeAlert(new Map(), now)).toBeNull();
  });
});

describe("failureAlert", () => {
  const base = { flowId: "f", flowName: "Welcome", nodeId: "m1" };
  it("flags a failure rate well above its baseline", () => {
    // baseline p0 = 2%; n = 200 → 3·√(0.02·0.98/200) = 0.0297, bound max(0.0497, 0.07) = 0.07
    expect(failureAlert({ ...base, today: { sent: 180, failed: 20 }, baseline: { sent: 980, failed: 20 } })).toMatchObject({ kind: "failure_rate", severity: "warning", value: 0.1 });
    expect(failureAlert({ ...base, today: { sent: 188, failed: 12 }, baseline: { sent: 980, failed: 20 } })).toBeNull();
  });

  it("needs enough attempts today", () => {
    expect(failureAlert({ ...base, today: { sent: 5, failed: 10 }, baseline: { sent: 980, failed: 20 } })).toBeNull();
  });

  it("without a baseline, alerts only on a majority of failures", () => {
    expect(failureAlert({ ...base, today: { sent: 10, failed: 30 }, baseline: { sent: 0, failed: 0 } })?.severity).toBe("critical");
    expect(failureAlert({ ...base, today: { sent: 30, failed: 10 }, baseline: { sent: 0, failed: 0 } })).toBeNull();
  });
});
