"use client";
// Profile hooks: search, one profile, erase.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";
import type { ProfileList, ProfileView } from "@/lib/profiles/read";

export function useUsers(q: string, offset: number, limit = 50) {
  const params = new URLSearchParams({ q, offset: String(offset), limit: String(limit) });
  return useQuery({
    queryKey: [...qk.users(q), offset, limit],
    queryFn: () => api<ProfileList>(`/api/v1/users?${params}`),
    placeholderData: keepPreviousData,
  });
}

export function useUser(id: string) {
  return useQuery({ queryKey: qk.user(id), queryFn: () => api<ProfileView>(`/api/v1/users/${encodeURIComponent(id)}`), retry: (n, err) => (err as { status?: number }).status !== 404 && n < 2 });
}

export function useEraseUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/users/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSettled: () => qc.invalidateQueries({ queryKey: ["users"] }),
  });
}
