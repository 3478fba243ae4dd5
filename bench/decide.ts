// Benchmark: /api/v1/decide latency against /api/health on the same running server, same run,
// interleaved request by request (sequential, then 8 concurrent clients). Seeds one flow with an in_app
// message and USERS users through the public API, measures, then deletes the flow.
// Run: PATHWISE_URL=http://127.0.0.1:3000 PATHWISE_API_KEY=<secret key> npx tsx bench/decide.ts [requests]
const BASE = (process.env.PATHWISE_URL ?? "http://127.0.0.1:3000").replace(/\/$/, "");
const KEY = process.env.PATHWISE_API_KEY ?? "sk_dev";
const REQUESTS = Number(process.argv[2] ?? 1000);
const USERS = Number(process.env.BENCH_USERS ?? 200);
const auth = { authorization: `Bearer ${KEY}`, "content-type": "application/json" };

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${BASE}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path} -> ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

async function timed(fn: () => Promise<Response>): Promise<number> {
  const t = performance.now();
  const res = await fn();
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return performance.now() - t;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main() {
  const flow = await call("POST", "/api/v1/flows", {
    name: `Bench decide ${Date.now()}`,
    graph: {
      nodes: [
        { id: "t1", type: "trigger", data: { on: { type: "event", event: "Bench Viewed" } } },
        { id: "m1", type: "message", data: { channel: "in_app", placement: "bench-home", content: "Hi {{ user.name | default: 'there' }}" } },
      ],
      edges: [{ id: "e1", source: "t1", target: "m1" }],
    },
  });
  await call("POST", `/api/v1/flows/${flow.id}/publish`);
  try {
    for (let b = 0; b < USERS; b += 100) {
      const batch = [];
      for (let i = b; i < b + 100; i++) {
        batch.push({ type: "identify", userId: `bench-${i}`, traits: { name: `User ${i}` } });
        batch.push({ type: "track", userId: `bench-${i}`, event: "Bench Viewed" });
      }
      await call("POST", "/api/v1/batch", { batch });
    }
    const check = await call("POST", "/api/v1/decide", { userId: "bench-1", placements: ["bench-home"] });
    if (!check.decisions["bench-home"]) throw new Error("seeding did not produce a decision");

    const decideReq = (i: number) => () =>
      fetch(`${BASE}/api/v1/decide`, { method: "POST", headers: auth, body: JSON.stringify({ userId: `bench-${i % USERS}`, placements: ["bench-home", "bench-none"] }) });
    const healthReq = () => () => fetch(`${BASE}/api/health`);

    console.error(`seeded ${USERS} users; warming up`);
    for (let i = 0; i < 100; i++) {
      await timed(decideReq(i));
      await timed(healthReq());
    }
    const rows: string[][] = [];
    for (const clients of [1, 8]) {
      console.error(`measuring with ${clients} client(s)`);
      const d: number[] = [];
      const h: number[] = [];
      const per = Math.ceil(REQUESTS / clients);
      const started = performance.now();
      await Promise.all(
        Array.from({ length: clients }, async (_, c) => {
          for (let i = 0; i < per; i++) {
            const n = c * per + i;
            // Interleaved so both see the same server state and load.
            if (n % 2) {
              d.push(await timed(decideReq(n)));
              h.push(await timed(healthReq()));
            } else {
              h.push(await timed(healthReq()));
              d.push(await timed(decideReq(n)));
            }
          }
        }),
      );
      const secs = (performance.now() - started) / 1000;
      for (const [name, xs] of [["/api/health", h], ["/api/v1/decide", d]] as const) {
        rows.push([`${clients}`, name, String(xs.length), pct(xs, 50).toFixed(2), pct(xs, 90).toFixed(2), pct(xs, 99).toFixed(2), mean(xs).toFixed(2), (xs.length / secs).toFixed(0)]);
      }
      rows.push([`${clients}`, "decide / health", "", (pct(d, 50) / pct(h, 50)).toFixed(2) + "x", (pct(d, 90) / pct(h, 90)).toFixed(2) + "x", (pct(d, 99) / pct(h, 99)).toFixed(2) + "x", (mean(d) / mean(h)).toFixed(2) + "x", ""]);
    }
    const head = ["clients", "endpoint", "n", "p50 ms", "p90 ms", "p99 ms", "mean ms", "req/s"];
    const widths = head.map((hd, i) => Math.max(hd.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => "| " + r.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
    console.log(`\n/decide vs /api/health on ${BASE} (${USERS} users with content; 2 placements per decide, one empty)\n`);
    console.log(line(head));
    console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
    for (const r of rows) console.log(line(r));
  } finally {
    await call("DELETE", `/api/v1/flows/${flow.id}`).catch(() => undefined);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
export {};
