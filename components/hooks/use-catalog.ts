"use client";
// Catalog hooks: the searched item list and a person's recommendations.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";
import type { CatalogItem, RecommendedItem, Strategy } from "@/lib/catalog/schema";

export function useCatalogItems(filter: { q: string; category: string; offset: number }, limit = 50) {
  const params = new URLSearchParams({ limit: String(limit), offset: String(filter.offset) });
  if (filter.q) params.set("q", filter.q);
  if (filter.category) params.set("category", filter.category);
  return useQuery({
    queryKey: qk.catalog(filter),
    queryFn: () => api<{ items: CatalogItem[]; total: number; categories: string[] }>(`/api/v1/catalog/items?${params}`),
    placeholderData: keepPreviousData,
  });
}

export function useRecommendations(userId: string, strategy: Strategy) {
  return useQuery({
    queryKey: qk.recommendations(userId, strategy),
    queryFn: () => api<{ items: RecommendedItem[] }>(`/api/v1/users/${encodeURIComponent(userId)}/recommendations?strategy=${strategy}&limit=5`).then((r) => r.items),
  });
}
