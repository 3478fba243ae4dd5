"use client";
// Profile hooks: search, one profile, erase.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";
import type { ProfileList, ProfileView } from "@/lib/profiles/read";
import type { WhyAnswer } from "@/lib/why/why-not";

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

/** Why this user is or is not in a flow (GET /users/:userId/why); idle until a flow is chosen. */
export function useWhy(userId: string, flowId: string | null) {
  return useQuery({
    queryKey: qk.why(userId, flowId ?? ""),
    queryFn: () => api<WhyAnswer>(`/api/v1/users/${encodeURIComponent(userId)}/why?flowId=${encodeURIComponent(flowId!)}`),
    enabled: !!flowId,
  });
}
