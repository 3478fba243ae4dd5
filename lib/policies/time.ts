// Calendar arithmetic in IANA time zones with Intl only: local parts of an instant, the instant of a
// local wall time, and the user's day and ISO week as counter windows.
type Parts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_ZONES = 1000;

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(tz, f);
  }
  return f;
}

// The last instant asked for, per zone: one event's sends (a message in each of several flows, each
// counted in its day and week) all ask about the same instant.
const lastParts = new Map<string, { ms: number; parts: Parts }>();

/** The wall-clock parts of instant `ms` in `tz`. */
export function localParts(ms: number, tz: string): Parts {
  const hit = lastParts.get(tz);
  if (hit && hit.ms === ms) return { ...hit.parts };
  const out: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) if (p.type !== "literal") out[p.type] = Number(p.value);
  const parts = { year: out.year, month: out.month, day: out.day, hour: out.hour % 24, minute: out.minute, second: out.second };
  if (lastParts.size >= MAX_ZONES) lastParts.clear();
  lastParts.set(tz, { ms, parts });
  return { ...parts };
}

/** Local time minus UTC at instant `ms`, in ms. */
export function offsetAt(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/**
 * The instant the wall clock in `tz` shows the given local time. Day overflow is normalised (day 32 is
 * the next month). A time skipped by a DST jump resolves to the instant just after the gap.
 */
export function zonedTime(tz: string, year: number, month: number, day: number, hour = 0, minute = 0): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  let t = asUtc - offsetAt(asUtc, tz);
  const second = asUtc - offsetAt(t, tz);
  if (second !== t) t = Math.max(t, second);
  return t;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "YYYY-MM-DD" of a date given as UTC-normalised parts. */
function ymd(year: number, month: number, day: number): { key: string; year: number; month: number; day: number } {
  const d = new Date(Date.UTC(year, month - 1, day));
  return { key: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export type Window = "day" | "week";
export type WindowSpan = { window: Window; /** e.g. "day:2025-03-01", "week:2025-03-03" (the Monday) */ key: string; startsAt: number; endsAt: number };

// Spans already computed, by zone, window and local date: a span follows from the instant's local date
// alone, so this gives the very span computing it would. Every send asks for its day and week (five
// localParts each, and formatToParts is the dearest call the executor makes); with this, one each.
const spans = new Map<string, WindowSpan>();
const MAX_SPANS = 1000;

/** The user's calendar day or ISO week (Monday 00:00 to Monday 00:00) containing instant `ms`. */
export function windowAt(ms: number, tz: string, window: Window): WindowSpan {
  const p = localParts(ms, tz);
  const k = `${window}|${tz}|${p.year}-${p.month}-${p.day}`;
  let span = spans.get(k);
  if (!span) {
    span = Object.freeze(computeWindow(p, tz, window));
    if (spans.size >= MAX_SPANS) spans.clear();
    spans.set(k, span);
  }
  return span;
}

function computeWindow(p: Parts, tz: string, window: Window): WindowSpan {
  if (window === "day") {
    const today = ymd(p.year, p.month, p.day);
    return { window, key: `day:${today.key}`, startsAt: zonedTime(tz, p.year, p.month, p.day), endsAt: zonedTime(tz, p.year, p.month, p.day + 1) };
  }
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay(); // 0 = Sunday
  const monday = ymd(p.year, p.month, p.day - ((weekday + 6) % 7));
  return {
    window,
    key: `week:${monday.key}`,
    startsAt: zonedTime(tz, monday.year, monday.month, monday.day),
    endsAt: zonedTime(tz, monday.year, monday.month, monday.day + 7),
  };
}

/** Minutes since local midnight of a "HH:MM" text. */
export function clockMinutes(text: string): number {
  const [h, m] = text.split(":").map(Number);
  return h * 60 + m;
}
