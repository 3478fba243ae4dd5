"use client";
// The inspector's warning for a trigger or in-app message that another active flow also fills from the
// same trigger: which flow wins (priority, then newest), from the same pure function Home uses. The
// flow being edited takes part as its draft with the selected node as it is now, as if it were active.
import Link from "next/link";
import { useMemo } from "react";
import { useConflicts } from "@/components/hooks/use-conflicts";
import { useFlow } from "@/components/hooks/use-flows";
import { conflictsOf, findConflicts, triggerKey, type ConflictFlow } from "@/lib/flow/conflicts";
import type { FlowNode } from "@/lib/flow/schema";

export function ConflictNotice({ flowId, node }: { flowId: string; node: FlowNode }) {
  const all = useConflicts();
  const flow = useFlow(flowId);
  const mine = useMemo(() => {
    if (!all.data || !flow.data) return [];
    const live = all.data.flows.find((f) => f.id === flowId);
    const nodes = flow.data.graph.nodes.map((n) => (n.id === node.id ? node : n));
    if (!nodes.some((n) => n.id === node.id)) nodes.push(node);
    const self: ConflictFlow = { id: flowId, name: flow.data.name, priority: flow.data.settings.priority ?? 0, createdAt: live?.createdAt ?? flow.data.createdAt, graph: { nodes } };
    const found = conflictsOf(flowId, findConflicts([...all.data.flows.filter((f) => f.id !== flowId), self]));
    if (node.type === "message") {
      const data = node.data;
      return data.channel === "in_app" ? found.filter((c) => c.placement === data.placement) : [];
    }
    if (node.type === "trigger") {
      const key = triggerKey(node.data.on);
      return found.filter((c) => c.triggerKey === key);
    }
    return [];
  }, [all.data, flow.data, flowId, node]);
  if (!mine.length) return null;
  return (
    <div role="status" data-testid="conflict-notice" className="mx-4 mb-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-xs text-amber-900">
      <p className="font-semibold">Conflicts with another active flow</p>
      <ul className="mt-1 list-disc space-y-1 pl-4">
        {mine.map((c) => (
          <li key={`${c.placement}-${c.trigger}`}>
            {c.message}{" "}
            {c.flows
              .filter((f) => f.id !== flowId)
              .map((f) => (
                <Link key={f.id} href={`/flows/${f.id}`} className="font-medium underline">
                  Open “{f.name}”
                </Link>
              ))}
          </li>
        ))}
      </ul>
      <p className="mt-1 text-amber-800">Change the priority in the flow settings to choose the winner.</p>
    </div>
  );
}
