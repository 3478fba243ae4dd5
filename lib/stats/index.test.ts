// Reference values for lib/stats, each computed independently of this code; the source is named
// beside every fixture.
import { describe, expect, it } from "vitest";
import { lgamma, mulberry32, newcombe, normalQuantile, probabilityToBeat, rate, uplift, verdict, wilson } from "./index";

describe("normalQuantile and lgamma", () => {
  // SciPy 1.17: scipy.stats.norm.ppf(0.975), norm.ppf(0.995), norm.ppf(0.001)
  it.each([
    [0.975, 1.959963984540054],
    [0.995, 2.5758293035489],
    [0.001, -3.090232306167813],
  ])("Φ⁻¹(%s) = %s", (p, z) => expect(normalQuantile(p)).toBeCloseTo(z, 12));

  // SciPy 1.17: scipy.special.gammaln(0.5), gammaln(100.5), gammaln(12345.678)
  it.each([
    [0.5, 0.5723649429247],
    [100.5, 361.435540467777571],
    [12345.678, 103959.919905546063092],
  ])("lnΓ(%s)", (x, v) => expect(lgamma(x)).toBeCloseTo(v, 8));
});

describe("wilson", () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
  // methods", Statistics in Medicine 17:857-872, Table I, method 3 (score): 81/263, 15/148, 0/20, 1/29.
  // Digits beyond the paper's four: SciPy 1.17 binomtest(x, n).proportion_ci(method="wilson").
  it.each([
    [81, 263, 0.2552885199, 0.366209577],
    [15, 148, 0.0623863995, 0.1604872417],
    [0, 20, 0, 0.1611251581],
    [1, 29, 0.0061132143, 0.1717552188],
    [29, 29, 0.8830302015, 1],
    [30, 1000, 0.0210937388, 0.0425034141],
    [5, 10, 0.2365930905, 0.7634069095],
  ])("%i/%i → [%s, %s]", (x, n, low, high) => {
    const w = wilson(x, n);
    expect(w.low).toBeCloseTo(low, 9);
    expect(w.high).toBeCloseTo(high, 9);
  });

  it("has no interval to give without data", () => {
    expect(wilson(0, 0)).toEqual({ low: 0, high: 1 });
    expect(rate(0, 0).rate).toBe(0);
  });
});

describe("newcombe", () => {
  // Newcombe (1998), "Interval estimation for the difference between independent proportions:
  // comparison of eleven methods", Statistics in Medicine 17:873-890, Table II, method 10
  // (hybrid score, no continuity correction), given to 4 decimals there.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
  ])("%i/%i − %i/%i → [%s, %s] (paper)", (x1, n1, x2, n2, low, high) => {
    const d = newcombe(x1, n1, x2, n2);
    expect(d.low).toBeCloseTo(low, 4);
    expect(d.high).toBeCloseTo(high, 4);
  });

  // Edge cases: a separate Python implementation of method 10 over SciPy's Wilson intervals.
  it.each([
    [0, 10, 0, 20, -0.161125, 0.277533],
    [10, 10, 0, 20, 0.679086, 1],
  ])("%i/%i − %i/%i → [%s, %s] (SciPy)", (x1, n1, x2, n2, low, high) => {
    const d = newcombe(x1, n1, x2, n2);
    expect(d.low).toBeCloseTo(low, 6);
    expect(d.high).toBeCloseTo(high, 6);
  });

  it("is wide open when an arm is empty", () => {
    expect(newcombe(3, 10, 0, 0)).toMatchObject({ low: -1, high: 1 });
  });
});

