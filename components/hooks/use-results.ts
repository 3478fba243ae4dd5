"use client";
// Results hooks: a flow's results dashboard for a date range, and the home overview.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";
import type { FlowResults } from "@/lib/results/results";
import type { Overview } from "@/lib/results/overview";
import type { TriggerFunnel } from "@/lib/why/trigger-funnel";

export type DateRange = { from?: string; to?: string };

export function rangeQuery(range: DateRange): string {
  const q = new URLSearchParams();
  if (range.from) q.set("from", range.from);
  if (range.to) q.set("to", range.to);
  const s = q.toString();
  return s ? `?${s}` : "";
}

export function useFlowResults(id: string, range: DateRange) {
  return useQuery({
    queryKey: qk.flowResults(id, range),
    queryFn: () => api<FlowResults>(`/api/v1/flows/${id}/results${rangeQuery(range)}`),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

export function useOverview(days = 30) {
  return useQuery({ queryKey: qk.overview(days), queryFn: () => api<Overview>(`/api/v1/overview?days=${days}`), refetchInterval: 60_000 });
}

/** The flow's trigger funnel for the range (who sent the trigger event, what each test let through). */
export function useTriggerFunnel(id: string, range: DateRange) {
  return useQuery({
    queryKey: qk.triggerFunnel(id, range),
    queryFn: () => api<TriggerFunnel>(`/api/v1/flows/${id}/trigger-funnel${rangeQuery(range)}`),
    placeholderData: keepPreviousData,
  });
}
