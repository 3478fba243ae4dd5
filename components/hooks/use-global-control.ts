"use client";
// The workspace's global control group (GET/PUT /api/v1/settings/holdout).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";

export type GlobalControl = { percent: number };

export function useGlobalControl() {
  return useQuery({ queryKey: qk.globalControl, queryFn: () => api<GlobalControl>("/api/v1/settings/holdout") });
}

export function useSaveGlobalControl() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: GlobalControl) => api<GlobalControl>("/api/v1/settings/holdout", { method: "PUT", json: input }),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.globalControl }),
  });
}
