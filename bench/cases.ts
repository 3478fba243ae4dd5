// Benchmark: running a flow's test cases — 100 cases of a 50-node flow through the sandbox, as the editor
// does on each saved edit and publish does before it goes live. Goal: under 1 s.
// Run with `npx tsx bench/cases.ts` (or `npm run bench -- --only=cases`).
import os from "node:os";
import { caseFromRun, runCases } from "@/lib/cases/run";
import type { TestCase } from "@/lib/cases/schema";
import type { FlowEdge, FlowNode, Graph } from "@/lib/flow/schema";

// t ─▶ [c_i {score ≥ 8i} ─yes─▶ m_i ─▶ w_i (PT1H) ─▶ next]   ×12, "no" goes through u_i (update) to next
//    ─▶ split {a 50, b 50} ─▶ ma | mb                        = 1 + 48 + 3 = 52 nodes
const BLOCKS = 12;
const nodes: FlowNode[] = [{ id: "t", type: "trigger", label: "Started", data: { on: { type: "event", event: "Started" } } }];
const edges: FlowEdge[] = [];
let prev = "t";
let handle: string | undefined;
const link = (source: string, target: string, sourceHandle?: string) => edges.push({ id: `e${edges.length}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) });
for (let i = 0; i < BLOCKS; i++) {
  nodes.push(
    { id: `c${i}`, type: "condition", label: `Score ${i}?`, data: { if: { trait: "score", op: "gte", value: i * 8 } } },
    { id: `m${i}`, type: "message", label: `Tip ${i}`, data: { channel: "in_app", placement: "tips", content: `Tip ${i} for {{ user.name | default: 'you' }}` } },
    { id: `w${i}`, type: "wait", data: { for: "PT1H" } },
    { id: `u${i}`, type: "update", data: { set: { [`skipped${i}`]: true } } },
  );
  link(prev, `c${i}`, handle);
  link(`c${i}`, `m${i}`, "yes");
  link(`m${i}`, `w${i}`);
  link(`c${i}`, `u${i}`, "no");
  // Both branches join at the next block: the wait and the update each lead on.
  if (i < BLOCKS - 1) link(`u${i}`, `c${i + 1}`);
  prev = `w${i}`;
  handle = undefined;
}
nodes.push(
  { id: "s", type: "split", label: "Final offer", data: { branches: [{ id: "a", weight: 50, label: "A" }, { id: "b", weight: 50, label: "B" }] } },
  { id: "ma", type: "message", data: { channel: "email", subject: "Offer A", body: "Hello {{ user.name }}" } },
  { id: "mb", type: "message", data: { channel: "email", subject: "Offer B", body: "Hi {{ user.name }}" } },
);
link(prev, "s");
link(`u${BLOCKS - 1}`, "s");
link("s", "ma", "a");
link("s", "mb", "b");
const graph: Graph = { nodes, edges };
const flow = { graph, settings: { goal: { event: "Order Completed", within: "P7D" } }, flowId: "bench", flowName: "Bench" };

const CASES = 100;
const cases: TestCase[] = Array.from({ length: CASES }, (_, i) =>
  caseFromRun(flow, {
    name: `case ${i}`,
    profile: { traits: { score: i, name: `User ${i}` }, pastEvents: [{ ago: "P1D", event: "Visited" }] },
    events: [{ at: "PT1M", type: "track", event: "Started" }, ...(i % 3 === 0 ? [{ at: "PT5H", type: "track" as const, event: "Order Completed" }] : [])],
  }),
);

const ROUNDS = 7;
const times: number[] = [];
let last = runCases(flow, cases); // warm-up (JIT, Liquid templates)
for (let r = 0; r < ROUNDS; r++) {
  const t0 = performance.now();
  last = runCases(flow, cases);
  times.push(performance.now() - t0);
}
if (last.failed !== 0) throw new Error(`${last.failed} cases failed; the benchmark must run passing cases`);
const steps = last.results.reduce((s, r) => s + r.steps.length, 0);
times.sort((a, b) => a - b);
const best = times[0];
const median = times[Math.floor(times.length / 2)];
console.log(`\n## Flow test cases (bench/cases.ts) — ${new Date().toISOString()}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}`);
console.log(`${CASES} cases of a ${nodes.length}-node flow (${steps} steps in all), ${ROUNDS} rounds after a warm-up`);
console.log(`| what | best | median | per case (median) | goal |`);
console.log(`|---|---|---|---|---|`);
console.log(`| run ${CASES} cases | ${best.toFixed(0)} ms | ${median.toFixed(0)} ms | ${(median / CASES).toFixed(2)} ms | < 1000 ms ${median < 1000 ? "(met)" : "(NOT met)"} |`);
