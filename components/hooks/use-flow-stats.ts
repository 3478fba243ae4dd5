"use client";
// A flow's stats (docs/api.md §5 GET /api/v1/flows/:id/stats) for the canvas overlay; `missing` when the
// endpoint is not deployed yet, so the canvas can say so instead of failing.
import { useQuery } from "@tanstack/react-query";
import { api, ApiRequestError } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";

export type FlowStats = {
  entered: number;
  active: number;
  completed: number;
  converted: number;
  conversionRate: number;
  nodes: Record<string, { entered: number; outcomes?: Record<string, number> }>;
};

export function useFlowStats(id: string, enabled: boolean) {
  return useQuery({
    queryKey: qk.flowStats(id),
    enabled,
    refetchInterval: enabled ? 15_000 : false,
    queryFn: async (): Promise<{ stats: FlowStats | null; missing: boolean }> => {
      try {
        return { stats: await api<FlowStats>(`/api/v1/flows/${id}/stats`), missing: false };
      } catch (e) {
        if (e instanceof ApiRequestError && e.status === 404) return { stats: null, missing: true };
        throw e;
      }
    },
  });
}
