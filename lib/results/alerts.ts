// Home-page alerts: when event volume or a touchpoint's failure rate leaves its trailing baseline.
//
// Event volume: the last 24 hours against the seven 24-hour windows before them. Alert when the
// current count lies outside mean ± 3σ of those windows, where σ is at least √mean (the Poisson
// noise of a count, so a perfectly flat history does not alert on a handful of events). Needs a
// baseline mean of at least MIN_DAILY_EVENTS and 7 full windows of history (hours before the first
// event received do not count as zero).
//
// Failure rate: per message node, today's (UTC) share of failed deliveries among sent + failed,
// against the pooled rate of the previous 7 days. Alert when today's rate exceeds the baseline by
// more than 3 binomial standard errors (√(p(1−p)/n_today)) and by at least 5 points, with at least
// MIN_ATTEMPTS_TODAY attempts today and MIN_ATTEMPTS_BASELINE in the baseline. Without a baseline,
// a failure rate of 50% or more over at least MIN_ATTEMPTS_TODAY attempts alerts on its own.
import { z } from "zod";

export const MIN_DAILY_EVENTS = 50;
export const MIN_ATTEMPTS_TODAY = 20;
export const MIN_ATTEMPTS_BASELINE = 100;

export const Alert = z
  .object({
    kind: z.enum(["event_volume_drop", "event_volume_spike", "failure_rate", "deliveries_failed", "channel_not_configured"]),
    severity: z.enum(["warning", "critical"]),
    title: z.string(),
    message: z.string(),
    flowId: z.string().optional(),
    nodeId: z.string().optional(),
    value: z.number(),
    baseline: z.object({ mean: z.number(), low: z.number(), high: z.number() }),
  })
  .meta({ id: "Alert" });
export type Alert = z.infer<typeof Alert>;

const HOUR = 3_600_000;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const pct = (r: number) => `${(r * 100).toFixed(1)}%`;

/** hourly: event counts keyed by the hour's start (epoch ms). `now` is the current time. */
export function volumeAlert(hourly: Map<number, number>, now: number): Alert | null {
  const currentHour = Math.floor(now / HOUR) * HOUR;
  const windowSum = (k: number) => {
    let s = 0;
    for (let h = 0; h < 24; h++) s += hourly.get(currentHour - (k * 24 + h) * HOUR) ?? 0;
    return s;
  };
  const firstHour = Math.min(...hourly.keys());
  if (!Number.isFinite(firstHour) || firstHour > currentHour - 8 * 24 * HOUR + HOUR) return null;
  const current = windowSum(0);
  const base = [1, 2, 3, 4, 5, 6, 7].map(windowSum);
  const mean = base.reduce((a, b) => a + b, 0) / base.length;
  if (mean < MIN_DAILY_EVENTS) return null;
  const sd = Math.max(Math.sqrt(base.reduce((a, b) => a + (b - mean) ** 2, 0) / (base.length - 1)), Math.sqrt(mean));
  const low = Math.max(0, mean - 3 * sd);
  const high = mean + 3 * sd;
  if (current >= low && current <= high) return null;
  const drop = current < low;
  return {
    kind: drop ? "event_volume_drop" : "event_volume_spike",
    severity: drop && current < mean / 4 ? "critical" : "warning",
    title: drop ? "Event volume dropped" : "Event volume spiked",
    message: `${fmt(current)} events in the last 24 hours; the previous 7 days averaged ${fmt(mean)} a day (expected ${fmt(low)}–${fmt(high)}).`,
    value: current,
    baseline: { mean, low, high },
  };
}

/**
 * Any delivery that failed today, below the failure-rate rule's thresholds: one failed email is
 * still a person who got nothing, so Home never reads "all clear" over it.
 */
export function failedDeliveriesAlert(i: { flowId: string; flowName: string; nodeId: string; today: { sent: number; failed: number } }): Alert | null {
  if (i.today.failed <= 0) return null;
  const n = i.today.sent + i.today.failed;
  return {
    kind: "deliveries_failed",
    severity: i.today.failed === n ? "critical" : "warning",
    title: `Deliveries failed in ${i.flowName}`,
    message: `${fmt(i.today.failed)} of ${fmt(n)} deliveries at node ${i.nodeId} failed today; a profile of a person in the flow says why.`,
    flowId: i.flowId,
    nodeId: i.nodeId,
    value: i.today.failed,
    baseline: { mean: 0, low: 0, high: 0 },
  };
}

/** An active flow with email steps while no SMTP server is configured: every one of them fails. */
export function channelAlert(i: { flowId: string; flowName: string; nodeIds: string[] }): Alert {
  return {
    kind: "channel_not_configured",
    severity: "critical",
    title: `Email is not set up, but ${i.flowName} sends email`,
    message: `Step${i.nodeIds.length === 1 ? "" : "s"} ${i.nodeIds.join(", ")} cannot be delivered: set SMTP_URL or SMTP_HOST (see the README's configuration).`,
    flowId: i.flowId,
    nodeId: i.nodeIds[0],
    value: i.nodeIds.length,
    baseline: { mean: 0, low: 0, high: 0 },
  };
}

export type FailureInput = { flowId: string; flowName: string; nodeId: string; today: { sent: number; failed: number }; baseline: { sent: number; failed: number } };

export function failureAlert(i: FailureInput): Alert | null {
  const n = i.today.sent + i.today.failed;
  if (n < MIN_ATTEMPTS_TODAY) return null;
  const rate = i.today.failed / n;
  const bn = i.baseline.sent + i.baseline.failed;
  let p0: number | null = null;
  let high: number;
  if (bn >= MIN_ATTEMPTS_BASELINE) {
    p0 = i.baseline.failed / bn;
    high = Math.max(p0 + 3 * Math.sqrt((p0 * (1 - p0)) / n), p0 + 0.05);
  } else {
    high = 0.5;
    if (rate < high) return null;
  }
  if (p0 !== null && rate <= high) return null;
  return {
    kind: "failure_rate",
    severity: rate >= 0.5 ? "critical" : "warning",
    title: `Deliveries failing in ${i.flowName}`,
    message:
      p0 === null
        ? `${pct(rate)} of ${fmt(n)} deliveries at node ${i.nodeId} failed today.`
        : `${pct(rate)} of ${fmt(n)} deliveries at node ${i.nodeId} failed today; the previous 7 days failed ${pct(p0)}.`,
    flowId: i.flowId,
    nodeId: i.nodeId,
    value: rate,
    baseline: { mean: p0 ?? 0, low: 0, high },
  };
}
