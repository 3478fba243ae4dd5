// Quiet hours: whether an instant falls inside the user's local quiet window, and when that window ends.
import type { QuietHours } from "./schema";
import { clockMinutes, localParts, zonedTime } from "./time";

/**
 * The instant quiet hours end if `ms` is inside them in `tz`, else null. A window whose start is after
 * its end (22:00–08:00) runs over midnight; equal start and end means no quiet hours.
 */
export function quietHoursEnd(ms: number, tz: string, qh: QuietHours | null | undefined): number | null {
  if (!qh || !qh.enabled) return null;
  const start = clockMinutes(qh.start);
  const end = clockMinutes(qh.end);
  if (start === end) return null;
  const p = localParts(ms, tz);
  const now = p.hour * 60 + p.minute;
  const overMidnight = start > end;
  const inside = overMidnight ? now >= start || now < end : now >= start && now < end;
  if (!inside) return null;
  const endDay = overMidnight && now >= start ? p.day + 1 : p.day;
  return zonedTime(tz, p.year, p.month, endDay, Math.floor(end / 60), end % 60);
}
