// Runs a flow's test cases through the sandbox (the engine's simulate on a virtual clock, nothing stored
// or sent) and checks each case's expectations against what happened.
import { parseDuration } from "@/lib/conditions/duration";
import { simulate, MAX_SIMULATION_STEPS, SIMULATION_DEFAULT_START, type MessageEffect, type SimulationResult } from "@/lib/engine";
import type { FlowNode, Graph, SettingsInput, SplitNode } from "@/lib/flow/schema";
import type { CaseEvent, CaseResult, Expectations, TestCase, TestRunResult } from "./schema";

export type CaseFlow = { graph: Graph; settings?: SettingsInput | null; flowId?: string; flowName?: string };

/** What people call a step: its label, else its node id. */
export const stepName = (node: Pick<FlowNode, "id" | "label">) => node.label || node.id;

/** A step named by label (exact, then ignoring case and spaces at the ends), else by node id. */
export function findStep(graph: Graph, ref: string): FlowNode | undefined {
  const exact = graph.nodes.find((n) => n.label === ref);
  if (exact) return exact;
  const loose = ref.trim().toLowerCase();
  return graph.nodes.find((n) => n.label?.trim().toLowerCase() === loose) ?? graph.nodes.find((n) => n.id === ref);
}

const quote = (s: string) => `“${s}”`;
const removed = (ref: string) => `step ${quote(ref)} was removed (no step has that label or id)`;

/** True when the events are not already in time order (the runner sorts them). */
export function eventsOutOfOrder(events: readonly Pick<CaseEvent, "at">[]): boolean {
  let last = -Infinity;
  for (const e of events) {
    const t = parseDuration(e.at) ?? 0;
    if (t < last) return true;
    last = t;
  }
  return false;
}

/** The events in time order (stable: equal offsets keep their order). */
export function sortEvents<E extends Pick<CaseEvent, "at">>(events: readonly E[]): E[] {
  return events
    .map((e, i) => ({ e, i, t: parseDuration(e.at) ?? 0 }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.e);
}

function findBranch(split: SplitNode, ref: string) {
  return split.data.branches.find((b) => b.id === ref) ?? split.data.branches.find((b) => b.label === ref || b.label?.trim().toLowerCase() === ref.trim().toLowerCase());
}

/**
 * A forced bucket is a graph in which the chosen branch of that split has all the weight: the engine's
 * own bucketing then takes it, so the run, its variant record and `variant` conditions stay genuine.
 */
function forceVariants(graph: Graph, variants: Record<string, string> | undefined, failures: string[]): Graph {
  if (!variants || Object.keys(variants).length === 0) return graph;
  const forced = new Map<string, string>();
  for (const [ref, branchRef] of Object.entries(variants)) {
    const node = findStep(graph, ref);
    if (!node) failures.push(`${removed(ref)}: its bucket cannot be forced`);
    else if (node.type !== "split") failures.push(`step ${quote(ref)} is not a split: its bucket cannot be forced`);
    else {
      const branch = findBranch(node, branchRef);
      if (!branch) failures.push(`branch ${quote(branchRef)} of split ${quote(ref)} was removed`);
      else forced.set(node.id, branch.id);
    }
  }
  if (forced.size === 0) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((n) =>
      n.type === "split" && forced.has(n.id) ? { ...n, data: { ...n.data, branches: n.data.branches.map((b) => ({ ...b, weight: b.id === forced.get(n.id) ? 100 : 0 })) } } : n,
    ),
  };
}

function messageText(message: SimulationResult["messages"][number]): string {
  // SimulatedMessage omits the discriminant's narrowing; read it back as the effect it came from.
  const m = message as unknown as MessageEffect;
  if (m.channel === "in_app") return m.content;
  if (m.channel === "email") return `${m.subject}\n${m.body}`;
  return `${m.url}\n${m.body ?? ""}`;
}

