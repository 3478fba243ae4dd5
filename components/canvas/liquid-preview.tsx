"use client";
// Live Liquid preview of a message, rendered in the browser with the same safe environment the
// executor uses, against sample JSON or a real profile fetched by user id.
import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";
import { liquidContext, renderTemplate } from "@/lib/liquid";
import { TextArea, TextField } from "./fields";

export const SAMPLE_CONTEXT = {
  user: { id: "user-42", name: "Ada", email: "ada@example.com", role: "admin", plan: "free" },
  event: { name: "Product Viewed", properties: { name: "Product A", price: 49 } },
};

type Source = "sample" | "profile";

export function LiquidPreview({ templates, fallback, flow }: { templates: { label: string; text: string }[]; fallback?: string; flow: { id: string; name: string } }) {
  const [source, setSource] = useState<Source>("sample");
  const [sample, setSample] = useState(() => JSON.stringify(SAMPLE_CONTEXT, null, 2));
  const [userId, setUserId] = useState("");
  const profile = useQuery({
    queryKey: qk.user(userId),
    enabled: source === "profile" && userId.trim().length > 0,
    retry: false,
    queryFn: () => api<{ userId: string; traits: Record<string, unknown>; events?: { event?: string; name?: string; properties?: Record<string, unknown> }[] }>(`/api/v1/users/${encodeURIComponent(userId.trim())}`),
  });
  const parsed = useMemo(() => {
    if (source === "profile") {
      if (!profile.data) return { ok: false as const, error: profile.isError ? profile.error.message : userId ? "Loading the profile…" : "Enter a user id" };
      const last = profile.data.events?.[0];
      return {
        ok: true as const,
        ctx: liquidContext({ traits: profile.data.traits ?? {}, userId: profile.data.userId, event: last ? { name: last.event ?? last.name ?? "", properties: last.properties ?? {} } : null, flow }),
      };
    }
    try {
      const j = JSON.parse(sample) as { user?: Record<string, unknown>; event?: { name?: string; properties?: Record<string, unknown> } };
      const { id, ...traits } = j.user ?? {};
      return { ok: true as const, ctx: liquidContext({ traits, userId: typeof id === "string" ? id : null, event: j.event ? { name: j.event.name ?? "", properties: j.event.properties ?? {} } : null, flow }) };
    } catch {
      return { ok: false as const, error: "The sample is not valid JSON" };
    }
  }, [source, sample, profile.data, profile.isError, profile.error, userId, flow]);

  return (
    <div className="rounded-lg border border-slate-200 bg-slate-50">
      <div className="flex items-center justify-between border-b border-slate-200 px-3 py-2">
        <span className="text-xs font-semibold uppercase tracking-wide text-slate-500">Live preview</span>
        <div role="radiogroup" aria-label="Preview data" className="flex rounded-md bg-white p-0.5 ring-1 ring-slate-200">
          {(["sample", "profile"] as const).map((s) => (
            <button key={s} type="button" role="radio" aria-checked={source === s} onClick={() => setSource(s)} className={`rounded px-2 py-0.5 text-xs ${source === s ? "bg-brand-600 text-white" : "text-slate-600 hover:bg-slate-100"}`}>
              {s === "sample" ? "Sample JSON" : "Real profile"}
            </button>
          ))}
        </div>
      </div>
      <div className="space-y-3 p-3">
        {templates.map((t) => {
          const r = parsed.ok ? renderTemplate(t.text, parsed.ctx, fallback) : null;
          return (
            <div key={t.label}>
              <div className="mb-1 text-[11px] font-medium text-slate-500">{t.label}</div>
              <div className="min-h-8 whitespace-pre-wrap break-words rounded-md bg-white px-3 py-2 text-sm text-slate-900 ring-1 ring-slate-200" data-testid="liquid-output">
                {r ? r.output || <span className="text-slate-400">(empty)</span> : <span className="text-slate-400">—</span>}
              </div>
              {r && !r.ok ? (
                <p role="alert" className="mt-1 text-xs text-amber-700">
                  {fallback !== undefined ? "Falls back: " : "Error: "}
                  {r.error}
                </p>
              ) : null}
            </div>
          );
        })}
        {!parsed.ok ? <p className="text-xs text-slate-500">{parsed.error}</p> : null}
        {source === "sample" ? (
          <TextArea label="Sample data (user, event)" value={sample} onChange={setSample} rows={6} mono />
        ) : (
          <TextField label="User id" value={userId} onChange={setUserId} placeholder="e.g. user-42" hint="Renders against that profile's traits and latest event" />
        )}
      </div>
    </div>
  );
}
