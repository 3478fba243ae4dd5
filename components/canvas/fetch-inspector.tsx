"use client";
// The fetch node's form: URL, method, headers, body, the answer's name, timeout and cache, and "Try it",
// which renders the request for a real profile and calls it once through the same outbound guard as a
// live run (POST /api/v1/flows/fetch-preview), showing the status, the time and the JSON answer.
import { useId, useState } from "react";
import { api, ApiRequestError } from "@/lib/client/api";
import { FETCH_DEFAULT_TIMEOUT, FetchData, type FetchDataT, type FlowNode } from "@/lib/flow/schema";
import { parseDuration } from "@/lib/conditions/duration";
import type { FetchPreviewResult } from "@/lib/runtime/fetch-preview";
import { DurationPicker } from "./duration-picker";
import { Checkbox, HeadersEditor, SelectField, TextArea, TextField, zodError } from "./fields";

type Change = (data: FlowNode["data"], key?: string) => void;

export function FetchEditor({ node, onChange, flow }: { node: Extract<FlowNode, { type: "fetch" }>; onChange: Change; flow: { id: string; name: string } }) {
  const d = node.data;
  const set = (next: FetchDataT, key?: string) => onChange(next, key);
  const method = d.method ?? "GET";
  const timeoutMs = parseDuration(d.timeout ?? FETCH_DEFAULT_TIMEOUT);
  return (
    <>
      <p className="text-xs text-slate-500">
        Calls your API and waits for its answer. A 2xx JSON answer is <code className="font-mono">data.{d.as || "name"}</code> in later steps and leaves by “next”;
        anything else (an error, not JSON, too large, too slow) leaves by “failed”.
      </p>
      <div className="grid grid-cols-[6rem_1fr] gap-2">
        <SelectField label="Method" value={method} onChange={(m) => set(m === "GET" ? { ...d, method: m, body: undefined } : { ...d, method: m })} options={(["GET", "POST"] as const).map((m) => ({ value: m, label: m }))} />
        <TextField
          label="URL (Liquid)"
          value={d.url}
          onChange={(v) => set({ ...d, url: v }, "url")}
          mono
          placeholder="https://api.example.com/tutorials?role={{ user.role | url_encode }}"
          error={zodError(FetchData.shape.url, d.url) ?? (/^(\{\{|\{%)/.test(d.url.trim()) || /^https?:\/\/\S+$/.test(d.url.trim()) ? undefined : "Use an http(s) URL")}
        />
      </div>
      <HeadersEditor headers={d.headers ?? {}} onChange={(h) => set({ ...d, headers: Object.keys(h).length ? h : undefined }, "headers")} />
      {method === "POST" ? <TextArea label="Body (Liquid)" value={d.body ?? ""} onChange={(v) => set({ ...d, body: v || undefined }, "body")} rows={4} mono placeholder={'{"userId": "{{ user.id }}"}'} /> : null}
      <TextField
        label="Save the answer as"
        value={d.as}
        onChange={(v) => set({ ...d, as: v }, "as")}
        mono
        hint={`Read it as data.${d.as || "name"} in templates and in conditions`}
        error={zodError(FetchData.shape.as, d.as)}
      />
      <DurationPicker
        label="Timeout"
        value={d.timeout ?? FETCH_DEFAULT_TIMEOUT}
        onChange={(v) => set({ ...d, timeout: v }, "timeout")}
        hint={timeoutMs !== null && timeoutMs > 10_000 ? "At most 10 seconds" : "No answer by then: “failed”"}
      />
      <Checkbox label="Cache answers" checked={d.cacheFor !== undefined} onChange={(on) => set(on ? { ...d, cacheFor: "PT1H" } : { ...d, cacheFor: undefined })} hint="The same request (URL, headers, body) is answered from the cache, without a call" />
      {d.cacheFor !== undefined ? <DurationPicker label="Keep answers for" value={d.cacheFor} onChange={(v) => set({ ...d, cacheFor: v }, "cacheFor")} /> : null}
      <TryIt data={d} flow={flow} />
    </>
  );
}

function TryIt({ data, flow }: { data: FetchDataT; flow: { id: string; name: string } }) {
  const id = useId();
  const [userId, setUserId] = useState("");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<FetchPreviewResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const valid = FetchData.safeParse(data).success;
  const run = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const body = { fetch: data, flow, ...(userId.trim() ? { userId: userId.trim() } : {}) };
      setResult(await api<FetchPreviewResult>("/api/v1/flows/fetch-preview", { method: "POST", json: body }));
    } catch (e) {
      setError(e instanceof ApiRequestError || e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby={`${id}-h`} className="space-y-2 rounded-md border border-slate-200 bg-slate-50 p-3">
      <h3 id={`${id}-h`} className="text-xs font-semibold text-slate-700">
        Try it
      </h3>
      <div className="flex items-end gap-2">
        <TextField label="For user (userId)" value={userId} onChange={setUserId} placeholder="e.g. user-42" mono className="flex-1" />
        <button
          type="button"
          onClick={run}
          disabled={busy || !valid}
          className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:cursor-not-allowed disabled:opacity-50"
        >
          {busy ? "Calling…" : "Try it"}
        </button>
      </div>
      <div aria-live="polite" data-testid="fetch-try-result">
        {error ? (
          <p role="alert" className="text-xs text-red-700">
            {error}
          </p>
        ) : null}
        {result ? (
          <div className="space-y-1 text-xs">
            <p className="break-all font-mono text-slate-600">
              {result.request.method} {result.request.url}
            </p>
            <p className={result.ok ? "font-medium text-emerald-700" : "font-medium text-red-700"}>
              {result.ok ? "Leaves by “next”" : "Leaves by “failed”"}
              {result.status !== undefined ? ` · HTTP ${result.status}` : ""}
              {result.ms !== undefined ? ` · ${result.ms} ms` : ""}
            </p>
            {result.error ? <p className="text-red-700">{result.error}</p> : null}
            {result.ok ? (
              <pre aria-label={`data.${data.as}`} className="max-h-56 overflow-auto rounded bg-white p-2 font-mono text-[11px] text-slate-800">
                {JSON.stringify(result.data, null, 2)}
              </pre>
            ) : result.text ? (
              <pre className="max-h-32 overflow-auto rounded bg-white p-2 font-mono text-[11px] text-slate-500">{result.text}</pre>
            ) : null}
          </div>
        ) : null}
      </div>
    </section>
  );
}