function checkExpectations(graph: Graph, expect: Expectations, sim: SimulationResult, result: Omit<CaseResult, "passed" | "failures" | "unreached" | "notes">, failures: string[], unreached: Set<string>) {
  const passedIds = result.steps.filter((_, i) => sim.trace[i].entered).map((s) => s.nodeId);
  const pathText = result.path.length ? result.path.join(" → ") : "(nothing)";

  if (expect.enters === true && !result.entered) {
    const refusals = [...new Set(sim.entries.filter((e) => !e.entered && e.reason).map((e) => e.reason))];
    failures.push(`expected to enter the flow, but did not${refusals.length ? ` (${refusals.join(", ")})` : ""}`);
  }
  if (expect.enters === false && result.entered) failures.push(`expected not to enter the flow, but entered (path: ${pathText})`);

  if (expect.steps?.length) {
    let from = 0;
    let previous: string | null = null;
    for (const ref of expect.steps) {
      const node = findStep(graph, ref);
      if (!node) {
        failures.push(removed(ref));
        continue;
      }
      const i = passedIds.indexOf(node.id, from);
      if (i < 0) {
        unreached.add(node.id);
        const elsewhere = passedIds.includes(node.id);
        failures.push(
          elsewhere
            ? `expected to pass step ${quote(ref)} after ${quote(previous ?? "")}, but it came earlier (path: ${pathText})`
            : `expected to pass step ${quote(ref)}${previous ? ` after ${quote(previous)}` : ""}, but it was not reached (path: ${pathText})`,
        );
        continue;
      }
      from = i + 1;
      previous = ref;
    }
  }

  for (const want of expect.messages ?? []) {
    let node: FlowNode | undefined;
    if (want.step !== undefined) {
      node = findStep(graph, want.step);
      if (!node) {
        failures.push(removed(want.step));
        continue;
      }
    }
    const candidates = result.messages.filter((m) => (!node || m.nodeId === node.id) && (!want.channel || m.channel === want.channel));
    const what = `message${want.step ? ` ${quote(want.step)}` : ""}${want.channel ? ` (${want.channel})` : ""}`;
    if (candidates.length === 0) {
      if (node) unreached.add(node.id);
      failures.push(`expected to receive ${what}${want.contains !== undefined ? ` containing ${quote(want.contains)}` : ""}, but it was not received`);
      continue;
    }
    if (want.contains !== undefined && !candidates.some((m) => m.text.includes(want.contains!))) {
      failures.push(`${what} was received, but its content ${quote(candidates[0].text.slice(0, 200))} does not contain ${quote(want.contains)}`);
      continue;
    }
    if (candidates.every((m) => m.suppressed)) failures.push(`${what} was reached, but not delivered (${candidates[0].suppressed})`);
  }

  if (expect.converts !== undefined && expect.converts !== result.converted) failures.push(expect.converts ? "expected to convert, but did not" : "expected not to convert, but converted");

  if (expect.variant) {
    const node = findStep(graph, expect.variant.step);
    if (!node) failures.push(removed(expect.variant.step));
    else if (node.type !== "split") failures.push(`step ${quote(expect.variant.step)} is not a split`);
    else {
      const branch = findBranch(node, expect.variant.branch);
      const got = result.variants[node.id];
      if (!branch) failures.push(`branch ${quote(expect.variant.branch)} of split ${quote(expect.variant.step)} was removed`);
      else if (got === undefined) {
        unreached.add(node.id);
        failures.push(`expected variant ${quote(expect.variant.branch)} of split ${quote(expect.variant.step)}, but the split was not reached`);
      } else if (got !== branch.id) {
        const gotBranch = node.data.branches.find((b) => b.id === got);
        failures.push(`expected variant ${quote(expect.variant.branch)} of split ${quote(expect.variant.step)}, but landed in ${quote(gotBranch?.label || got)}`);
      }
    }
  }
}

