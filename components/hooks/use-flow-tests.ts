"use client";
// A flow's test cases for the editor: the saved cases, saving them, and their run on the saved draft,
// which refetches whenever the draft or the cases are saved again (the background run on each edit).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";
import type { TestCase, TestRunResult } from "@/lib/cases/schema";

export type TestSuiteDoc = { flowId: string; cases: TestCase[]; updatedAt: string | null; updatedBy: string | null; notes: string[] };
export type ExpectedChange = { name: string; reason: string };

export function useFlowTests(flowId: string) {
  return useQuery({ queryKey: qk.flowTests(flowId), queryFn: () => api<TestSuiteDoc>(`/api/v1/flows/${flowId}/tests`) });
}

export function useSaveFlowTests(flowId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (cases: TestCase[]) => api<TestSuiteDoc>(`/api/v1/flows/${flowId}/tests`, { method: "PUT", json: { cases } }),
    onSuccess: (doc) => qc.setQueryData(qk.flowTests(flowId), doc),
  });
}

/** Runs the saved cases on the saved draft; `draftAt` (the flow's updatedAt) changes on every save. */
export function useFlowTestRun(flowId: string, draftAt: string, casesAt: string | null | undefined, enabled: boolean) {
  return useQuery({
    queryKey: qk.flowTestRun(flowId, draftAt, casesAt ?? null),
    queryFn: () => api<TestRunResult>(`/api/v1/flows/${flowId}/tests/run`, { method: "POST" }),
    enabled: enabled && casesAt !== undefined,
    placeholderData: (prev) => prev,
  });
}

export function useCaseFromUser(flowId: string) {
  return useMutation({
    mutationFn: (input: { userId: string; name?: string }) => api<TestCase>(`/api/v1/flows/${flowId}/tests/from-user`, { method: "POST", json: input }),
  });
}
