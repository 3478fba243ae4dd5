"use client";
// Console account hooks (Team page): list, create, change role, remove.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";
import type { Role } from "@/lib/auth/roles";

export type AccountItem = { id: string; email: string; name: string | null; role: Role; createdAt: string };

export function useAccounts() {
  return useQuery({ queryKey: qk.accounts, queryFn: () => api<{ accounts: AccountItem[] }>("/api/v1/accounts").then((r) => r.accounts) });
}

export function useCreateAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; password: string; role: Role; name?: string }) => api<{ account: AccountItem }>("/api/v1/accounts", { method: "POST", json: input }),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.accounts }),
  });
}

export function useChangeRole() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, role }: { id: string; role: Role }) => api<{ account: AccountItem }>(`/api/v1/accounts/${encodeURIComponent(id)}`, { method: "PATCH", json: { role } }),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.accounts }),
  });
}

export function useRemoveAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/accounts/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.accounts }),
  });
}
