// Benchmark: the cost of recommendations in content, on one running server, same run. Two published
// flows, each re-entered on every event: one whose in-app message reads recommendations.for_you
// (triggered by "Product Viewed"), one whose message reads only the user and the event (triggered by
// "Product Added"). Both events name a catalog item, so both pay the same item bookkeeping; only the
// first computes recommendations. A message is rendered when the run reaches it (at ingestion), so the
// cost shows in the /track that moves the run; /decide then returns the stored content. Per iteration,
// interleaved: /track + /decide with recommendations, /track + /decide without.
// Run: PATHWISE_URL=http://127.0.0.1:3000 PATHWISE_API_KEY=<secret key> npx tsx bench/recommendations-decide.ts [iterations]
export {};

const BASE = (process.env.PATHWISE_URL ?? "http://127.0.0.1:3000").replace(/\/$/, "");
const KEY = process.env.PATHWISE_API_KEY ?? "sk_dev";
const ITERATIONS = Number(process.argv[2] ?? 400);
const USERS = Number(process.env.BENCH_USERS ?? 200);
const ITEMS = 200;
const auth = { authorization: `Bearer ${KEY}`, "content-type": "application/json" };

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${BASE}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path} -> ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

async function timed(path: string, body: unknown): Promise<{ ms: number; json: unknown }> {
  const t = performance.now();
  const res = await fetch(`${BASE}${path}`, { method: "POST", headers: auth, body: JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`HTTP ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
  return { ms: performance.now() - t, json };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const item = (n: number) => `bench-item-${n % ITEMS}`;

async function main() {
  const tag = Date.now().toString(36);
  await call("POST", "/api/v1/catalog/items", {
    items: Array.from({ length: ITEMS }, (_, i) => ({ id: item(i), name: `Item ${i}`, price: 10 + (i % 50), url: `/p/${i}`, category: `cat-${i % 8}` })),
  });
  // A history first: each user views 12 items in their two categories over two sessions and buys one.
  const hour = 3_600_000;
  for (let b = 0; b < USERS; b += 50) {
    const batch = [];
    for (let u = b; u < Math.min(USERS, b + 50); u++) {
      const userId = `recs-${tag}-${u}`;
      for (let v = 0; v < 12; v++) {
        const cat = (u + (v < 6 ? 0 : 1)) % 8;
        const n = cat + 8 * ((u * 7 + v * 3) % 25);
        batch.push({ type: "track", userId, event: "Product Viewed", properties: { product_id: item(n) }, timestamp: new Date(Date.now() - (v < 6 ? 48 : 24) * hour + v * 60_000).toISOString() });
      }
      batch.push({ type: "track", userId, event: "Order Completed", properties: { products: [{ product_id: item(u % 8) }] }, timestamp: new Date(Date.now() - 23 * hour).toISOString() });
    }
    await call("POST", "/api/v1/batch", { batch });
  }
  const flow = (name: string, event: string, placement: string, content: string) => ({
    name: `${name} ${tag}`,
    graph: {
      nodes: [
        { id: "t", type: "trigger", data: { on: { type: "event", event } } },
        { id: "m", type: "message", data: { channel: "in_app", placement, content } },
      ],
      edges: [{ id: "e", source: "t", target: "m" }],
    },
    settings: { reentry: "always" },
  });
  const withRecs = await call("POST", "/api/v1/flows", flow("Bench for you", "Product Viewed", "bench-for-you", `<ul>{% for p in recommendations.for_you limit: 4 %}<li><a href="{{ p.url }}">{{ p.name }}</a> {{ p.price }}</li>{% endfor %}</ul>`));
  const plain = await call("POST", "/api/v1/flows", flow("Bench plain", "Product Added", "bench-plain", `<p>Hi {{ user.name | default: "there" }}, {{ event.properties.product_id }} is in your cart</p>`));
  await call("POST", `/api/v1/flows/${withRecs.id}/publish`);
  await call("POST", `/api/v1/flows/${plain.id}/publish`);
  try {
    const t: Record<string, number[]> = { trackRecs: [], decideRecs: [], trackPlain: [], decidePlain: [], bothRecs: [], bothPlain: [] };
    let empty = 0;
    const one = async (i: number, recs: boolean) => {
      const userId = `recs-${tag}-${i % USERS}`;
      const tr = await timed("/api/v1/track", { userId, event: recs ? "Product Viewed" : "Product Added", properties: { product_id: item(i * 13) } });
      const placement = recs ? "bench-for-you" : "bench-plain";
      const de = await timed("/api/v1/decide", { userId, placements: [placement] });
      const content = (de.json as { decisions: Record<string, { content: string } | null> }).decisions[placement]?.content ?? "";
      if (recs && !content.includes("<li>")) empty++;
      if (!recs && !content.includes("in your cart")) throw new Error("the plain flow gave no content");
      (recs ? t.trackRecs : t.trackPlain).push(tr.ms);
      (recs ? t.decideRecs : t.decidePlain).push(de.ms);
      (recs ? t.bothRecs : t.bothPlain).push(tr.ms + de.ms);
    };
    console.error(`seeded ${USERS} users with histories; warming up`);
    for (let i = 0; i < 40; i++) await one(i, i % 2 === 0);
    for (const k of Object.keys(t)) t[k] = [];
    empty = 0;
    console.error(`measuring ${ITERATIONS} iterations`);
    for (let i = 0; i < ITERATIONS; i++) {
      // Interleaved, alternating which goes first, so both see the same server state and load.
      if (i % 2) {
        await one(i, true);
        await one(i, false);
      } else {
        await one(i, false);
        await one(i, true);
      }
    }
    const rows: string[][] = [];
    const row = (name: string, xs: number[]) => rows.push([name, String(xs.length), pct(xs, 50).toFixed(2), pct(xs, 90).toFixed(2), pct(xs, 99).toFixed(2), mean(xs).toFixed(2)]);
    const ratio = (name: string, a: number[], b: number[]) =>
      rows.push([name, "", (pct(a, 50) / pct(b, 50)).toFixed(2) + "×", (pct(a, 90) / pct(b, 90)).toFixed(2) + "×", (pct(a, 99) / pct(b, 99)).toFixed(2) + "×", (mean(a) / mean(b)).toFixed(2) + "×"]);
    row("/decide, content reads recommendations.for_you", t.decideRecs);
    row("/decide, content without recommendations", t.decidePlain);
    ratio("  ratio", t.decideRecs, t.decidePlain);
    row("/track that renders the for_you content", t.trackRecs);
    row("/track that renders the plain content", t.trackPlain);
    ratio("  ratio", t.trackRecs, t.trackPlain);
    row("/track + /decide, with recommendations", t.bothRecs);
    row("/track + /decide, without", t.bothPlain);
    ratio("  ratio", t.bothRecs, t.bothPlain);
    const head = ["request", "n", "p50 ms", "p90 ms", "p99 ms", "mean ms"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => "| " + r.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
    console.log(`\nRecommendations in content on ${BASE}: ${USERS} users with 13-event histories, ${ITEMS} catalog items, one client, ${ITERATIONS} iterations (${empty} for_you strips came out empty)\n`);
    console.log(line(head));
    console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
    for (const r of rows) console.log(line(r));
  } finally {
    await call("DELETE", `/api/v1/flows/${withRecs.id}`).catch(() => undefined);
    await call("DELETE", `/api/v1/flows/${plain.id}`).catch(() => undefined);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
export {};