describe("probabilityToBeat", () => {
  // SciPy 1.17 numerical integration, independent of the closed form used here:
  // quad(lambda t: beta.pdf(t, 1+xB, 1+nB-xB) * beta.cdf(t, 1+xA, 1+nA-xA), ...)
  it.each([
    [12, 100, 10, 100, 0.6707204652],
    [60, 1000, 45, 1000, 0.9329864179],
    [0, 10, 0, 10, 0.5],
    [3, 20, 9, 20, 0.0215355009],
    [200, 2000, 180, 2000, 0.8593087622],
    [520, 10000, 480, 10000, 0.9027222712],
    [30100, 500000, 30000, 500000, 0.66302904],
  ])("P(B %i/%i beats A %i/%i) = %s", (xB, nB, xA, nA, p) => {
    expect(probabilityToBeat(xB, nB, xA, nA)).toBeCloseTo(p, 6);
  });

  // Above the exact-sum limit the normal approximation is used; SciPy's integral says 0.81385448.
  it("stays accurate on a million per arm", () => {
    expect(probabilityToBeat(60300, 1_000_000, 60000, 1_000_000)).toBeCloseTo(0.81385448, 3);
  });

  it("agrees with a seeded Monte Carlo of the two posteriors", () => {
    // Beta(a, b) for integer a, b as the a-th order statistic of a+b−1 uniforms (Gamma-free and exact).
    const rnd = mulberry32(42);
    const betaSample = (a: number, b: number) => {
      const u = Array.from({ length: a + b - 1 }, rnd).sort((p, q) => p - q);
      return u[a - 1];
    };
    let wins = 0;
    const draws = 20000;
    for (let i = 0; i < draws; i++) if (betaSample(1 + 7, 1 + 23) > betaSample(1 + 4, 1 + 26)) wins++;
    expect(probabilityToBeat(7, 30, 4, 30)).toBeCloseTo(wins / draws, 1);
  });

  it("is symmetric", () => {
    expect(probabilityToBeat(40, 300, 30, 280) + probabilityToBeat(30, 280, 40, 300)).toBeCloseTo(1, 10);
  });
});

describe("uplift and verdict", () => {
  it("gives absolute and relative uplift", () => {
    const u = uplift({ x: 60, n: 1000 }, { x: 45, n: 1000 });
    expect(u.absolute).toBeCloseTo(0.015, 12);
    expect(u.relative).toBeCloseTo(1 / 3, 12);
    expect(u.absoluteInterval.low).toBeLessThan(0.015);
    expect(u.relativeInterval!.high).toBeCloseTo(u.absoluteInterval.high / 0.045, 12);
    expect(uplift({ x: 3, n: 10 }, { x: 0, n: 10 }).relative).toBeNull();
  });

  it("withholds a verdict on small samples", () => {
    expect(verdict({ x: 9, n: 10 }, { x: 1, n: 10 }).kind).toBe("not_enough_data");
    expect(verdict({ x: 4, n: 500 }, { x: 5, n: 500 }).kind).toBe("not_enough_data");
  });

  it("calls a clear winner, a clear loser and a tie", () => {
    expect(verdict({ x: 150, n: 1000 }, { x: 100, n: 1000 }).kind).toBe("better");
    expect(verdict({ x: 100, n: 1000 }, { x: 150, n: 1000 }).kind).toBe("worse");
    expect(verdict({ x: 102, n: 1000 }, { x: 100, n: 1000 }).kind).toBe("inconclusive");
  });
});

describe("survey scores", () => {
  it("the mean score with a normal 95% interval from sums", async () => {
    const { meanScore } = await import("./index");
    // Scores 1..5 once each: mean 3, sample sd √2.5, half-width 1.96·√2.5/√5 = 1.386
    const m = meanScore(5, 15, 55);
    expect(m.mean).toBe(3);
    expect(m.interval.low).toBeCloseTo(3 - 1.959964 * Math.sqrt(2.5 / 5), 4);
    expect(m.interval.high).toBeCloseTo(3 + 1.959964 * Math.sqrt(2.5 / 5), 4);
    // One answer: no spread to estimate, the interval is the whole scale.
    expect(meanScore(1, 4, 16, { min: 1, max: 5 }).interval).toEqual({ low: 1, high: 5 });
    expect(meanScore(0, 0, 0).mean).toBeNull();
    // Clamped to the scale.
    expect(meanScore(2, 20, 200, { min: 0, max: 10 }).interval).toEqual({ low: 10, high: 10 });
  });
  it("NPS = %promoters − %detractors with the multinomial variance", async () => {
    const { nps } = await import("./index");
    // 50 promoters, 20 detractors, 30 passives of 100: NPS 30, var (0.5+0.2−0.09)/100
    const r = nps(50, 20, 100);
    expect(r.score).toBeCloseTo(30, 10);
    const half = 1.959964 * Math.sqrt((0.5 + 0.2 - 0.09) / 100) * 100;
    expect(r.interval.low).toBeCloseTo(30 - half, 3);
    expect(r.interval.high).toBeCloseTo(30 + half, 3);
    expect(nps(3, 0, 3).interval.high).toBe(100);
    expect(nps(0, 0, 0).score).toBeNull();
  });
});
