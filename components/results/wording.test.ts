// The results page's words: a verdict names the winner, durations read as people say them.
import { describe, expect, it } from "vitest";
import { verdictText } from "./parts";
import { duration } from "./satisfaction";

describe("verdict wording", () => {
  it("names the winner rather than saying one arm is worse than control", () => {
    expect(verdictText("worse", "Free shipping", "10% off")).toBe("10% off wins");
    expect(verdictText("better", "Free shipping", "10% off")).toBe("Free shipping wins");
    expect(verdictText("better", "Flow", "Holdout")).toBe("Flow wins");
    expect(verdictText("inconclusive", "A", "B")).toBe("No clear winner yet");
    expect(verdictText("not_enough_data", "A", "B")).toBe("Not enough data yet");
  });
  it("durations", () => {
    expect(duration(null)).toBe("—");
    expect(duration(42)).toBe("42 s");
    expect(duration(330)).toBe("5 min 30 s");
    expect(duration(5400)).toBe("1 h 30 min");
    expect(duration(2 * 86400 + 7 * 3600)).toBe("2 d 7 h");
  });
});
