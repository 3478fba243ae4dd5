// Tests of calendar windows and quiet hours across time zones and daylight saving changes.
import { describe, expect, it } from "vitest";
import { quietHoursEnd } from "./quiet-hours";
import { isTimeZone, userTimeZone } from "./schema";
import { localParts, windowAt, zonedTime } from "./time";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe("zoned time", () => {
  it("finds the instant of a local wall time", () => {
    expect(iso(zonedTime("America/New_York", 2025, 3, 1, 2, 0))).toBe("2025-03-01T07:00:00.000Z"); // EST, UTC-5
    expect(iso(zonedTime("America/New_York", 2025, 7, 1, 2, 0))).toBe("2025-07-01T06:00:00.000Z"); // EDT, UTC-4
    expect(iso(zonedTime("Asia/Kolkata", 2025, 1, 31, 24, 0))).toBe("2025-01-31T18:30:00.000Z"); // day overflow
    expect(localParts(Date.UTC(2025, 2, 1, 7), "America/New_York")).toMatchObject({ year: 2025, month: 3, day: 1, hour: 2, minute: 0 });
  });

  it("resolves a time skipped by a DST jump to just after the gap", () => {
    // 2025-03-09 02:30 does not exist in New York (02:00 -> 03:00).
    expect(iso(zonedTime("America/New_York", 2025, 3, 9, 2, 30))).toBe("2025-03-09T07:30:00.000Z");
  });

  it("knows valid zone names and falls back to the workspace default", () => {
    expect(isTimeZone("Europe/Paris")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(userTimeZone({ timezone: "Asia/Tokyo" }, "UTC")).toBe("Asia/Tokyo");
    expect(userTimeZone({ timezone: "nowhere" }, "Europe/Paris")).toBe("Europe/Paris");
    expect(userTimeZone({}, "UTC")).toBe("UTC");
  });
});

describe("windows", () => {
  it("puts an instant in the user's calendar day, not UTC's", () => {
    // 2025-03-01T03:00Z is still Feb 28 in New York.
    const w = windowAt(Date.UTC(2025, 2, 1, 3), "America/New_York", "day");
    expect(w.key).toBe("day:2025-02-28");
    expect(iso(w.startsAt)).toBe("2025-02-28T05:00:00.000Z");
    expect(iso(w.endsAt)).toBe("2025-03-01T05:00:00.000Z");
    expect(windowAt(Date.UTC(2025, 2, 1, 3), "Asia/Tokyo", "day").key).toBe("day:2025-03-01");
  });

  it("has a 23-hour day when clocks spring forward", () => {
    const w = windowAt(Date.UTC(2025, 2, 9, 12), "America/New_York", "day");
    expect(w.endsAt - w.startsAt).toBe(23 * 3_600_000);
  });

  it("weeks run Monday to Monday in the user's zone", () => {
    // Sunday 2025-03-02 23:30 in Paris is still the week of Monday 2025-02-24.
    const sunday = zonedTime("Europe/Paris", 2025, 3, 2, 23, 30);
    const w = windowAt(sunday, "Europe/Paris", "week");
    expect(w.key).toBe("week:2025-02-24");
    expect(iso(w.endsAt)).toBe(iso(zonedTime("Europe/Paris", 2025, 3, 3, 0, 0)));
    expect(windowAt(w.endsAt, "Europe/Paris", "week").key).toBe("week:2025-03-03");
  });
});

describe("windows asked for in any order", () => {
  // windowAt keeps the spans it computed: whatever was asked before, an instant gets its own local
  // day's span, across clock changes (Lord Howe's are half an hour), going back in time, zones interleaved.
  const day = (ms: number, tz: string) => {
    const p = localParts(ms, tz);
    return `day:${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
  };
  it("gives every instant the day that contains it", () => {
    const from = Date.UTC(2025, 2, 5);
    const hours = Array.from({ length: 24 * 60 }, (_, i) => from + i * 3_600_000 + (i % 7) * 61_000);
    for (const ms of [...hours, ...[...hours].reverse()]) {
      for (const tz of ["America/New_York", "Europe/Paris", "Australia/Lord_Howe"]) {
        const w = windowAt(ms, tz, "day");
        expect(w.key).toBe(day(ms, tz));
        expect(w.endsAt - w.startsAt).toBeGreaterThan(22 * 3_600_000);
        const week = windowAt(ms, tz, "week");
        expect(week.endsAt - week.startsAt).toBeGreaterThan(6 * 86_400_000);
        if (tz === "Australia/Lord_Howe") continue;
        expect(ms >= w.startsAt && ms < w.endsAt).toBe(true);
        expect(ms >= week.startsAt && ms < week.endsAt).toBe(true);
      }
    }
  });
});

describe("quiet hours", () => {
  const qh = { enabled: true, start: "22:00", end: "08:00" };
  const ny = (d: number, h: number, m = 0) => zonedTime("America/New_York", 2025, 3, d, h, m);

  it("moves 02:00 to 08:00 the same morning, and 23:00 to 08:00 the next", () => {
    expect(iso(quietHoursEnd(ny(1, 2), "America/New_York", qh))).toBe(iso(ny(1, 8)));
    expect(iso(quietHoursEnd(ny(1, 23), "America/New_York", qh))).toBe(iso(ny(2, 8)));
    expect(quietHoursEnd(ny(1, 22), "America/New_York", qh)).toBe(ny(2, 8)); // the start is inside
  });

  it("leaves daytime alone, and the end itself is outside", () => {
    expect(quietHoursEnd(ny(1, 12), "America/New_York", qh)).toBeNull();
    expect(quietHoursEnd(ny(1, 8), "America/New_York", qh)).toBeNull();
    expect(quietHoursEnd(ny(1, 21, 59), "America/New_York", qh)).toBeNull();
  });

  it("handles a window within one day, a disabled one and an empty one", () => {
    expect(iso(quietHoursEnd(ny(1, 13), "America/New_York", { enabled: true, start: "12:00", end: "14:00" }))).toBe(iso(ny(1, 14)));
    expect(quietHoursEnd(ny(1, 2), "America/New_York", { ...qh, enabled: false })).toBeNull();
    expect(quietHoursEnd(ny(1, 2), "America/New_York", { enabled: true, start: "08:00", end: "08:00" })).toBeNull();
    expect(quietHoursEnd(ny(1, 2), "America/New_York", null)).toBeNull();
  });

  it("reads the clock in the user's zone", () => {
    // 07:00Z is 02:00 in New York (quiet) but 16:00 in Tokyo (not).
    expect(quietHoursEnd(Date.UTC(2025, 2, 1, 7), "America/New_York", qh)).not.toBeNull();
    expect(quietHoursEnd(Date.UTC(2025, 2, 1, 7), "Asia/Tokyo", qh)).toBeNull();
  });
});
