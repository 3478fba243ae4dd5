"use client";
// Audit log hook: pages of entries, newest first, with optional action and actor filters.
import { useInfiniteQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";

export type AuditItem = { id: number; at: string; actor: string; action: string; target: string | null; details: Record<string, unknown> };
type AuditPage = { entries: AuditItem[]; nextBefore: number | null };

export function useAudit(filter: { action?: string; actor?: string }) {
  return useInfiniteQuery({
    queryKey: qk.audit(filter),
    initialPageParam: null as number | null,
    queryFn: ({ pageParam }) => {
      const q = new URLSearchParams({ limit: "50" });
      if (pageParam) q.set("before", String(pageParam));
      if (filter.action) q.set("action", filter.action);
      if (filter.actor) q.set("actor", filter.actor);
      return api<AuditPage>(`/api/v1/audit?${q}`);
    },
    getNextPageParam: (last) => last.nextBefore,
  });
}
