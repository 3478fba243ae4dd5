// The computed trait "engagement score": weighted counts of events within a window, read from the
// per-profile event summary (never from the events table), capped to [0, cap].
import { countEvents, statsOf, type EventSummary } from "@/lib/conditions";
import { parseDuration } from "@/lib/conditions/duration";
import type { EngagementSettings } from "./settings";

export function engagementScore(summary: EventSummary, settings: EngagementSettings, now: number): number {
  const windowMs = parseDuration(settings.window) ?? 30 * 86_400_000;
  const from = now - windowMs;
  let score = 0;
  for (const [name, weight] of Object.entries(settings.weights)) {
    if (!statsOf(summary, name)) continue;
    score += weight * countEvents(summary, name, from, now);
  }
  return Math.max(0, Math.min(settings.cap, Math.round(score * 100) / 100));
}
