"use client";
// The publish dialog's deliverability check (POST /api/v1/channels/check): message steps of the
// draft that cannot be delivered as things stand — email without SMTP, a webhook to an address the
// outbound guard refuses. A warning, not a refusal: the flow may be published before SMTP is set up.
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import type { Graph } from "@/lib/flow/schema";

type Warning = { nodeId: string; label?: string; channel: "email" | "webhook"; code: string; message: string };

export function DeliveryWarnings({ graph }: { graph: Graph }) {
  const q = useQuery({
    queryKey: ["channels", "check", graph.nodes.filter((n) => n.type === "message").map((n) => [n.id, n.data])],
    queryFn: () => api<{ warnings: Warning[] }>("/api/v1/channels/check", { method: "POST", json: { graph: { nodes: graph.nodes } } }),
    staleTime: 10_000,
  });
  const warnings = q.data?.warnings ?? [];
  if (!warnings.length) return null;
  return (
    <section role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3" aria-labelledby="publish-delivery-title" data-testid="publish-delivery-warnings">
      <h3 id="publish-delivery-title" className="text-sm font-semibold text-amber-900">
        {warnings.length === 1 ? "1 step cannot be delivered" : `${warnings.length} steps cannot be delivered`}
      </h3>
      <ul className="mt-1 space-y-1 text-sm text-amber-900">
        {warnings.map((w) => (
          <li key={`${w.nodeId}:${w.code}`}>
            <span className="font-medium">{w.label ?? (w.channel === "email" ? "Email" : "Webhook")}</span> <span className="font-mono text-xs text-amber-800">{w.nodeId}</span>: {w.message}
          </li>
        ))}
      </ul>
      <p className="mt-1 text-xs text-amber-800">You can still publish; these messages will fail until it is fixed, and each failure shows on the person&apos;s profile and on Home.</p>
    </section>
  );
}
