// Statistics for conversion results: Wilson intervals for rates, Newcombe intervals for differences,
// absolute and relative uplift, the Beta-Binomial probability to beat control, and the rule that
// withholds a verdict until there is enough data.

export type Interval = { low: number; high: number };
export type Rate = { x: number; n: number; rate: number; interval: Interval };

/** The standard normal quantile (Acklam's rational approximation, refined by one Halley step). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError("p must be in (0, 1)");
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowTail = 0.02425;
  let x: number;
  if (p < lowTail) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - lowTail) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // One Halley step against the complementary error function brings it to full double precision.
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** The complementary error function to near double precision: a series near 0, a continued fraction in the tails. */
export function erfc(x: number): number {
  // Short rational fits (error ~1e-7) would undo the Halley refinement in normalQuantile.
  const ax = Math.abs(x);
  let r: number;
  if (ax < 2) {
    // erf by its Maclaurin series converges fast for |x| < 2
    let sum = ax;
    let term = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    r = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // Lentz's continued fraction for erfc
    const tiny = 1e-300;
    let f = ax;
    let C = ax;
    let D = 0;
    for (let n = 1; n < 500; n++) {
      const an = n / 2;
      D = ax + an * D;
      D = D === 0 ? tiny : D;
      C = ax + an / C;
      C = C === 0 ? tiny : C;
      D = 1 / D;
      const delta = C * D;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    r = Math.exp(-ax * ax) / (f * Math.sqrt(Math.PI));
  }
  return x >= 0 ? r : 2 - r;
}

const z95 = normalQuantile(0.975);

function zFor(confidence: number): number {
  return confidence === 0.95 ? z95 : normalQuantile(1 - (1 - confidence) / 2);
}

/** Wilson's score interval for a proportion x/n (Wilson 1927; Newcombe 1998 method 3). */
export function wilson(x: number, n: number, confidence = 0.95): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  const z = zFor(confidence);
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // Clamp the rounding at the ends: x = 0 gives exactly 0, x = n exactly 1.
  return { low: x === 0 ? 0 : Math.max(0, centre - half), high: x === n ? 1 : Math.min(1, centre + half) };
}

export function rate(x: number, n: number, confidence = 0.95): Rate {
  return { x, n, rate: n > 0 ? x / n : 0, interval: wilson(x, n, confidence) };
}

/**
 * Newcombe's hybrid score interval for p1 − p2 (Newcombe 1998, method 10): it combines the two Wilson
 * intervals, so it stays inside [−1, 1] and behaves at 0 or n successes where the Wald interval fails.
 */
