"use client";
// Flow hooks: list, one flow, create, update, delete, publish, pause, resume, versions.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TestCaseInput } from "@/lib/cases/schema";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";
import type { FlowDocument, Graph, SettingsInput } from "@/lib/flow/schema";

export type FlowListItem = { id: string; name: string; status: "draft" | "active" | "paused"; version: number; updatedAt: string; description?: string | null };

export function useFlows() {
  return useQuery({ queryKey: qk.flows, queryFn: () => api<{ flows: FlowListItem[] }>("/api/v1/flows").then((r) => r.flows) });
}

/** `initial`: the flow as the server page already read it (fresh for the query's stale time). */
export function useFlow(id: string, initial?: FlowDocument) {
  return useQuery({ queryKey: qk.flow(id), queryFn: () => api<FlowDocument>(`/api/v1/flows/${id}`), initialData: initial });
}

export function useCreateFlow() {
  const qc = useQueryClient();
  return useMutation({
    // A flow made from a template starts with the template's test cases.
    mutationFn: async ({ tests, ...input }: { name: string; graph?: Graph; settings?: SettingsInput; description?: string; tests?: TestCaseInput[] }) => {
      const flow = await api<FlowDocument>("/api/v1/flows", { method: "POST", json: input });
      if (tests?.length) await api(`/api/v1/flows/${flow.id}/tests`, { method: "PUT", json: { cases: tests } });
      return flow;
    },
    onSettled: () => qc.invalidateQueries({ queryKey: qk.flows }),
  });
}

export function useUpdateFlow(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name?: string; graph?: Graph; settings?: SettingsInput }) => api<FlowDocument>(`/api/v1/flows/${id}`, { method: "PUT", json: input }),
    onSuccess: (flow) => qc.setQueryData(qk.flow(id), flow),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.flows }),
  });
}

export function useDeleteFlow() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/flows/${id}`, { method: "DELETE" }),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.flows }),
  });
}

function useFlowAction(id: string, action: "pause" | "resume") {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ id: string; status: string; version: number }>(`/api/v1/flows/${id}/${action}`, { method: "POST" }),
    onSettled: () => {
      qc.invalidateQueries({ queryKey: qk.flow(id) });
      qc.invalidateQueries({ queryKey: qk.flows });
      qc.invalidateQueries({ queryKey: qk.flowVersions(id) });
    },
  });
}
/** Publish; `expectedToChange` lets failing test cases through, each with why (kept in the audit log). */
export function usePublishFlow(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body?: { expectedToChange?: { name: string; reason: string }[] }) =>
      api<{ id: string; status: string; version: number }>(`/api/v1/flows/${id}/publish`, { method: "POST", ...(body?.expectedToChange?.length ? { json: body } : {}) }),
    onSettled: () => {
      qc.invalidateQueries({ queryKey: qk.flow(id) });
      qc.invalidateQueries({ queryKey: qk.flows });
      qc.invalidateQueries({ queryKey: qk.flowVersions(id) });
    },
  });
}
export const usePauseFlow = (id: string) => useFlowAction(id, "pause");
export const useResumeFlow = (id: string) => useFlowAction(id, "resume");

export type FlowVersionItem = { id: string; version: number; publishedAt: string; publishedBy: string | null };

export function useFlowVersions(id: string) {
  return useQuery({ queryKey: qk.flowVersions(id), queryFn: () => api<{ versions: FlowVersionItem[] }>(`/api/v1/flows/${id}/versions`).then((r) => r.versions) });
}
