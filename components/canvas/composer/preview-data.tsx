"use client";
// Where a composer preview takes its data: the sample JSON (editable) or a real profile by user id,
// turned into the Liquid context the executor builds (lib/liquid liquidContext).
import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";
import { liquidContext, type LiquidContext } from "@/lib/liquid";
import { SAMPLE_CONTEXT } from "../liquid-preview";
import { TextArea, TextField } from "../fields";

type Source = "sample" | "profile";
type Profile = { userId: string; traits: Record<string, unknown>; events?: { event?: string; name?: string; properties?: Record<string, unknown> }[] };

export function usePreviewData(flow: { id: string; name: string }) {
  const [source, setSource] = useState<Source>("sample");
  const [sample, setSample] = useState(() => JSON.stringify(SAMPLE_CONTEXT, null, 2));
  const [userId, setUserId] = useState("");
  const profile = useQuery({
    queryKey: qk.user(userId),
    enabled: source === "profile" && userId.trim().length > 0,
    retry: false,
    queryFn: () => api<Profile>(`/api/v1/users/${encodeURIComponent(userId.trim())}`),
  });
  const ctx = useMemo((): { ok: true; ctx: LiquidContext } | { ok: false; error: string } => {
    if (source === "profile") {
      if (!profile.data) return { ok: false, error: profile.isError ? profile.error.message : userId ? "Loading the profile…" : "Enter a user id" };
      const last = profile.data.events?.[0];
      return { ok: true, ctx: liquidContext({ traits: profile.data.traits ?? {}, userId: profile.data.userId, event: last ? { name: last.event ?? last.name ?? "", properties: last.properties ?? {} } : null, flow }) };
    }
    try {
      const j = JSON.parse(sample) as { user?: Record<string, unknown>; event?: { name?: string; properties?: Record<string, unknown> } };
      const { id, ...traits } = j.user ?? {};
      return { ok: true, ctx: liquidContext({ traits, userId: typeof id === "string" ? id : null, event: j.event ? { name: j.event.name ?? "", properties: j.event.properties ?? {} } : null, flow }) };
    } catch {
      return { ok: false, error: "The sample is not valid JSON" };
    }
  }, [source, sample, profile.data, profile.isError, profile.error, userId, flow]);

  const controls = (
    <div className="space-y-2">
      <div role="radiogroup" aria-label="Preview data" className="inline-flex rounded-md bg-white p-0.5 ring-1 ring-slate-200">
        {(["sample", "profile"] as const).map((s) => (
          <button key={s} type="button" role="radio" aria-checked={source === s} onClick={() => setSource(s)} className={`rounded px-2 py-0.5 text-xs ${source === s ? "bg-brand-600 text-white" : "text-slate-600 hover:bg-slate-100"}`}>
            {s === "sample" ? "Sample data" : "Real profile"}
          </button>
        ))}
      </div>
      {source === "sample" ? (
        <details className="text-xs">
          <summary className="cursor-pointer text-slate-600">Edit the sample data</summary>
          <TextArea label="Sample data (user, event)" value={sample} onChange={setSample} rows={6} mono />
        </details>
      ) : (
        <TextField label="User id" value={userId} onChange={setUserId} placeholder="e.g. user-42" hint="Renders against that profile's traits and latest event" />
      )}
      {!ctx.ok ? <p className="text-xs text-slate-500">{ctx.error}</p> : null}
    </div>
  );
  return { ctx, controls };
}
