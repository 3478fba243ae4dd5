// Soak test (not in CI): steady mixed traffic — track, identify, decide, outcomes — against a running
// Pathwise server on loopback for a fixed time; reports RSS over time (from /api/metrics), error
// answers and event-to-decision lag.
//
//   npx tsx scripts/soak.ts [--minutes 10] [--rate 60] [--url http://127.0.0.1:3000] [--key <secret key>]
//
// Environment equivalents: SOAK_MINUTES, SOAK_RATE (requests per second), SOAK_URL, SOAK_KEY (else
// PATHWISE_API_KEY), SOAK_JSON (write the figures there as JSON too).
import { writeFileSync } from "node:fs";

type Args = { minutes: number; rate: number; url: string; key: string; json?: string };

function args(): Args {
  const argv = process.argv.slice(2);
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const a: Args = {
    minutes: Number(flag("minutes") ?? process.env.SOAK_MINUTES ?? 10),
    rate: Number(flag("rate") ?? process.env.SOAK_RATE ?? 60),
    url: flag("url") ?? process.env.SOAK_URL ?? "http://127.0.0.1:3000",
    key: flag("key") ?? process.env.SOAK_KEY ?? process.env.PATHWISE_API_KEY ?? "",
    json: flag("json") ?? process.env.SOAK_JSON,
  };
  if (!(a.minutes > 0 && a.minutes <= 24 * 60)) throw new Error("--minutes must be between 0 and 1440");
  if (!(a.rate > 0 && a.rate <= 2000)) throw new Error("--rate must be between 0 and 2000 requests per second");
  if (!a.key) throw new Error("Give a secret key with --key, SOAK_KEY or PATHWISE_API_KEY");
  const host = new URL(a.url).hostname;
  // Loopback only: this is load, and it must never be pointed at someone else's server by accident.
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) throw new Error(`Refusing to soak ${host}: loopback only`);
  return a;
}

const A = args();
const MAX_INFLIGHT = 64;
const PLACEMENT = "soak-banner";
const EVENT = "Soak Viewed";
const runId = Date.now().toString(36);

type Stat = { n: number; errors: number; byStatus: Record<string, number>; ms: number[] };
const stats: Record<string, Stat> = {};
const stat = (name: string) => (stats[name] ??= { n: 0, errors: 0, byStatus: {}, ms: [] });
const lags: number[] = [];
const lagMisses = { n: 0 };
const rss: { atS: number; mb: number }[] = [];
const decisionIds: string[] = [];
let inflight = 0;
let dropped = 0;

