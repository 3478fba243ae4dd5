// ISO 8601 durations (PT30S, PT24H, P7D, P1W, P1DT12H) as milliseconds. Months and years are not
// accepted: their length depends on the calendar, and a flow's timing must be exact.
const DURATION_RE = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

const cache = new Map<string, number | null>();

/** Milliseconds of an ISO 8601 duration, or null when the text is not one. */
export function parseDuration(text: string): number | null {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const m = DURATION_RE.exec(text);
  let ms: number | null = null;
  if (m && text !== "P" && !text.endsWith("T")) {
    const [, w, d, h, min, s] = m;
    const n = (v: string | undefined) => (v ? Number(v) : 0);
    ms = Math.round(((n(w) * 7 + n(d)) * 86400 + n(h) * 3600 + n(min) * 60 + n(s)) * 1000);
  }
  if (cache.size < 10_000) cache.set(text, ms);
  return ms;
}

export function isDuration(text: string): boolean {
  return parseDuration(text) !== null;
}

/** A duration for people: "3 days", "1 day 12 hours", "30 seconds". */
export function humanizeDuration(text: string): string {
  const ms = parseDuration(text);
  if (ms === null) return text;
  if (ms === 0) return "no time";
  const parts: string[] = [];
  let rest = Math.floor(ms / 1000);
  const units: [number, string][] = [[604800, "week"], [86400, "day"], [3600, "hour"], [60, "minute"], [1, "second"]];
  for (const [size, name] of units) {
    const q = Math.floor(rest / size);
    if (q > 0) {
      parts.push(`${q} ${name}${q === 1 ? "" : "s"}`);
      rest -= q * size;
    }
  }
  return parts.join(" ");
}

/** The ISO 8601 text of a whole number of seconds, in the largest exact unit. */
export function formatDuration(seconds: number): string {
  if (seconds % 86400 === 0 && seconds > 0) return `P${seconds / 86400}D`;
  if (seconds % 3600 === 0 && seconds > 0) return `PT${seconds / 3600}H`;
  if (seconds % 60 === 0 && seconds > 0) return `PT${seconds / 60}M`;
  return `PT${seconds}S`;
}
