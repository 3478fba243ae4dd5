"use client";
// Suggestions from what the workspace received (GET /api/v1/suggestions), for the editor's pickers.
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";

export type SuggestFieldName = "event" | "property" | "value" | "trait" | "trait_value" | "placement";
export type SuggestScope = { event?: string; property?: string; trait?: string };
export type SuggestionList = { field: SuggestFieldName; suggestions: { value: string; count: number; capped?: boolean }[]; basis: string };

export function useSuggestions(field: SuggestFieldName, scope: SuggestScope = {}) {
  const needs = field === "property" ? !!scope.event : field === "value" ? !!scope.event && !!scope.property : field === "trait_value" ? !!scope.trait : true;
  const params = new URLSearchParams({ field, limit: "50" });
  for (const [k, v] of Object.entries(scope)) if (v) params.set(k, v);
  return useQuery({
    queryKey: qk.suggestions(field, scope),
    queryFn: () => api<SuggestionList>(`/api/v1/suggestions?${params}`),
    enabled: needs,
    staleTime: 60_000,
    retry: false,
  });
}
