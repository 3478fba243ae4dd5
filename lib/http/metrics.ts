// Prometheus metrics of this process (prom-client), one registry on globalThis so that Next's module
// re-evaluation in development does not register metrics twice.
import client from "prom-client";

type Metrics = {
  registry: client.Registry;
  httpRequests: client.Counter<"route" | "method" | "status">;
  httpDuration: client.Histogram<"route" | "method">;
  counter(name: string, help: string, labels?: string[]): client.Counter<string>;
  gauge(name: string, help: string, labels?: string[]): client.Gauge<string>;
  histogram(name: string, help: string, labels?: string[], buckets?: number[]): client.Histogram<string>;
};

const holder = globalThis as unknown as { __pathwiseMetrics?: Metrics };

function create(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "pathwise_" });
  const named = new Map<string, client.Metric<string>>();
  const m: Metrics = {
    registry,
    httpRequests: new client.Counter({
      name: "pathwise_http_requests_total",
      help: "HTTP API requests by route, method and status",
      labelNames: ["route", "method", "status"],
      registers: [registry],
    }),
    httpDuration: new client.Histogram({
      name: "pathwise_http_request_duration_seconds",
      help: "HTTP API latency by route and method",
      labelNames: ["route", "method"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    counter(name, help, labels = []) {
      if (!named.has(name)) named.set(name, new client.Counter({ name, help, labelNames: labels, registers: [registry] }));
      return named.get(name) as client.Counter<string>;
    },
    gauge(name, help, labels = []) {
      if (!named.has(name)) named.set(name, new client.Gauge({ name, help, labelNames: labels, registers: [registry] }));
      return named.get(name) as client.Gauge<string>;
    },
    histogram(name, help, labels = [], buckets) {
      if (!named.has(name)) named.set(name, new client.Histogram({ name, help, labelNames: labels, buckets, registers: [registry] }));
      return named.get(name) as client.Histogram<string>;
    },
  };
  return m;
}

export function metrics(): Metrics {
  if (!holder.__pathwiseMetrics) holder.__pathwiseMetrics = create();
  return holder.__pathwiseMetrics;
}
