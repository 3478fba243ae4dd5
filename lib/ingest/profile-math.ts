// Pure profile arithmetic: merging traits from an identify, merging two event summaries.
import { statsOf, updateSummary, type EventSummary } from "@/lib/conditions";

/**
 * Traits from an identify merged into a profile's traits, one level deep: a trait that is given
 * replaces the stored value (objects included, whole), a trait set to null is removed, a trait not
 * mentioned is kept.
 */
export function applyTraits(current: Record<string, unknown>, incoming: Record<string, unknown>): Record<string, unknown> {
  // Null prototype: trait names are user input, and `out["__proto__"] = v` must store a trait.
  const out: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, current);
  for (const [k, v] of Object.entries(incoming)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Two summaries of one person as one: totals add up, occurrences interleave by time, bounds apply. */
export function mergeSummaries(into: EventSummary, from: EventSummary): EventSummary {
  let s = into;
  for (const [name, stats] of Object.entries(from.events)) {
    for (const o of stats.recent) s = updateSummary(s, { name, properties: o.p ?? null, timestamp: o.t });
    const merged = statsOf(s, name);
    if (!merged) continue;
    const base = statsOf(into, name);
    const events: EventSummary["events"] = Object.assign(Object.create(null) as EventSummary["events"], s.events);
    events[name] = { ...merged, total: (base?.total ?? 0) + stats.total, first: Math.min(merged.first, stats.first), last: Math.max(merged.last, stats.last) };
    s = { ...s, events };
  }
  if (from.lastEventAt !== undefined && (s.lastEventAt === undefined || s.lastEventAt < from.lastEventAt)) s = { ...s, lastEventAt: from.lastEventAt };
  return s;
}
