// Tests of the per-profile event summary: bounds, ordering, trimming and purity.
import { describe, expect, it } from "vitest";
import { asSummary, countEvents, emptySummary, trimProperties, updateSummary } from "./summary";

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);

describe("updateSummary", () => {
  it("keeps totals, first/last, and occurrences in time order even out of order", () => {
    let s = emptySummary();
    s = updateSummary(s, { name: "A", timestamp: T0 + 3000 });
    s = updateSummary(s, { name: "A", timestamp: T0 + 1000 });
    s = updateSummary(s, { name: "A", timestamp: T0 + 2000 });
    expect(s.events.A.total).toBe(3);
    expect(s.events.A.first).toBe(T0 + 1000);
    expect(s.events.A.last).toBe(T0 + 3000);
    expect(s.events.A.recent.map((o) => o.t)).toEqual([T0 + 1000, T0 + 2000, T0 + 3000]);
    expect(s.lastEventAt).toBe(T0 + 3000);
  });

  it("caps occurrences per name but keeps the exact total", () => {
    let s = emptySummary();
    for (let i = 0; i < 250; i++) s = updateSummary(s, { name: "A", timestamp: T0 + i });
    expect(s.events.A.recent.length).toBe(200);
    expect(s.events.A.recent[0].t).toBe(T0 + 50);
    expect(s.events.A.total).toBe(250);
    expect(countEvents(s, "A", -Infinity, T0 + 1000)).toBe(250); // no where, no window: exact total
    expect(countEvents(s, "A", T0, T0 + 1000)).toBe(200); // windowed: what is kept
  });

  it("drops occurrences older than the horizon", () => {
    let s = emptySummary();
    s = updateSummary(s, { name: "A", timestamp: T0 });
    s = updateSummary(s, { name: "A", timestamp: T0 + 91 * DAY });
    expect(s.events.A.recent.map((o) => o.t)).toEqual([T0 + 91 * DAY]);
    s = updateSummary(s, { name: "A", timestamp: T0 + 92 * DAY }, { horizonMs: 0 });
    expect(s.events.A.recent.length).toBe(1);
  });

  it("caps the number of names, dropping the stalest", () => {
    let s = emptySummary();
    for (let i = 0; i < 5; i++) s = updateSummary(s, { name: `E${i}`, timestamp: T0 + i }, { maxNames: 3 });
    expect(Object.keys(s.events).sort()).toEqual(["E2", "E3", "E4"]);
  });

  it("does not mutate its input and stays JSON", () => {
    const a = updateSummary(null, { name: "A", properties: { x: 1 }, timestamp: T0 });
    const before = JSON.stringify(a);
    const b = updateSummary(a, { name: "A", timestamp: T0 + 1 });
    expect(JSON.stringify(a)).toBe(before);
    expect(JSON.parse(JSON.stringify(b))).toEqual(b);
    expect(asSummary(JSON.parse(JSON.stringify(b)))).toEqual(b);
    expect(asSummary({ nonsense: true })).toEqual(emptySummary());
  });
});

describe("trimProperties", () => {
  it("keeps scalars and scalar arrays, flattens objects, cuts long strings", () => {
    const p = trimProperties({ a: 1, b: "x".repeat(300), c: [1, { no: 1 }, "y"], d: { e: { f: true } }, g: () => 1, h: undefined });
    expect(p).toEqual({ a: 1, b: "x".repeat(256), c: [1, "y"], "d.e.f": true });
    expect(trimProperties({})).toBeUndefined();
  });
});
