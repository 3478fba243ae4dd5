// Numbers for people, and the Okabe–Ito palette (distinguishable with every common colour-vision deficiency).
export const PALETTE = {
  blue: "#0072B2",
  orange: "#E69F00",
  sky: "#56B4E9",
  green: "#009E73",
  yellow: "#F0E442",
  vermillion: "#D55E00",
  purple: "#CC79A7",
  black: "#000000",
} as const;
export const SERIES = [PALETTE.blue, PALETTE.orange, PALETTE.green, PALETTE.purple, PALETTE.sky, PALETTE.vermillion, PALETTE.yellow];

const intFmt = new Intl.NumberFormat("en-US");
const compactFmt = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

export const count = (n: number) => intFmt.format(n);
export const compact = (n: number) => (Math.abs(n) < 10_000 ? intFmt.format(n) : compactFmt.format(n));

/** A rate as a percentage with sensible precision: 12.3%, 0.45%, 100%. */
export function percent(r: number | null | undefined, digits?: number): string {
  if (r === null || r === undefined || Number.isNaN(r)) return "—";
  const p = r * 100;
  const d = digits ?? (p === 0 || p === 100 ? 0 : Math.abs(p) < 1 ? 2 : 1);
  return `${p.toFixed(d)}%`;
}

/** A difference of rates in percentage points, signed: +1.5 pp. */
export function points(d: number | null | undefined, digits = 1): string {
  if (d === null || d === undefined || Number.isNaN(d)) return "—";
  const v = d * 100;
  const s = v.toFixed(digits);
  return `${v > 0 && s !== (0).toFixed(digits) ? "+" : ""}${s} pp`;
}

export function signedPercent(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return "—";
  return `${r > 0 ? "+" : ""}${(r * 100).toFixed(Math.abs(r) < 0.1 ? 1 : 0)}%`;
}

export function dayLabel(iso: string): string {
  return new Date(`${iso.slice(0, 10)}T00:00:00Z`).toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
}
