// What a step is called wherever people read about it: the canvas, results and funnels, the profile's
// explanation, the publish diff. The marketer's own name (the node's `label`, docs/api.md §5) wins;
// without one, a short name made from what the step does.
import { describeTest } from "./describe";
import type { FlowNode, NodeBody } from "./schema";

/** The name made from what the step does ("When Signed Up", "Wait P1D", "In-app: banner"). */
export function defaultStepName(node: NodeBody): string {
  switch (node.type) {
    case "trigger": {
      const on = node.data.on;
      return on.type === "event" || on.type === "behavior" ? `When ${on.event}` : on.type === "inactivity" ? `Inactive ${on.after}` : on.type === "trait" ? `When ${describeTest(on.trait, on.op, on.value)}` : "On identify";
    }
    case "condition":
      return "Condition";
    case "split":
      return `Split ${node.data.branches.map((b) => b.label ?? b.id).join(" / ")}`;
    case "wait":
      return "for" in node.data ? `Wait ${node.data.for}` : `Wait for ${node.data.until.event}`;
    case "message":
      return node.data.channel === "in_app" ? `In-app: ${node.data.placement}` : node.data.channel === "email" ? "Email" : "Webhook";
    case "update":
      return "Update traits";
    case "fetch":
      return `Fetch data.${node.data.as}`;
    case "exit":
      return "Exit";
  }
}

/** The step's name: its label when it has one, else the name made from what it does. */
export function stepName(node: Pick<FlowNode, "label"> & NodeBody): string {
  const label = node.label?.trim();
  if (label) return label;
  try {
    return defaultStepName(node);
  } catch {
    return node.type; // half-edited data on the canvas
  }
}

/** Names for every step of a graph, the node id added where two steps would read the same. */
export function stepNames(nodes: readonly (Pick<FlowNode, "id" | "label"> & NodeBody)[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const n of nodes) count.set(stepName(n), (count.get(stepName(n)) ?? 0) + 1);
  return new Map(nodes.map((n) => [n.id, count.get(stepName(n))! > 1 ? `${stepName(n)} (${n.id})` : stepName(n)]));
}
