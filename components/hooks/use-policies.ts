"use client";
// Workspace policy hooks (caps, quiet hours, time zone) and the live-edit migration of a flow's users:
// the dry run for a node mapping and publishing with it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";
import type { Policies, PoliciesInput } from "@/lib/policies/schema";
import type { MigrationPlanResult } from "@/lib/flow-store/migrate-runs";

export type StoredPolicies = Policies & { updatedAt: string | null; updatedBy: string | null };
export type NodeMapping = Record<string, string | null>;
export type PublishResult = { id: string; status: "active"; version: number; migration?: Omit<MigrationPlanResult, "mapping" | "oldNodes" | "newNodes"> };

export function usePolicies() {
  return useQuery({ queryKey: qk.policies, queryFn: () => api<StoredPolicies>("/api/v1/policies") });
}

export function useSavePolicies() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: PoliciesInput) => api<StoredPolicies>("/api/v1/policies", { method: "PUT", json: input }),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.policies }),
  });
}

/** The dry run of publishing the draft with `mapping` (re-asked whenever the mapping changes). */
export function useMigrationPlan(flowId: string, mapping: NodeMapping, enabled = true) {
  return useQuery({
    queryKey: qk.migrationPlan(flowId, mapping),
    queryFn: () => api<MigrationPlanResult>(`/api/v1/flows/${flowId}/migration-plan`, { method: "POST", json: { mapping } }),
    enabled,
  });
}

/** Publishes the draft; with a mapping, the live version's waiting users move onto the new version. */
export function usePublishWithMigration(flowId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { mapping?: NodeMapping; expectedToChange?: { name: string; reason: string }[] }) => {
      const json = { ...(input.mapping ? { migration: { mapping: input.mapping } } : {}), ...(input.expectedToChange?.length ? { expectedToChange: input.expectedToChange } : {}) };
      return api<PublishResult>(`/api/v1/flows/${flowId}/publish`, { method: "POST", ...(Object.keys(json).length ? { json } : {}) });
    },
    onSettled: () => {
      qc.invalidateQueries({ queryKey: qk.flow(flowId) });
      qc.invalidateQueries({ queryKey: qk.flows, exact: true });
    },
  });
}
