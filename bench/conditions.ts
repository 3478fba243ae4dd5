// Benchmark: compiled condition evaluations per second against json-rules-engine on equivalent rules.
// Run with `npx tsx bench/conditions.ts`.
import { Engine } from "json-rules-engine";
import { compileCondition, type ProfileContext } from "@/lib/conditions/compile";
import { emptySummary, updateSummary } from "@/lib/conditions/summary";
import type { Condition } from "@/lib/flow/schema";

type Case = {
  name: string;
  condition: Condition;
  // json-rules-engine's equivalent: its conditions tree and the facts it reads
  rules: Record<string, unknown>;
  profiles: ProfileContext[];
};

const now = Date.UTC(2025, 0, 31);
let summary = emptySummary();
for (let i = 0; i < 50; i++) summary = updateSummary(summary, { name: "Product Viewed", properties: { sku: i % 3 ? "A" : "B" }, timestamp: now - i * 3_600_000 });

const profile = (traits: Record<string, unknown>): ProfileContext => ({ profileId: "p", userId: "u", traits, summary, now });
const profiles = [
  profile({ plan: "pro", age: 34, country: "US", tags: ["vip", "beta"], email: "a@acme.io" }),
  profile({ plan: "free", age: 17, country: "DE", tags: [], email: "b@example.com" }),
  profile({ plan: "pro", age: "41", country: "CA", tags: ["beta"], email: "c@acme.io" }),
  profile({ plan: "team", age: 22, country: "US", tags: ["vip"] }),
];

const cases: Case[] = [
  {
    name: "single trait eq",
    condition: { trait: "plan", op: "eq", value: "pro" },
    rules: { all: [{ fact: "plan", operator: "equal", value: "pro" }] },
    profiles,
  },
  {
    name: "all of 4 (eq, gte, in, contains)",
    condition: {
      all: [
        { trait: "plan", op: "in", value: ["pro", "team"] },
        { trait: "age", op: "gte", value: 18 },
        { trait: "country", op: "in", value: ["US", "CA"] },
        { trait: "tags", op: "contains", value: "vip" },
      ],
    },
    rules: {
      all: [
        { fact: "plan", operator: "in", value: ["pro", "team"] },
        { fact: "age", operator: "greaterThanInclusive", value: 18 },
        { fact: "country", operator: "in", value: ["US", "CA"] },
        { fact: "tags", operator: "contains", value: "vip" },
      ],
    },
    profiles,
  },
  {
    name: "nested any/all/not",
    condition: {
      any: [
        { all: [{ trait: "plan", op: "eq", value: "pro" }, { not: { trait: "country", op: "eq", value: "DE" } }] },
        { all: [{ trait: "plan", op: "eq", value: "team" }, { trait: "age", op: "lt", value: 30 }] },
      ],
    },
    rules: {
      any: [
        { all: [{ fact: "plan", operator: "equal", value: "pro" }, { not: { fact: "country", operator: "equal", value: "DE" } }] },
        { all: [{ fact: "plan", operator: "equal", value: "team" }, { fact: "age", operator: "lessThan", value: 30 }] },
      ],
    },
    profiles,
  },
];

function benchCompiled(c: Case, ms: number): number {
  const fn = compileCondition(c.condition);
  let yes = 0;
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 10_000; i++) {
      if (fn(c.profiles[i & 3]) === "yes") yes++;
    }
    n += 10_000;
  }
  if (yes < 0) console.log(yes); // keeps the loop observable
  return n / (ms / 1000);
}

async function benchRulesEngine(c: Case, ms: number): Promise<number> {
  const engine = new Engine([{ conditions: c.rules as never, event: { type: "match" } }], { allowUndefinedFacts: true });
  const facts = c.profiles.map((p) => p.traits);
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) await engine.run(facts[(n + i) & 3]);
    n += 100;
  }
  return n / (ms / 1000);
}

function eventWindowOnly(ms: number): number {
  const c: Case = {
    name: "event window",
    condition: { event: "Product Viewed", where: [{ property: "sku", op: "eq", value: "A" }], within: "P1D", count: { gte: 3 } },
    rules: {},
    profiles,
  };
  return benchCompiled(c, ms);
}

async function main() {
  const ms = Number(process.env.BENCH_MS ?? 1000);
  const fmt = (x: number) => Math.round(x).toLocaleString("en-US").padStart(14);
  console.log(`${"rule".padEnd(36)}${"compiled ops/s".padStart(16)}${"json-rules ops/s".padStart(18)}${"ratio".padStart(10)}`);
  // warm up both so neither pays for JIT compilation in the measured window
  for (const c of cases) {
    benchCompiled(c, 100);
    await benchRulesEngine(c, 100);
  }
  let worst = Infinity;
  for (const c of cases) {
    const a = benchCompiled(c, ms);
    const b = await benchRulesEngine(c, ms);
    worst = Math.min(worst, a / b);
    console.log(`${c.name.padEnd(36)}${fmt(a).padStart(16)}${fmt(b).padStart(18)}${`${(a / b).toFixed(0)}×`.padStart(10)}`);
  }
  console.log(`${"event window P1D count>=3 (50 kept)".padEnd(36)}${fmt(eventWindowOnly(ms)).padStart(16)}${"n/a".padStart(18)}${"".padStart(10)}`);
  console.log(`\nslowest ratio: ${worst.toFixed(0)}× (goal: 100×)`);
}

void main();
