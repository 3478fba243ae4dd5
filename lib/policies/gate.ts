// The send gate: given a touchpoint's channel and due time, the user's time zone, the workspace
// policies and the user's send counters, decides whether it goes out now, later, or not at all.
//
//   decideSend(policies, tz, channel, due, counts) => GateDecision
//   createGate({policies, timezone, counts}) => MessageGate   (for the engine; reserves what it lets through)
//
// Order: quiet hours first (email and webhook due inside them move to their end), then every cap of the
// channel in the window of that (possibly moved) time. A full window drops the touchpoint, or with
// action "delay" moves it to the start of the next window, where quiet hours and caps are checked again.
// Every send counts in both the day and the week window of its delivery time, whatever the caps say
// now, so a cap added later sees the sends that came before it.
import type { GateDecision, GateRequest, MessageGate } from "@/lib/engine/types";
import type { Channel, FrequencyCap, Policies } from "./schema";
import { QUIET_CHANNELS } from "./schema";
import { quietHoursEnd } from "./quiet-hours";
import { windowAt, type WindowSpan } from "./time";

/** How far ahead a delayed touchpoint may be pushed before it is dropped instead. */
export const MAX_DELAY_WINDOWS = 60;

export type CounterRow = { channel: string; period: string; count: number };
export type CounterIncrement = { channel: Channel; period: string; expiresAt: number };

/** A user's send counters by channel and window key, with the increments made since loading. */
export class SendCounts {
  private readonly counts = new Map<string, number>();
  readonly added: CounterIncrement[] = [];

  constructor(rows: Iterable<CounterRow> = []) {
    for (const r of rows) this.counts.set(`${r.channel}|${r.period}`, (this.counts.get(`${r.channel}|${r.period}`) ?? 0) + r.count);
  }

  get(channel: Channel, period: string): number {
    return this.counts.get(`${channel}|${period}`) ?? 0;
  }

  /** Counts one send delivered at `at` in its day and week windows. */
  reserve(channel: Channel, at: number, tz: string) {
    for (const w of [windowAt(at, tz, "day"), windowAt(at, tz, "week")]) {
      const k = `${channel}|${w.key}`;
      this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
      this.added.push({ channel, period: w.key, expiresAt: w.endsAt });
    }
  }
}

export type CapRef = Pick<FrequencyCap, "channel" | "limit" | "window" | "action">;

function capRef(c: FrequencyCap): CapRef {
  return { channel: c.channel, limit: c.limit, window: c.window, action: c.action };
}

/** The pure decision for one touchpoint; does not reserve anything. */
export function decideSend(policies: Policies, tz: string, channel: Channel, due: number, counts: Pick<SendCounts, "get">): GateDecision {
  const caps = policies.caps.filter((c) => c.channel === channel);
  const quiet = QUIET_CHANNELS.includes(channel) ? policies.quietHours : null;
  let at = due;
  let held: "quiet_hours" | "frequency_cap" | undefined;
  let lastCap: CapRef | undefined;
  for (let i = 0; i <= MAX_DELAY_WINDOWS; i++) {
    const quietEnd = quietHoursEnd(at, tz, quiet);
    if (quietEnd !== null) {
      at = quietEnd;
      held ??= "quiet_hours";
    }
    let full: { cap: FrequencyCap; span: WindowSpan } | null = null;
    for (const cap of caps) {
      const span = windowAt(at, tz, cap.window);
      if (counts.get(channel, span.key) >= cap.limit) {
        // Of several full windows, the one that ends last decides how long a delay must be.
        if (!full || span.endsAt > full.span.endsAt) full = { cap, span };
      }
    }
    if (!full) return { action: "send", at, ...(held ? { held } : {}), ...(lastCap ? { cap: lastCap } : {}) };
    lastCap = capRef(full.cap);
    if (full.cap.action === "drop" || full.cap.limit === 0) return { action: "drop", reason: "frequency_cap", cap: lastCap };
    at = full.span.endsAt;
    held ??= "frequency_cap";
  }
  return { action: "drop", reason: "frequency_cap", ...(lastCap ? { cap: lastCap } : {}) } as GateDecision;
}

/** A gate for the engine: decides with decideSend and counts every touchpoint it lets through. */
export function createGate(opts: { policies: Policies; timezone: string; counts: SendCounts }): MessageGate {
  return (req: GateRequest) => {
    const decision = decideSend(opts.policies, opts.timezone, req.channel, req.at, opts.counts);
    if (decision.action === "send") opts.counts.reserve(req.channel, decision.at, opts.timezone);
    return decision;
  };
}