/** Runs one case on the flow. Pure: nothing is stored or sent; the same case on the same flow gives the same result. */
export function runCase(flow: CaseFlow, testCase: TestCase): CaseResult {
  const failures: string[] = [];
  const notes: string[] = [];
  const unreached = new Set<string>();
  const graph = forceVariants(flow.graph, testCase.variants, failures);
  const start = SIMULATION_DEFAULT_START;

  if (eventsOutOfOrder(testCase.events)) notes.push("The events were out of order; they were run in time order");
  const profile = testCase.profile ?? {};
  const traits = { ...(profile.traits ?? {}), ...(profile.groupTraits ? { group: profile.groupTraits } : {}) };
  const history = (profile.pastEvents ?? []).map((p) => ({ name: p.event, properties: p.properties ?? {}, timestamp: start - (parseDuration(p.ago) ?? 0) }));

  const sim = simulate(
    { graph, settings: flow.settings, flowId: flow.flowId, flowName: flow.flowName },
    {
      // A stable user id per case keeps rollout, holdout and split buckets the same on every run.
      profile: { traits, userId: profile.userId ?? `test-case:${testCase.name}` },
      events: sortEvents(testCase.events),
      until: testCase.until,
      start,
      history,
      policies: null,
    },
  );

  const byId = new Map(flow.graph.nodes.map((n) => [n.id, n]));
  const name = (id: string) => {
    const n = byId.get(id);
    return n ? stepName(n) : id;
  };
  const steps = sim.trace.map((s) => ({ nodeId: s.nodeId, label: name(s.nodeId), at: s.at, result: s.result }));
  const variants: Record<string, string> = {};
  for (const run of sim.runs) Object.assign(variants, run.variants);
  const base = {
    name: testCase.name,
    path: sim.trace.filter((s) => s.entered).map((s) => name(s.nodeId)),
    messages: sim.messages.map((m) => ({
      step: name(m.nodeId),
      nodeId: m.nodeId,
      channel: m.channel,
      at: m.at,
      text: messageText(m),
      ...(m.suppressed ? { suppressed: m.suppressed } : {}),
    })),
    entered: sim.entries.some((e) => e.entered),
    converted: sim.converted,
    variants,
    steps,
  };

  if (sim.problems.some((p) => p.startsWith(`The simulation stopped after ${MAX_SIMULATION_STEPS}`))) {
    failures.push(`the case never ended: the flow kept looping and was stopped after ${MAX_SIMULATION_STEPS} steps`);
  }
  for (const p of sim.problems) if (!p.startsWith("The simulation stopped")) notes.push(p);
  checkExpectations(flow.graph, testCase.expect ?? {}, sim, base, failures, unreached);
  return { ...base, passed: failures.length === 0, failures, unreached: [...unreached], notes };
}

/** Runs every case on the flow. */
export function runCases(flow: CaseFlow, cases: readonly TestCase[]): TestRunResult {
  const results = cases.map((c) => runCase(flow, c));
  const failed = results.filter((r) => !r.passed).length;
  return { passed: results.length - failed, failed, results };
}

/**
 * A case whose expectations are what a simulation just showed: the path by step name, every message
 * with the start of its text, whether the user entered and converted, and the variants taken.
 * (`Save as test case` in the simulate panel; `Add case from real user`.)
 */
export function caseFromRun(flow: CaseFlow, base: Omit<TestCase, "expect">): TestCase {
  const observed = runCase(flow, { ...base, expect: {} });
  const splitLabels = new Map(flow.graph.nodes.filter((n): n is SplitNode => n.type === "split").map((n) => [n.id, n]));
  const [variantNode, variantBranch] = Object.entries(observed.variants)[0] ?? [];
  const split = variantNode ? splitLabels.get(variantNode) : undefined;
  return {
    ...base,
    events: sortEvents(base.events),
    expect: {
      enters: observed.entered,
      ...(observed.entered ? { steps: observed.path } : {}),
      ...(observed.messages.length
        ? { messages: observed.messages.map((m) => ({ step: m.step, contains: m.text.split("\n").pop()!.slice(0, 60) })) }
        : {}),
      converts: observed.converted,
      ...(split ? { variant: { step: stepName(split), branch: split.data.branches.find((b) => b.id === variantBranch)?.label || variantBranch! } } : {}),
    },
  };
}
