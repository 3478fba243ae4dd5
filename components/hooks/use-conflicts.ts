"use client";
// Conflicts among active flows (GET /api/v1/flows/conflicts): Home lists them, the canvas adds its draft.
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";
import type { Conflict, ConflictFlow } from "@/lib/flow/conflicts";

export function useConflicts() {
  return useQuery({ queryKey: qk.conflicts, queryFn: () => api<{ conflicts: Conflict[]; flows: ConflictFlow[] }>("/api/v1/flows/conflicts"), staleTime: 30_000 });
}
