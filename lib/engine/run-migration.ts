// Version migration of runs (live edits): map each node of the old version to a node of the new one,
// plan what that does to the users inside (the dry run), and move one run (the same function applies it,
// so a dry run's counts are what applying does).
//
//   autoMapping(oldGraph, newGraph) => {oldNodeId: newNodeId | null}   same id and type, else null
//   mappingProblems(oldGraph, newGraph, mapping) => Problem[]
//   migrateRun(run, from, to, mapping, now) => {moved: false, reason} | {moved: true, run, effects, skipped}
//   planMigration(runs, from, to, mapping, now) => MigrationPlan
//
// Only waiting runs on the old version move (a run at rest is always waiting or ended). A run parked at
// wait W moves to T = mapping[W]; T null (or missing) keeps it on its version, which stays valid.
// - T is a wait: the run waits there, counted from when it began waiting (since), so a wait of the
//   same length keeps its due time; a due time already past fires at once.
// - T is another node: the run is parked in front of T with a timer due now; the worker enters T.
// Idempotency across versions: the run keeps its id, its visit counters (old ids kept, mapped ids get
// the old node's count) and its variants (mapped to mapped split nodes). Every new message node that a
// received old message node maps to goes into run.received: the engine suppresses its next reach. So a
// migrated user never gets a message twice, and touchpoint keys (run:node:visit) never repeat.
import type { CompiledFlow } from "./compile-flow";
import type { Effect, Run } from "./types";
import type { Graph, Problem } from "@/lib/flow/schema";

export type NodeMapping = Record<string, string | null>;

export function autoMapping(oldGraph: Graph, newGraph: Graph): NodeMapping {
  const byId = new Map(newGraph.nodes.map((n) => [n.id, n]));
  const out: NodeMapping = {};
  for (const n of oldGraph.nodes) out[n.id] = byId.get(n.id)?.type === n.type ? n.id : null;
  return out;
}

/** A mapping names only old nodes and maps them to new nodes (or null). Unlisted old nodes are auto-mapped. */
export function mappingProblems(oldGraph: Graph, newGraph: Graph, mapping: NodeMapping): Problem[] {
  const oldIds = new Set(oldGraph.nodes.map((n) => n.id));
  const newNodes = new Map(newGraph.nodes.map((n) => [n.id, n]));
  const problems: Problem[] = [];
  for (const [from, to] of Object.entries(mapping)) {
    if (!oldIds.has(from)) problems.push({ code: "unknown_old_node", message: `The live version has no node "${from}"`, nodeId: from });
    else if (to !== null && !newNodes.has(to)) problems.push({ code: "unknown_new_node", message: `The new version has no node "${to}" (mapped from "${from}")`, nodeId: to });
    else if (to !== null && newNodes.get(to)!.type === "trigger") {
      problems.push({ code: "mapped_to_trigger", message: `Users cannot be moved onto a trigger ("${from}" → "${to}")`, nodeId: from });
    }
  }
  return problems;
}

/** The explicit mapping completed with the automatic one for old nodes it does not name. */
export function completeMapping(oldGraph: Graph, newGraph: Graph, mapping: NodeMapping = {}): NodeMapping {
  return { ...autoMapping(oldGraph, newGraph), ...mapping };
}

export type MigrateResult =
  | { moved: false; reason: "not_waiting" | "other_version" | "unmapped" }
  | { moved: true; run: Run; effects: Effect[]; from: string; to: string; skipped: string[] };

/** Message nodes of `flow` reachable from `start` (inclusive). */
export function reachableMessages(flow: CompiledFlow, start: string): Set<string> {
  const seen = new Set<string>();
  const out = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    if (flow.nodes.get(id)?.type === "message") out.add(id);
    for (const target of flow.edges.get(id)?.values() ?? []) stack.push(target);
  }
  return out;
}

