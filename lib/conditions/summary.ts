// The per-profile event summary: a small JSON document (stored in a jsonb column) from which every
// event-window condition, behavior trigger and inactivity check is answered without reading events.
//
// Format (version 1):
//   {
//     "v": 1,
//     "lastEventAt": 1717000000000,            // newest event timestamp seen (ms), any name
//     "events": {
//       "Product Viewed": {
//         "total": 57,                          // all-time count, never trimmed
//         "first": 1700000000000,               // first and last timestamps (ms), all time
//         "last": 1717000000000,
//         "recent": [                           // ascending by t; at most `maxPerName`, none older than
//           { "t": 1716990000000, "p": { "sku": "A", "price": 9.5, "tags": ["x"] } }   // `horizonMs`
//         ]
//       }
//     }
//   }
// Properties kept in `p` are trimmed: scalars (strings cut to 256 chars) and arrays of up to 20 scalars;
// nested objects are flattened to dotted keys ("product.sku") up to 3 levels; at most 32 keys.
// Bounds: `maxPerName` (200) occurrences per name, `horizonMs` (90 days) behind the newest timestamp
// seen, `maxNames` (300) names (the name whose last occurrence is oldest is dropped first).
// Consequences: a window longer than the horizon, or a count above the cap, is answered from what is
// kept (a lower bound). A condition without `within` and without `where` uses the exact `total`.
// Events may arrive out of order (past `timestamp`s): occurrences are inserted in time order.
// `updateSummary` never mutates its input; it returns a new summary sharing untouched entries.

export type ScalarProp = string | number | boolean | null;
export type SummaryProps = Record<string, ScalarProp | ScalarProp[]>;
export type Occurrence = { t: number; p?: SummaryProps };
export type EventStats = { total: number; first: number; last: number; recent: Occurrence[] };
export type EventSummary = { v: 1; lastEventAt?: number; events: Record<string, EventStats> };

export type SummaryEvent = { name: string; properties?: Record<string, unknown> | null; timestamp: number };
export type SummaryOptions = { maxPerName?: number; horizonMs?: number; maxNames?: number };

export const SUMMARY_DEFAULTS = { maxPerName: 200, horizonMs: 90 * 86_400_000, maxNames: 300 } as const;
const MAX_PROPS = 32;
const MAX_STRING = 256;
const MAX_ARRAY = 20;
const MAX_DEPTH = 3;

export function emptySummary(): EventSummary {
  return { v: 1, events: Object.create(null) as Record<string, EventStats> };
}

/** The stats of one name, own entries only: a name such as "constructor" must not read Object.prototype. */
export function statsOf(summary: EventSummary, name: string): EventStats | undefined {
  return Object.prototype.hasOwnProperty.call(summary.events, name) ? summary.events[name] : undefined;
}

/** Reads a stored summary leniently: anything that is not a version-1 summary becomes an empty one. */
export function asSummary(value: unknown): EventSummary {
  if (value && typeof value === "object" && (value as EventSummary).v === 1 && typeof (value as EventSummary).events === "object") {
    return value as EventSummary;
  }
  return emptySummary();
}

function trimScalar(v: unknown): ScalarProp | undefined {
  if (typeof v === "string") return v.length > MAX_STRING ? v.slice(0, MAX_STRING) : v;
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "boolean" || v === null) return v;
  return undefined;
}

/** Properties as kept in the summary (see the format above); undefined when nothing is kept. */
export function trimProperties(props: Record<string, unknown> | null | undefined): SummaryProps | undefined {
  if (!props || typeof props !== "object") return undefined;
  const out: SummaryProps = Object.create(null) as SummaryProps;
  let n = 0;
  const walk = (obj: Record<string, unknown>, prefix: string, depth: number) => {
    for (const key of Object.keys(obj)) {
      if (n >= MAX_PROPS) return;
      const v = obj[key];
      const name = prefix ? `${prefix}.${key}` : key;
      const s = trimScalar(v);
      if (s !== undefined) {
        out[name] = s;
        n++;
      } else if (Array.isArray(v)) {
        const arr: ScalarProp[] = [];
        for (const x of v) {
          const sx = trimScalar(x);
          if (sx !== undefined) arr.push(sx);
          if (arr.length >= MAX_ARRAY) break;
        }
        out[name] = arr;
        n++;
      } else if (v && typeof v === "object" && depth < MAX_DEPTH) {
        walk(v as Record<string, unknown>, name, depth + 1);
      }
    }
  };
  walk(props, "", 1);
  return n ? out : undefined;
}

/** Adds one event to the summary and trims it to its bounds. Pure: returns a new summary. */
export function updateSummary(summary: EventSummary | null | undefined, event: SummaryEvent, opts: SummaryOptions = {}): EventSummary {
  const maxPerName = opts.maxPerName ?? SUMMARY_DEFAULTS.maxPerName;
  const horizonMs = opts.horizonMs ?? SUMMARY_DEFAULTS.horizonMs;
  const maxNames = opts.maxNames ?? SUMMARY_DEFAULTS.maxNames;
  const base = summary ? asSummary(summary) : emptySummary();
  const t = event.timestamp;
  const lastEventAt = base.lastEventAt === undefined ? t : Math.max(base.lastEventAt, t);
  const cutoff = lastEventAt - horizonMs;

  // Null prototype: event names are user input ("__proto__", "constructor", ...).
  const events: Record<string, EventStats> = Object.assign(Object.create(null) as Record<string, EventStats>, base.events);
  const prev = statsOf(base, event.name);
  const occurrence: Occurrence = { t };
  const p = trimProperties(event.properties);
  if (p) occurrence.p = p;

  let recent: Occurrence[];
  if (!prev) recent = [occurrence];
  else {
    recent = prev.recent.slice();
    // Insert in time order; the usual case (newest) is an append.
    let i = recent.length;
    while (i > 0 && recent[i - 1].t > t) i--;
    recent.splice(i, 0, occurrence);
  }
  let drop = 0;
  while (drop < recent.length && recent[drop].t < cutoff) drop++;
  if (recent.length - drop > maxPerName) drop = recent.length - maxPerName;
  if (drop) recent = recent.slice(drop);

  events[event.name] = {
    total: (prev?.total ?? 0) + 1,
    first: prev ? Math.min(prev.first, t) : t,
    last: prev ? Math.max(prev.last, t) : t,
    recent,
  };

  // Older names keep their totals; only their occurrence lists age out, and only when touched here or
  // when the name count is over the cap, so an update stays O(one name) in the common case.
  const names = Object.keys(events);
  if (names.length > maxNames) {
    names.sort((a, b) => events[a].last - events[b].last);
    for (let i = 0; i < names.length - maxNames; i++) {
      if (names[i] !== event.name) delete events[names[i]];
    }
  }
  return { v: 1, lastEventAt, events };
}

export type OccurrenceTest = (props: SummaryProps | undefined) => boolean;

/**
 * How many occurrences of `name` fall in [from, to] and pass `test`. `from` may be -Infinity.
 * Without a test and without a window the exact all-time total is returned.
 */
export function countEvents(summary: EventSummary, name: string, from: number, to: number, test?: OccurrenceTest): number {
  const stats = statsOf(summary, name);
  if (!stats) return 0;
  if (!test && from === -Infinity && to >= stats.last) return stats.total;
  const list = stats.recent;
  let n = 0;
  for (let i = list.length - 1; i >= 0; i--) {
    const o = list[i];
    if (o.t < from) break;
    if (o.t > to) continue;
    if (!test || test(o.p)) n++;
  }
  return n;
}
