"use client";
// Simulate (docs/api.md §5 POST /api/v1/simulate) for the canvas. While the endpoint is not deployed
// (404) the same pure engine runs in the browser, so the panel still works; the answer says which.
import { useMutation } from "@tanstack/react-query";
import { api, ApiRequestError } from "@/lib/client/api";
import { simulate } from "@/lib/engine/simulate";
import type { Graph, Settings } from "@/lib/flow/schema";

export type SimEvent = { at: string; type: "track" | "identify" | "page"; event?: string; name?: string; properties?: Record<string, unknown>; traits?: Record<string, unknown> };
export type SimRequest = { flowId: string; flowName: string; graph: Graph; settings: Settings; profile: { traits: Record<string, unknown>; userId?: string }; events: SimEvent[]; until?: string; fetch?: Record<string, { status?: number; body: string }> };
export type SimTraceEntry = { nodeId: string; at: string; result: string; reason?: Record<string, unknown> };
export type SimMessage = { nodeId: string; channel: string; at: string; content?: string; placement?: string; subject?: string; body?: string; url?: string; suppressed?: boolean } & Record<string, unknown>;
export type SimWhy = { wouldEnter: boolean; summary: string; reasons: { code: string; message: string; at?: string }[] };
export type SimResponse = { why?: SimWhy; trace: SimTraceEntry[]; messages: SimMessage[]; converted: boolean; problems?: string[]; source: "server" | "browser" };

export function useSimulate() {
  return useMutation({
    mutationFn: async (req: SimRequest): Promise<SimResponse> => {
      const body = { graph: req.graph, settings: req.settings, profile: req.profile, events: req.events, ...(req.until ? { until: req.until } : {}), ...(req.fetch ? { fetch: req.fetch } : {}) };
      try {
        const res = await api<Omit<SimResponse, "source">>("/api/v1/simulate", { method: "POST", json: body });
        return { ...res, source: "server" };
      } catch (e) {
        if (!(e instanceof ApiRequestError) || e.status !== 404) throw e;
        const r = simulate({ graph: req.graph, settings: req.settings, flowId: req.flowId, flowName: req.flowName }, { profile: req.profile, events: req.events, until: req.until, ...(req.fetch ? { fetch: req.fetch } : {}) });
        return {
          trace: r.trace.map((t) => ({ nodeId: t.nodeId, at: t.at, result: t.result, reason: t.reason as Record<string, unknown> | undefined })),
          messages: r.messages as unknown as SimMessage[],
          converted: r.converted,
          why: r.why,
          problems: r.problems,
          source: "browser",
        };
      }
    },
  });
}
