// The executor's Prometheus counters and histograms, named once so every caller shares them.
import { metrics } from "@/lib/http/metrics";

export function runtimeMetrics() {
  const m = metrics();
  return {
    events: m.counter("pathwise_events_processed_total", "Events the executor processed, by message type", ["type"]),
    entries: m.counter("pathwise_flow_entries_total", "Users who entered a flow"),
    steps: m.counter("pathwise_steps_total", "Steps recorded, by node type", ["node_type"]),
    touchpoints: m.counter("pathwise_touchpoints_total", "Touchpoints created, by channel and initial status", ["channel", "status"]),
    deliveries: m.counter("pathwise_deliveries_total", "Delivery attempts of webhooks and emails, by channel and outcome", ["channel", "outcome"]),
    deliverySeconds: m.histogram("pathwise_delivery_duration_seconds", "Time of one delivery attempt, by channel", ["channel"], [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
    timerLag: m.histogram("pathwise_timer_lag_seconds", "How late a timer fired (fire time minus due time), by queue", ["queue"], [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300]),
    outcomes: m.counter("pathwise_outcomes_total", "Outcomes recorded, by type", ["type"]),
    decisions: m.counter("pathwise_decisions_total", "Placements answered by /decide, by whether content was found", ["result"]),
    decideCache: m.counter("pathwise_decide_cache_total", "/decide answers by how the cache took part: hit, miss (read and kept), uncacheable (read, not kept: an unknown identity or a change during the read), bypass (cache off, not listening, or a strict caller)", ["result"]),
  };
}