async function api(name: string, path: string, body?: unknown): Promise<{ status: number; data: unknown }> {
  const s = stat(name);
  const t0 = performance.now();
  let status = 0;
  try {
    const res = await fetch(`${A.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${A.key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    status = res.status;
    const text = await res.text();
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {
      // metrics are text
    }
    return { status, data };
  } catch {
    status = 0; // network error or timeout
    return { status, data: null };
  } finally {
    s.n++;
    s.ms.push(performance.now() - t0);
    s.byStatus[status] = (s.byStatus[status] ?? 0) + 1;
    if (status < 200 || status >= 300) s.errors++;
  }
}

async function setup() {
  const created = await api("setup", "/api/v1/flows", {
    name: `Soak ${runId}`,
    graph: {
      nodes: [
        { id: "t1", type: "trigger", data: { on: { type: "event", event: EVENT } } },
        { id: "m1", type: "message", data: { channel: "in_app", placement: PLACEMENT, content: "Hello {{ user.id }}, {{ event.properties.n | default: 0 }}" } },
      ],
      edges: [{ id: "e1", source: "t1", target: "m1" }],
    },
    settings: { reentry: "always" },
  });
  if (created.status !== 201) throw new Error(`Could not create the soak flow: ${created.status} ${JSON.stringify(created.data)}`);
  const id = (created.data as { id: string }).id;
  const published = await api("setup", `/api/v1/flows/${id}/publish`, {});
  if (published.status !== 200) throw new Error(`Could not publish the soak flow: ${published.status} ${JSON.stringify(published.data)}`);
  return id;
}

let seq = 0;
// Ten consecutive requests share a user, so its event, decisions and outcomes meet (2,000 users in turn).
const user = () => `soak-${runId}-${Math.floor(seq / 10) % 2000}`;

/** One request of the mix: 40% track, 20% identify, 30% decide, 10% outcomes. */
async function one() {
  seq++;
  const r = seq % 10;
  const userId = user();
  if (r < 4) {
    await api("track", "/api/v1/track", { userId, event: r === 0 ? EVENT : "Soak Clicked", properties: { n: seq, plan: seq % 3 ? "free" : "pro" } });
  } else if (r < 6) {
    await api("identify", "/api/v1/identify", { userId, traits: { plan: seq % 3 ? "free" : "pro", seen: seq } });
  } else if (r < 9) {
    const d = await api("decide", "/api/v1/decide", { userId, placements: [PLACEMENT] });
    const id = (d.data as { decisions?: Record<string, { decisionId?: string } | null> } | null)?.decisions?.[PLACEMENT]?.decisionId;
    if (id && decisionIds.length < 10_000) decisionIds.push(id);
  } else {
    const id = decisionIds.pop();
    if (id) await api("outcomes", "/api/v1/outcomes", { decisionId: id, type: seq % 2 ? "shown" : "clicked" });
    else await api("decide", "/api/v1/decide", { userId, placements: [PLACEMENT] });
  }
}

/** Event-to-decision lag: a fresh user's event, then decide until the message is there. */
async function probeLag() {
  const userId = `soak-lag-${runId}-${seq}`;
  const t0 = performance.now();
  const t = await api("track", "/api/v1/track", { userId, event: EVENT, properties: { n: 1 } });
  if (t.status !== 200) return;
  for (let i = 0; i < 50; i++) {
    const d = await api("decide", "/api/v1/decide", { userId, placements: [PLACEMENT] });
    const got = (d.data as { decisions?: Record<string, unknown> } | null)?.decisions?.[PLACEMENT];
    if (got) {
      lags.push(performance.now() - t0);
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  lagMisses.n++;
}

async function sampleRss(startedAt: number) {
  const m = await api("metrics", "/api/metrics");
  const text = typeof m.data === "string" ? m.data : "";
  const line = text.split("\n").find((l) => /^(pathwise_)?process_resident_memory_bytes /.test(l));
  if (line) rss.push({ atS: Math.round((Date.now() - startedAt) / 1000), mb: Number(line.split(" ")[1]) / 1024 / 1024 });
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "–");

async function main() {
  const health = await fetch(`${A.url}/api/health`).then((r) => r.status).catch(() => 0);
  if (health !== 200) throw new Error(`${A.url}/api/health answers ${health}: start the server first`);
  const flowId = await setup();
  const startedAt = Date.now();
  const endAt = startedAt + A.minutes * 60_000;
  console.log(`[soak] ${A.minutes} min at ${A.rate} req/s against ${A.url} (flow ${flowId})`);
  await sampleRss(startedAt);

  const intervalMs = 1000 / A.rate;
  let next = performance.now();
  let lastRss = Date.now();
  let lastLag = Date.now();
  let lastReport = Date.now();
  // Bounded: the loop ends at the deadline, and never holds more than MAX_INFLIGHT requests.
  while (Date.now() < endAt) {
    const now = performance.now();
    if (now < next) {
      await new Promise((r) => setTimeout(r, Math.min(50, next - now)));
      continue;
    }
    next += intervalMs;
    if (inflight >= MAX_INFLIGHT) {
      dropped++;
      continue;
    }
    inflight++;
    void one().finally(() => inflight--);
    if (Date.now() - lastLag >= 1000) {
      lastLag = Date.now();
      inflight++;
      void probeLag().finally(() => inflight--);
    }
    if (Date.now() - lastRss >= 10_000) {
      lastRss = Date.now();
      void sampleRss(startedAt);
    }
    if (Date.now() - lastReport >= 30_000) {
      lastReport = Date.now();
      const total = Object.values(stats).reduce((a, s) => a + s.n, 0);
      console.log(`[soak] ${Math.round((Date.now() - startedAt) / 1000)} s: ${total} requests, RSS ${f(rss.at(-1)?.mb ?? NaN)} MB, lag p50 ${f(pct(lags, 50))} ms`);
    }
  }
  const drainEnd = Date.now() + 30_000;
  while (inflight > 0 && Date.now() < drainEnd) await new Promise((r) => setTimeout(r, 50));
  await sampleRss(startedAt);
  const seconds = (Date.now() - startedAt) / 1000;

  const rows = Object.entries(stats)
    .filter(([k]) => k !== "setup")
    .map(([k, s]) => `| ${k} | ${s.n} | ${s.errors} | ${Object.entries(s.byStatus).filter(([c]) => !c.startsWith("2")).map(([c, n]) => `${c === "0" ? "network" : c}×${n}`).join(", ") || "–"} | ${f(pct(s.ms, 50))} | ${f(pct(s.ms, 95))} | ${f(pct(s.ms, 99))} |`);
  const total = Object.values(stats).reduce((a, s) => a + s.n, 0);
  const errors = Object.entries(stats).reduce((a, [k, s]) => a + (k === "setup" ? 0 : s.errors), 0);
  const first = rss[0]?.mb ?? NaN;
  const peak = Math.max(...rss.map((r) => r.mb));
  const last = rss.at(-1)?.mb ?? NaN;
  const report = [
    `Soak: ${seconds.toFixed(0)} s at ${A.rate} req/s target → ${(total / seconds).toFixed(1)} req/s achieved, ${total} requests, ${errors} error answers, ${dropped} ticks skipped (over ${MAX_INFLIGHT} in flight)`,
    "",
    "| endpoint | requests | errors | non-2xx | p50 ms | p95 ms | p99 ms |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
    `Event-to-decision lag (track answered → decide returns the message), ${lags.length} probes, ${lagMisses.n} never seen: p50 ${f(pct(lags, 50))} ms, p95 ${f(pct(lags, 95))} ms, p99 ${f(pct(lags, 99))} ms, max ${f(Math.max(...lags))} ms`,
    "",
    `RSS: start ${f(first)} MB, peak ${f(peak)} MB, end ${f(last)} MB (${f(last - first)} MB over the run)`,
    "",
    "| t (s) | RSS (MB) |",
    "|---|---|",
    ...rss.map((r) => `| ${r.atS} | ${f(r.mb)} |`),
  ].join("\n");
  console.log(`\n${report}`);
  if (A.json) writeFileSync(A.json, JSON.stringify({ args: { ...A, key: undefined }, seconds, total, errors, dropped, stats, lags, lagMisses: lagMisses.n, rss }, null, 2));
  process.exitCode = errors > 0 ? 1 : 0;
}

main().catch((err) => {
  console.error(`[soak] ${err instanceof Error ? err.message : err}`);
  process.exit(2);
});
