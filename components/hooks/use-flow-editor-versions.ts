"use client";
// One published version of a flow (read-only view, publish diff) and restoring it as the draft.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";
import type { FlowDocument, Graph, Settings } from "@/lib/flow/schema";

export type FlowVersion = { id: string; flowId: string; version: number; graph: Graph; settings: Settings; publishedAt: string; publishedBy: string | null };

export function useFlowVersion(id: string, version: number | null) {
  return useQuery({
    queryKey: qk.flowVersion(id, version ?? 0),
    enabled: version !== null && version > 0,
    staleTime: Infinity, // published versions are immutable
    queryFn: () => api<FlowVersion>(`/api/v1/flows/${id}/versions/${version}`),
  });
}

export function useRestoreVersion(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (version: number) => api<FlowDocument>(`/api/v1/flows/${id}/versions/${version}/restore`, { method: "POST" }),
    onSuccess: (flow) => qc.setQueryData(qk.flow(id), flow),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.flows }),
  });
}
