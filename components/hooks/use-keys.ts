"use client";
// API key hooks: list, create (the secret is returned once), revoke.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";

export type KeyItem = { id: string; kind: "write" | "secret"; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

export function useKeys() {
  return useQuery({ queryKey: qk.keys, queryFn: () => api<{ keys: KeyItem[] }>("/api/v1/keys").then((r) => r.keys) });
}

export function useCreateKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { kind: "write" | "secret"; name: string }) => api<{ id: string; key: string; kind: string; name: string }>("/api/v1/keys", { method: "POST", json: input }),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.keys }),
  });
}

export function useRevokeKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/keys/${id}`, { method: "DELETE" }),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.keys }),
  });
}
