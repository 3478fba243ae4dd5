// Compiles one flow version for execution: conditions and predicates into closures, durations into
// milliseconds, edges indexed by (node, handle), triggers and goal ready to match. Done once per version.
//
//   compileFlow({ flowId, flowName, versionId, version, graph, settings }) => CompiledFlow
//
// Never throws: a node whose data cannot be compiled (e.g. a duration that does not parse) is listed in
// `problems` and fails its step when reached. Published versions have passed validation, so in
// practice `problems` is empty.
import { compileCondition, compileWhere, type CompiledCondition, type PropsTest } from "@/lib/conditions/compile";
import { parseDuration } from "@/lib/conditions/duration";
import { DEFAULT_SETTINGS, handleOf, Settings, type FlowNode, type Graph, type MessageDataT, type Predicate, type SettingsInput } from "@/lib/flow/schema";

export type CompiledTrigger =
  | { nodeId: string; kind: "event"; event: string; where: PropsTest }
  | { nodeId: string; kind: "behavior"; event: string; where: PropsTest; hasWhere: boolean; gte: number; withinMs: number }
  | { nodeId: string; kind: "inactivity"; afterMs: number }
  | { nodeId: string; kind: "identify" }
  | { nodeId: string; kind: "trait"; trait: string; test: PropsTest };

export type CompiledNode =
  | { id: string; type: "trigger"; trigger: CompiledTrigger }
  | { id: string; type: "condition"; condition: CompiledCondition }
  | { id: string; type: "split"; branches: { id: string; weight: number }[] }
  | { id: string; type: "wait"; kind: "for"; ms: number }
  | { id: string; type: "wait"; kind: "until"; event: string; where: PropsTest; timeoutMs: number }
  | { id: string; type: "message"; data: MessageDataT }
  | { id: string; type: "update"; set: Record<string, unknown> }
  | { id: string; type: "exit" }
  | { id: string; type: "invalid"; nodeType: string; problem: string };

export type CompiledGoal = { event: string; where: PropsTest; withinMs: number | null };

export type CompiledFlow = {
  flowId: string;
  flowName: string;
  versionId: string;
  version: number;
  settings: Settings;
  nodes: Map<string, CompiledNode>;
  /** node id -> handle -> target node id */
  edges: Map<string, Map<string, string>>;
  triggers: CompiledTrigger[];
  goal: CompiledGoal | null;
  reentryMs: number | null;
  /** The longest single wait (for or until-timeout) in ms, for choosing a simulation horizon. */
  longestWaitMs: number;
  /** The sum of all waits in ms: a path never waits longer than this without a cycle. */
  totalWaitMs: number;
  problems: { nodeId?: string; message: string }[];
};

export type FlowVersionInput = {
  flowId: string;
  flowName: string;
  versionId: string;
  version: number;
  graph: Graph;
  settings?: SettingsInput | Settings | null;
};

export function compileFlow(input: FlowVersionInput): CompiledFlow {
  const problems: CompiledFlow["problems"] = [];
  const parsed = Settings.safeParse(input.settings ?? {});
  if (!parsed.success) problems.push({ message: `Settings do not parse; defaults used: ${parsed.error.issues[0]?.message ?? ""}` });
  const settings = parsed.success ? parsed.data : DEFAULT_SETTINGS;

  const nodes = new Map<string, CompiledNode>();
  const triggers: CompiledTrigger[] = [];
  let longestWaitMs = 0;
  let totalWaitMs = 0;
  const duration = (text: string, nodeId: string): number | null => {
    const ms = parseDuration(text);
    if (ms === null) problems.push({ nodeId, message: `"${text}" is not a duration` });
    return ms;
  };

  for (const node of input.graph.nodes) {
    const compiled = compileNode(node, duration);
    if (compiled.type === "trigger") triggers.push(compiled.trigger);
    if (compiled.type === "wait") {
      const ms = compiled.kind === "for" ? compiled.ms : compiled.timeoutMs;
      longestWaitMs = Math.max(longestWaitMs, ms);
      totalWaitMs += ms;
    }
    if (compiled.type === "invalid") problems.push({ nodeId: node.id, message: compiled.problem });
    nodes.set(node.id, compiled);
  }

  const edges = new Map<string, Map<string, string>>();
  for (const edge of input.graph.edges) {
    if (!nodes.has(edge.source) || !nodes.has(edge.target)) continue;
    let out = edges.get(edge.source);
    if (!out) edges.set(edge.source, (out = new Map()));
    const handle = handleOf(edge);
    // With two edges on one handle (a draft problem), the first wins, deterministically.
    if (!out.has(handle)) out.set(handle, edge.target);
  }

  const goal = settings.goal
    ? { event: settings.goal.event, where: compileWhere(settings.goal.where), withinMs: settings.goal.within ? parseDuration(settings.goal.within) : null }
    : null;
  const reentryMs = settings.reentry === "never" || settings.reentry === "always" ? null : parseDuration(settings.reentry);

  return {
    flowId: input.flowId,
    flowName: input.flowName,
    versionId: input.versionId,
    version: input.version,
    settings,
    nodes,
    edges,
    triggers,
    goal,
    reentryMs,
    longestWaitMs,
    totalWaitMs,
    problems,
  };
}

