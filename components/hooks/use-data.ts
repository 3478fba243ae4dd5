"use client";
// Data-integration hooks: imports (with polling while one runs), tracking plan, violations, sources.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiRequestError } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";
import type { ImportStatus } from "@/lib/ingest/import";
import type { TrackingPlan } from "@/lib/ingest/settings";
import type { ViolationItem } from "@/lib/ingest/violations";
import type { SourceMapping, SourceView } from "@/lib/ingest/sources";
import type { DeadLetterView } from "@/lib/streams/dead-letters";
import type { ConnectionTest } from "@/lib/streams/test-connection";

export function useImports() {
  return useQuery({ queryKey: qk.imports, queryFn: () => api<{ imports: ImportStatus[] }>("/api/v1/import").then((r) => r.imports) });
}

export function useImportJob(id: string | null) {
  return useQuery({
    queryKey: qk.importJob(id ?? ""),
    queryFn: () => api<ImportStatus>(`/api/v1/import/${id}`),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data && (q.state.data.status === "done" || q.state.data.status === "failed") ? false : 700),
  });
}

/** Uploads a file to an import endpoint: profiles (/api/v1/import) or catalog items (/api/v1/catalog/import). */
export function useUploadImport(endpoint = "/api/v1/import") {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) => {
      const res = await fetch(`${endpoint}?name=${encodeURIComponent(file.name)}`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": file.type || (file.name.endsWith(".json") ? "application/json" : "text/csv") },
        body: file,
      });
      const data = (await res.json().catch(() => ({}))) as { id?: string; error?: { code: string; message: string } };
      if (!res.ok || !data.id) throw new ApiRequestError(res.status, data.error?.code ?? "http_error", data.error?.message ?? `Upload failed (${res.status})`);
      return data.id;
    },
    onSettled: () => qc.invalidateQueries({ queryKey: qk.imports }),
  });
}

export function useTrackingPlan() {
  return useQuery({ queryKey: qk.trackingPlan, queryFn: () => api<TrackingPlan>("/api/v1/tracking-plan") });
}

export function useSaveTrackingPlan() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (plan: TrackingPlan) => api<TrackingPlan>("/api/v1/tracking-plan", { method: "PUT", json: plan }),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.trackingPlan }),
  });
}

export function useViolations() {
  return useQuery({ queryKey: qk.violations, queryFn: () => api<{ violations: ViolationItem[] }>("/api/v1/tracking-plan/violations?limit=50").then((r) => r.violations), refetchInterval: 10_000 });
}

export function useSources() {
  return useQuery({
    queryKey: qk.sources,
    queryFn: () => api<{ sources: SourceView[]; templates: Record<string, SourceMapping> }>("/api/v1/sources"),
    // Stream sources change by themselves (status, counters, lag): keep them fresh while shown.
    refetchInterval: (q) => (q.state.data?.sources.some((s) => s.kind === "rabbitmq" || s.kind === "nats") ? 3000 : false),
  });
}

export function useCreateSource() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; kind: string } & Record<string, unknown>) => api<{ source: SourceView; secret?: string }>("/api/v1/sources", { method: "POST", json: input }),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.sources }),
  });
}

export function useUpdateSource() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...input }: { id: string; mapping?: SourceMapping; enabled?: boolean; name?: string }) => api<SourceView>(`/api/v1/sources/${id}`, { method: "PUT", json: input }),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.sources }),
  });
}

export function useDeleteSource() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/sources/${id}`, { method: "DELETE" }),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.sources }),
  });
}

export function usePreviewSource() {
  return useMutation({
    mutationFn: ({ id, mapping, payload }: { id: string; mapping: SourceMapping; payload: unknown }) =>
      api<{ records: number; errors: { path: string; message: string }[]; messages: Record<string, unknown>[] }>(`/api/v1/sources/${id}/preview`, { method: "POST", json: { mapping, payload } }),
  });
}

export function useSourceToggle() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, pause }: { id: string; pause: boolean }) => api<SourceView>(`/api/v1/sources/${id}/${pause ? "pause" : "resume"}`, { method: "POST" }),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.sources }),
  });
}

export function useTestSource() {
  return useMutation({ mutationFn: (id: string) => api<ConnectionTest>(`/api/v1/sources/${id}/test`, { method: "POST" }) });
}

export function useDeadLetters(id: string, enabled: boolean) {
  return useQuery({
    queryKey: qk.deadLetters(id),
    queryFn: () => api<{ deadLetters: DeadLetterView[]; pending: number }>(`/api/v1/sources/${id}/dead-letters?limit=50`),
    enabled,
  });
}

export function useReplayDeadLetters() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ids }: { id: string; ids?: string[] }) =>
      api<{ replayed: number; stored: number; failed: { id: string; reason: string; message: string }[] }>(`/api/v1/sources/${id}/dead-letters/replay`, { method: "POST", json: ids ? { ids } : {} }),
    onSettled: (_d, _e, v) => {
      void qc.invalidateQueries({ queryKey: qk.deadLetters(v.id) });
      void qc.invalidateQueries({ queryKey: qk.sources });
    },
  });
}
