// Canvas speed: opens a generated 300-node flow in chromium, measures the time until every node is
// drawn and the frame times while a node is dragged (requestAnimationFrame deltas); prints p50/p95
// and dropped frames. Needs a running server: BENCH_URL (default http://127.0.0.1:3400), BENCH_API_KEY,
// BENCH_EMAIL and BENCH_PASSWORD (an admin account).
import { chromium } from "@playwright/test";
import type { FlowEdge, FlowNode } from "@/lib/flow/schema";

const BASE = process.env.BENCH_URL ?? "http://127.0.0.1:3400";
const KEY = process.env.BENCH_API_KEY ?? "sk_dev";
const EMAIL = process.env.BENCH_EMAIL ?? "admin@example.com";
const PASSWORD = process.env.BENCH_PASSWORD ?? "password123";
const N = Number(process.env.BENCH_NODES ?? 300);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** A binary tree of conditions with in-app messages as leaves, placed on a grid. */
export function generateFlow(n: number): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  for (let i = 0; i < n; i++) {
    // A 20-column grid keeps the whole flow near one screen at a readable zoom.
    const position = { x: (i % 20) * 300, y: Math.floor(i / 20) * 180 };
    const isLeaf = 2 * i + 1 >= n;
    if (i === 0) nodes.push({ id: "n0", type: "trigger", position, data: { on: { type: "event", event: "Product Viewed" } } });
    else if (isLeaf) nodes.push({ id: `n${i}`, type: "message", position, data: { channel: "in_app", placement: `slot-${i % 7}`, content: `Offer ${i} for {{ user.name | default: 'you' }}` } });
    else nodes.push({ id: `n${i}`, type: "condition", position, data: { if: { event: "Product Viewed", where: [{ property: "name", op: "eq", value: `Product ${i}` }], within: "P7D" } } });
    if (i > 0) {
      const parent = Math.floor((i - 1) / 2);
      edges.push({ id: `e${i}`, source: `n${parent}`, target: `n${i}`, ...(parent === 0 ? {} : { sourceHandle: i % 2 === 1 ? "yes" : "no" }) });
    }
  }
  // The trigger has one handle: re-wire its second child under the first.
  const second = edges.find((e) => e.source === "n0" && e.target === "n2");
  if (second) Object.assign(second, { source: "n1", sourceHandle: "missing" });
  return { nodes, edges };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function main() {
  const res = await fetch(`${BASE}/api/v1/flows`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ name: `Bench ${N} nodes`, graph: generateFlow(N) }),
  });
  if (res.status !== 201) throw new Error(`creating the flow failed: ${res.status} ${await res.text()}`);
  const flow = (await res.json()) as { id: string; problems: unknown[] };
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`${BASE}/login?next=/flows`);
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));

  const loads: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await page.goto(`${BASE}/flows/${flow.id}`, { waitUntil: "commit" });
    // performance.now() counts from this navigation's start.
    const ms = await page.waitForFunction((n) => (document.querySelectorAll(".react-flow__node").length >= n ? performance.now() : null), N, { polling: "raf", timeout: 60_000 });
    loads.push(Number(await ms.jsonValue()));
  }

  // Drag a node around for ~2 s while recording frame deltas.
  await page.waitForTimeout(500);
  const drawn = await page.locator(".react-flow__node").count();
  const box = (await page.locator(".react-flow__node").nth(Math.min(5, drawn - 1)).boundingBox())!;
  // A string, not a function: the TypeScript runner would inject helpers the page does not have.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__stop = false;
    let last = performance.now();
    const tick = (t) => { window.__frames.push(t - last); last = t; if (!window.__stop) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  const x0 = box.x + box.width / 2;
  const y0 = box.y + 12;
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (let i = 1; i <= 120; i++) {
    await page.mouse.move(x0 + Math.sin(i / 10) * 200, y0 + (i % 40) * 4);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  const frames = (await page.evaluate(`(() => { window.__stop = true; return window.__frames.slice(2); })()`)) as number[];
  await browser.close();

  const budget = 1000 / 60;
  const dropped = frames.reduce((s, d) => s + Math.max(0, Math.round(d / budget) - 1), 0);
  console.log(`canvas bench: ${N} nodes (${drawn} in the DOM after fit view), ${flow.problems.length} problems`);
  console.log(`  load to nodes drawn (ms): runs ${loads.map((x) => x.toFixed(0)).join(", ")}; p50 ${pct(loads, 50).toFixed(0)}, max ${Math.max(...loads).toFixed(0)}`);
  console.log(`  drag frames: ${frames.length}; frame time p50 ${pct(frames, 50).toFixed(1)} ms, p95 ${pct(frames, 95).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms; dropped frames ${dropped}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