function compileNode(node: FlowNode, duration: (text: string, nodeId: string) => number | null): CompiledNode {
  const invalid = (problem: string): CompiledNode => ({ id: node.id, type: "invalid", nodeType: node.type, problem });
  switch (node.type) {
    case "trigger": {
      const on = node.data.on;
      switch (on.type) {
        case "event":
          return { id: node.id, type: "trigger", trigger: { nodeId: node.id, kind: "event", event: on.event, where: compileWhere(on.where) } };
        case "behavior": {
          const ms = duration(on.within, node.id);
          if (ms === null) return invalid(`"${on.within}" is not a duration`);
          return {
            id: node.id,
            type: "trigger",
            trigger: { nodeId: node.id, kind: "behavior", event: on.event, where: compileWhere(on.where), hasWhere: !!on.where?.length, gte: on.count.gte, withinMs: ms },
          };
        }
        case "inactivity": {
          const ms = duration(on.after, node.id);
          if (ms === null) return invalid(`"${on.after}" is not a duration`);
          return { id: node.id, type: "trigger", trigger: { nodeId: node.id, kind: "inactivity", afterMs: ms } };
        }
        case "identify":
          return { id: node.id, type: "trigger", trigger: { nodeId: node.id, kind: "identify" } };
        case "trait":
          return { id: node.id, type: "trigger", trigger: traitTrigger(node.id, on.trait, on.op, on.value) };
      }
      return invalid("Unknown trigger");
    }
    case "condition":
      return { id: node.id, type: "condition", condition: compileCondition(node.data.if) };
    case "split":
      return { id: node.id, type: "split", branches: node.data.branches.map((b) => ({ id: b.id, weight: b.weight })) };
    case "wait": {
      const data = node.data;
      if ("for" in data) {
        const ms = duration(data.for, node.id);
        return ms === null ? invalid(`"${data.for}" is not a duration`) : { id: node.id, type: "wait", kind: "for", ms };
      }
      const ms = duration(data.timeout, node.id);
      if (ms === null) return invalid(`"${data.timeout}" is not a duration`);
      return { id: node.id, type: "wait", kind: "until", event: data.until.event, where: compileWhere(data.until.where), timeoutMs: ms };
    }
    case "message":
      return { id: node.id, type: "message", data: node.data };
    case "update":
      return { id: node.id, type: "update", set: node.data.set };
    case "exit":
      return { id: node.id, type: "exit" };
  }
}

/** A trait trigger's test reads the traits as a property bag (the same operators as a `where`). */
function traitTrigger(nodeId: string, trait: string, op: Predicate["op"], value: Predicate["value"]): CompiledTrigger {
  return { nodeId, kind: "trait", trait, test: compileWhere([{ property: trait, op, ...(value !== undefined ? { value } : {}) }]) };
}

/** The node an edge leaving `nodeId` by `handle` reaches, if any. */
export function nextNode(flow: CompiledFlow, nodeId: string, handle: string): string | undefined {
  return flow.edges.get(nodeId)?.get(handle);
}