export function newcombe(x1: number, n1: number, x2: number, n2: number, confidence = 0.95): Interval & { estimate: number } {
  const p1 = n1 > 0 ? x1 / n1 : 0;
  const p2 = n2 > 0 ? x2 / n2 : 0;
  const d = p1 - p2;
  if (n1 <= 0 || n2 <= 0) return { estimate: d, low: -1, high: 1 };
  const w1 = wilson(x1, n1, confidence);
  const w2 = wilson(x2, n2, confidence);
  const low = d - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2);
  const high = d + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2);
  return { estimate: d, low, high };
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error about 1e-15). */
export function lgamma(x: number): number {
  const g = 7;
  const coef = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const xx = x - 1;
  let a = coef[0];
  const t = xx + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += coef[i] / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

const lbeta = (a: number, b: number) => lgamma(a) + lgamma(b) - lgamma(a + b);

// Above this many successes in both arms the exact sum gets long; the normal approximation of two
// Beta posteriors is then accurate to far better than the two decimals shown.
const EXACT_LIMIT = 50_000;

/**
 * P(p_B > p_A) where p_A ~ Beta(1 + xA, 1 + nA − xA) and p_B ~ Beta(1 + xB, 1 + nB − xB): the posterior
 * probability that B beats A under uniform priors. Exact closed form for integer parameters
 * (a finite sum of Beta functions, e.g. Evan Miller's "Formulas for Bayesian A/B testing").
 */
export function probabilityToBeat(xB: number, nB: number, xA: number, nA: number): number {
  const aA = xA + 1;
  const bA = nA - xA + 1;
  const aB = xB + 1;
  const bB = nB - xB + 1;
  if (Math.min(aA, aB) > EXACT_LIMIT) {
    const mean = (a: number, b: number) => a / (a + b);
    const variance = (a: number, b: number) => (a * b) / ((a + b) ** 2 * (a + b + 1));
    const zScore = (mean(aB, bB) - mean(aA, bA)) / Math.sqrt(variance(aA, bA) + variance(aB, bB));
    return 0.5 * erfc(-zScore / Math.SQRT2);
  }
  // Sum over the arm with fewer successes: P(B > A) = 1 − P(A > B) for continuous posteriors.
  if (aB > aA) return 1 - probabilityToBeat(xA, nA, xB, nB);
  const base = lbeta(aA, bA);
  let total = 0;
  for (let i = 0; i < aB; i++) {
    total += Math.exp(lbeta(aA + i, bA + bB) - Math.log(bB + i) - lbeta(1 + i, bB) - base);
  }
  return Math.min(1, Math.max(0, total));
}

export type Uplift = {
  /** p_treatment − p_control */
  absolute: number;
  absoluteInterval: Interval;
  /** (p_treatment − p_control) / p_control; null when the control converted nobody. */
  relative: number | null;
  /** The absolute interval divided by the control rate (an approximation that ignores the control's own noise). */
  relativeInterval: Interval | null;
};

export function uplift(treatment: { x: number; n: number }, control: { x: number; n: number }, confidence = 0.95): Uplift {
  const diff = newcombe(treatment.x, treatment.n, control.x, control.n, confidence);
  const pc = control.n > 0 ? control.x / control.n : 0;
  return {
    absolute: diff.estimate,
    absoluteInterval: { low: diff.low, high: diff.high },
    relative: pc > 0 ? diff.estimate / pc : null,
    relativeInterval: pc > 0 ? { low: diff.low / pc, high: diff.high / pc } : null,
  };
}

/** Before this much data, no verdict is given: small samples swing wildly and invite peeking. */
export const MIN_ENTERED_PER_ARM = 100;
export const MIN_CONVERSIONS_PER_ARM = 10;
/** How sure the posterior must be before we call a winner or a loser. */
export const DECISION_PROBABILITY = 0.95;

export type Verdict =
  | { kind: "not_enough_data"; reason: string }
  | { kind: "better" | "worse" | "inconclusive"; probabilityToBeat: number };

/**
 * The verdict on treatment against control. "Not enough data yet" until each arm has at least
 * MIN_ENTERED_PER_ARM entries and, summed over both arms, MIN_CONVERSIONS_PER_ARM conversions per arm.
 * Then "better" when P(beat) ≥ 95% and the Newcombe interval of the difference lies above 0, "worse"
 * in the mirror case, otherwise "inconclusive".
 */
export function verdict(treatment: { x: number; n: number }, control: { x: number; n: number }): Verdict {
  const minN = Math.min(treatment.n, control.n);
  if (minN < MIN_ENTERED_PER_ARM) {
    return { kind: "not_enough_data", reason: `Each group needs at least ${MIN_ENTERED_PER_ARM} entries; the smaller has ${minN}.` };
  }
  const conversions = treatment.x + control.x;
  if (conversions < 2 * MIN_CONVERSIONS_PER_ARM) {
    return { kind: "not_enough_data", reason: `Needs at least ${2 * MIN_CONVERSIONS_PER_ARM} conversions in total; so far ${conversions}.` };
  }
  const p = probabilityToBeat(treatment.x, treatment.n, control.x, control.n);
  const diff = newcombe(treatment.x, treatment.n, control.x, control.n);
  if (p >= DECISION_PROBABILITY && diff.low > 0) return { kind: "better", probabilityToBeat: p };
  if (p <= 1 - DECISION_PROBABILITY && diff.high < 0) return { kind: "worse", probabilityToBeat: p };
  return { kind: "inconclusive", probabilityToBeat: p };
}

/** Mulberry32: a tiny seeded PRNG, so simulations in tests and charts are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Mean = { n: number; mean: number | null; interval: Interval };

/**
 * The mean of survey scores from their count, sum and sum of squares (what SQL aggregates cheaply),
 * with a normal 95% interval mean ± z·s/√n (s the sample standard deviation), clamped to the scale.
 * With fewer than two answers there is no spread to estimate: the interval is the whole scale.
 */
export function meanScore(n: number, sum: number, sumSq: number, scale: { min: number; max: number } = { min: 0, max: 10 }, confidence = 0.95): Mean {
  if (n <= 0) return { n: 0, mean: null, interval: { low: scale.min, high: scale.max } };
  const mean = sum / n;
  if (n < 2) return { n, mean, interval: { low: scale.min, high: scale.max } };
  const variance = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
  const half = zFor(confidence) * Math.sqrt(variance / n);
  return { n, mean, interval: { low: Math.max(scale.min, mean - half), high: Math.min(scale.max, mean + half) } };
}

/**
 * Net Promoter Score (0–10 answers: promoters 9–10, detractors 0–6) as 100·(P − D), with the normal
 * interval of a difference of two shares of one multinomial sample: Var = (P + D − (P − D)²)/n.
 */
export function nps(promoters: number, detractors: number, n: number, confidence = 0.95): { n: number; score: number | null; interval: Interval } {
  if (n <= 0) return { n: 0, score: null, interval: { low: -100, high: 100 } };
  const p = promoters / n;
  const d = detractors / n;
  const est = p - d;
  const half = zFor(confidence) * Math.sqrt(Math.max(0, p + d - est * est) / n);
  return { n, score: est * 100, interval: { low: Math.max(-100, (est - half) * 100), high: Math.min(100, (est + half) * 100) } };
}