export function migrateRun(run: Run, from: CompiledFlow, to: CompiledFlow, mapping: NodeMapping, now: number): MigrateResult {
  if (run.versionId !== from.versionId) return { moved: false, reason: "other_version" };
  if (run.status !== "waiting" || !run.wait) return { moved: false, reason: "not_waiting" };
  // A run waiting for a fetch answer is in the middle of a step, not at rest: it finishes on its version.
  if (run.wait.kind === "fetch") return { moved: false, reason: "not_waiting" };
  const target = mapping[run.wait.nodeId];
  const node = target ? to.nodes.get(target) : undefined;
  if (!target || !node || node.type === "trigger") return { moved: false, reason: "unmapped" };

  const visits: Record<string, number> = { ...run.visits };
  const variants: Record<string, string> = { ...run.variants };
  const received = new Set<string>();
  for (const [oldId, count] of Object.entries(run.visits)) {
    const newId = mapping[oldId];
    if (!newId || !to.nodes.has(newId)) continue;
    visits[newId] = Math.max(visits[newId] ?? 0, count);
    if (from.nodes.get(oldId)?.type === "message" && to.nodes.get(newId)?.type === "message" && count > 0) received.add(newId);
  }
  for (const id of run.received ?? []) {
    const newId = mapping[id];
    if (newId && to.nodes.get(newId)?.type === "message") received.add(newId);
  }
  for (const [oldId, branch] of Object.entries(run.variants)) {
    const newId = mapping[oldId];
    const split = newId ? to.nodes.get(newId) : undefined;
    if (split?.type === "split" && split.branches.some((b) => b.id === branch)) variants[newId!] = branch;
  }

  const oldWait = run.wait;
  const suffix = `m${to.version}`;
  let visit = visits[target] ?? 0;
  let wait: NonNullable<Run["wait"]>;
  if (node.type === "wait") {
    if (visit === 0) visit = visits[target] = 1;
    const ms = node.kind === "for" ? node.ms : node.timeoutMs;
    wait = { nodeId: target, kind: node.kind, until: Math.max(now, oldWait.since + ms), timerId: `${run.id}:${target}:${visit}:${suffix}`, since: oldWait.since };
  } else {
    wait = { nodeId: target, kind: "for", until: now, timerId: `${run.id}:${target}:${visit + 1}:${suffix}`, since: now, resume: true };
  }

  const reach = reachableMessages(to, target);
  const moved: Run = {
    ...run,
    flowId: to.flowId,
    versionId: to.versionId,
    version: to.version,
    nodeId: target,
    status: "waiting",
    visits,
    variants,
    wait,
    received: [...received].sort(),
    migratedFrom: { versionId: from.versionId, version: from.version, nodeId: oldWait.nodeId, at: now },
  };
  const effects: Effect[] = [
    { type: "cancel_timer", runId: run.id, timerId: oldWait.timerId, at: now },
    {
      type: "step",
      runId: run.id,
      nodeId: target,
      nodeType: node.type,
      visit,
      entered: false,
      result: "migrated",
      reason: { migratedFrom: { version: from.version, nodeId: oldWait.nodeId }, ...(node.type === "wait" ? { due: new Date(wait.until!).toISOString() } : {}) },
      key: `${run.id}:migrate:${from.version}-${to.version}`,
      at: now,
    },
    { type: "timer", runId: run.id, nodeId: target, timerId: wait.timerId, at: wait.until! },
  ];
  return { moved: true, run: moved, effects, from: oldWait.nodeId, to: target, skipped: [...received].filter((id) => reach.has(id)).sort() };
}

export type MigrationMove = {
  from: string;
  to: string | null;
  users: number;
  /** Message nodes of the new version these users already received and will not receive again. */
  notReceivedAgain: { nodeId: string; users: number }[];
};

export type MigrationPlan = {
  fromVersion: number;
  toVersion: number;
  /** Waiting runs on the live version. */
  total: number;
  moved: number;
  /** Stay on the live version (their node maps to nothing). */
  kept: number;
  moves: MigrationMove[];
  /** Per message node of the new version: how many moved users will not receive it again. */
  notReceivedAgain: { nodeId: string; users: number }[];
};

/** The dry run: what migrateRun does to each run, summed up. */
export function planMigration(runs: readonly Run[], from: CompiledFlow, to: CompiledFlow, mapping: NodeMapping, now: number): MigrationPlan & { results: MigrateResult[] } {
  const moves = new Map<string, { from: string; to: string | null; users: number; skipped: Map<string, number> }>();
  const totalSkipped = new Map<string, number>();
  let total = 0;
  let moved = 0;
  const results: MigrateResult[] = [];
  for (const run of runs) {
    const r = migrateRun(run, from, to, mapping, now);
    results.push(r);
    if (run.versionId !== from.versionId || run.status !== "waiting" || !run.wait) continue;
    total++;
    const fromNode = run.wait.nodeId;
    const toNode = r.moved ? r.to : null;
    const key = `${fromNode}\u0000${toNode ?? ""}`;
    let m = moves.get(key);
    if (!m) moves.set(key, (m = { from: fromNode, to: toNode, users: 0, skipped: new Map() }));
    m.users++;
    if (r.moved) {
      moved++;
      for (const id of r.skipped) {
        m.skipped.set(id, (m.skipped.get(id) ?? 0) + 1);
        totalSkipped.set(id, (totalSkipped.get(id) ?? 0) + 1);
      }
    }
  }
  const list = (m: Map<string, number>) => [...m].map(([nodeId, users]) => ({ nodeId, users })).sort((a, b) => b.users - a.users || a.nodeId.localeCompare(b.nodeId));
  return {
    fromVersion: from.version,
    toVersion: to.version,
    total,
    moved,
    kept: total - moved,
    moves: [...moves.values()]
      .map((m) => ({ from: m.from, to: m.to, users: m.users, notReceivedAgain: list(m.skipped) }))
      .sort((a, b) => b.users - a.users || a.from.localeCompare(b.from)),
    notReceivedAgain: list(totalSkipped),
    results,
  };
}
