"use client";
// The message composer of the inspector: for in-app messages, pick a kind and fill its fields (the
// content is written in the SDK's format, in-app-kinds.ts) and see it rendered by the real SDK in a
// sandboxed frame against sample data or a real profile; for email, the rendered HTML and "send test
// to me"; for every channel that needs set-up, whether it is set up.
import { useMemo, useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import type { InAppMessage, EmailMessage } from "@/lib/flow/schema";
import { renderTemplate } from "@/lib/liquid";
import type { z } from "zod";
import { Checkbox, SelectField, SmallButton, TextArea, TextField } from "../fields";
import { KINDS, anchorsOf, buildInApp, parseInApp, switchKind, type InAppFields, type InAppKind } from "./in-app-kinds";
import { PreviewFrame } from "./preview-frame";
import { usePreviewData } from "./preview-data";

type InApp = z.infer<typeof InAppMessage>;
type Email = z.infer<typeof EmailMessage>;
type ChannelStatus = { email: { configured: boolean; server: string | null; from: string }; webhook: { allowlist: string[] } };

export function useChannelStatus() {
  return useQuery({ queryKey: ["channels"], queryFn: () => api<ChannelStatus>("/api/v1/channels"), staleTime: 60_000 });
}

/** One line in the inspector: can this channel deliver? */
export function ChannelStatusNote({ channel }: { channel: "in_app" | "email" | "webhook" }) {
  const status = useChannelStatus();
  if (channel === "in_app") {
    return <p className="text-xs text-slate-500" data-testid="channel-status">In-app: shown by the SDK (sdk.js) where your app asks /decide for the placement.</p>;
  }
  if (!status.data) return null;
  if (channel === "webhook") {
    return (
      <p className="text-xs text-slate-500" data-testid="channel-status">
        Webhooks go to public addresses{status.data.webhook.allowlist.length ? `, and to ${status.data.webhook.allowlist.join(", ")} (allowlist)` : "; private ones need PATHWISE_WEBHOOK_ALLOWLIST"}.
      </p>
    );
  }
  const e = status.data.email;
  return e.configured ? (
    <p className="rounded-md bg-emerald-50 px-3 py-2 text-xs text-emerald-800" data-testid="channel-status" data-configured="true">
      ✓ Email is set up: SMTP {e.server ?? "server"}, from {e.from}.
    </p>
  ) : (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-xs text-red-800" data-testid="channel-status" data-configured="false">
      Email is not set up: no SMTP server is configured (SMTP_URL or SMTP_HOST), so every email of this step fails. Publishing will warn about it.
    </p>
  );
}

function render(text: string, ctx: ReturnType<typeof usePreviewData>["ctx"], fallback?: string) {
  if (!ctx.ok) return { output: "", error: null as string | null };
  const r = renderTemplate(text, ctx.ctx, fallback);
  return { output: r.output, error: r.ok ? null : r.error };
}

export function InAppComposer({ data, onChange, flow }: { data: InApp; onChange: (next: InApp, key?: string) => void; flow: { id: string; name: string } }) {
  // The form's state lives here and the node's content is what it writes; content changed from
  // elsewhere (undo, another editor) is read back into the form.
  const [state, setState] = useState<{ content: string; fields: InAppFields }>(() => ({ content: data.content, fields: parseInApp(data.content) }));
  let f = state.fields;
  if (state.content !== data.content) {
    f = parseInApp(data.content);
    setState({ content: data.content, fields: f });
  }
  const { ctx, controls } = usePreviewData(flow);
  const set = (next: InAppFields, key?: string) => {
    const content = buildInApp(next);
    setState({ content, fields: next });
    onChange({ ...data, content }, key ?? "content");
  };
  const rendered = render(data.content, ctx, data.fallback);
  const anchors = useMemo(() => anchorsOf(f), [f]);
  const kind = KINDS.find((k) => k.value === f.kind)!;

  return (
    <div className="space-y-3" data-testid="in-app-composer">
      <SelectField label="Kind" value={f.kind} onChange={(k: InAppKind) => set(switchKind(f, k), "kind")} options={KINDS.map((k) => ({ value: k.value, label: k.label }))} />
      <p className="-mt-2 text-xs text-slate-500">{kind.hint}</p>
      {f.kind === "html" ? (
        <TextArea label="HTML (Liquid)" value={f.html} onChange={(v) => set({ ...f, html: v })} rows={6} mono hint="data-pw-kind and the other attributes of docs/sdk.md work here too" />
      ) : null}
      {f.kind === "banner" || f.kind === "modal" || f.kind === "tooltip" || f.kind === "checklist" || f.kind === "survey" ? (
        <TextField
          label={f.kind === "survey" ? "Question" : f.kind === "banner" ? "Headline (optional)" : "Title"}
          value={f.title}
          onChange={(v) => set({ ...f, title: v }, "title")}
          placeholder={f.kind === "survey" ? "How likely are you to recommend us?" : "e.g. 10% off Product A"}
        />
      ) : null}
      {f.kind === "tooltip" ? (
        <div className="grid grid-cols-[1fr_7rem] gap-2">
          <TextField label="Anchor (CSS selector)" value={f.anchor} onChange={(v) => set({ ...f, anchor: v }, "anchor")} mono placeholder="#invite-team" hint="The element of your page it points at" error={f.anchor ? undefined : "Name the element, e.g. #invite-team"} />
          <SelectField label="Side" value={f.position} onChange={(p: "top" | "bottom") => set({ ...f, position: p })} options={[{ value: "bottom", label: "Below" }, { value: "top", label: "Above" }]} />
        </div>
      ) : null}
      {f.kind === "survey" ? (
        <>
          <SelectField label="Scale" value={f.scale} onChange={(s: "nps" | "rating") => set({ ...f, scale: s }, "scale")} options={[{ value: "nps", label: "NPS: 0–10" }, { value: "rating", label: "Rating: 1–5 stars" }]} />
          <div className="grid grid-cols-2 gap-2">
            <TextField label="Low end label" value={f.low} onChange={(v) => set({ ...f, low: v }, "low")} placeholder="Not likely" />
            <TextField label="High end label" value={f.high} onChange={(v) => set({ ...f, high: v }, "high")} placeholder="Very likely" />
          </div>
          <TextField label="Thank-you text" value={f.thanks} onChange={(v) => set({ ...f, thanks: v }, "thanks")} placeholder="Thanks for your answer!" />
        </>
      ) : null}
      {f.kind === "banner" || f.kind === "modal" || f.kind === "tooltip" || f.kind === "badge" || f.kind === "survey" ? (
        <TextArea label={f.kind === "badge" ? "Badge text (Liquid)" : f.kind === "survey" ? "Extra text (optional, Liquid)" : "Message (Liquid, simple HTML allowed)"} value={f.body} onChange={(v) => set({ ...f, body: v }, "body")} rows={f.kind === "badge" ? 1 : 3} />
      ) : null}
      {f.kind === "banner" ? <Checkbox label="Show a × to close it" checked={f.dismissible} onChange={(v) => set({ ...f, dismissible: v })} /> : null}
      {f.kind === "checklist" ? (
        <fieldset className="space-y-2">
          <legend className="mb-1 text-xs font-medium text-slate-600">Items</legend>
          {f.items.map((it, i) => (
            <div key={i} className="grid grid-cols-[1fr_8rem_auto] items-end gap-2 rounded-md bg-slate-50 p-2">
              <TextField label={`Item ${i + 1}`} value={it.text} onChange={(v) => set({ ...f, items: f.items.map((x, j) => (j === i ? { ...x, text: v } : x)) }, `item${i}`)} />
              <TextField label="Done on event" value={it.event} onChange={(v) => set({ ...f, items: f.items.map((x, j) => (j === i ? { ...x, event: v } : x)) }, `event${i}`)} placeholder="optional" />
              <SmallButton tone="danger" label={`Remove item ${i + 1}`} onClick={() => set({ ...f, items: f.items.filter((_, j) => j !== i) })}>
                ✕
              </SmallButton>
              <div className="col-span-3">
                <Checkbox label="Already done" checked={it.done} onChange={(v) => set({ ...f, items: f.items.map((x, j) => (j === i ? { ...x, done: v } : x)) })} />
              </div>
            </div>
          ))}
          <SmallButton onClick={() => set({ ...f, items: [...f.items, { text: `Step ${f.items.length + 1}`, done: false, event: "" }] })}>+ Item</SmallButton>
        </fieldset>
      ) : null}
      {f.kind === "tour" ? (
        <fieldset className="space-y-2">
          <legend className="mb-1 text-xs font-medium text-slate-600">Steps</legend>
          {f.steps.map((s, i) => (
            <div key={i} className="space-y-2 rounded-md bg-slate-50 p-2">
              <div className="grid grid-cols-[1fr_1fr_auto] items-end gap-2">
                <TextField label={`Step ${i + 1} title`} value={s.title} onChange={(v) => set({ ...f, steps: f.steps.map((x, j) => (j === i ? { ...x, title: v } : x)) }, `st${i}`)} />
                <TextField label="Anchor" value={s.anchor} mono onChange={(v) => set({ ...f, steps: f.steps.map((x, j) => (j === i ? { ...x, anchor: v } : x)) }, `sa${i}`)} placeholder="#cart" />
                <SmallButton tone="danger" label={`Remove step ${i + 1}`} onClick={() => f.steps.length > 1 && set({ ...f, steps: f.steps.filter((_, j) => j !== i) })}>
                  ✕
                </SmallButton>
              </div>
              <TextArea label="Text" value={s.text} rows={2} onChange={(v) => set({ ...f, steps: f.steps.map((x, j) => (j === i ? { ...x, text: v } : x)) }, `sx${i}`)} />
            </div>
          ))}
          <SmallButton onClick={() => set({ ...f, steps: [...f.steps, { title: `Step ${f.steps.length + 1}`, anchor: "", position: "bottom", text: "" }] })}>+ Step</SmallButton>
        </fieldset>
      ) : null}

      <div className="rounded-lg border border-slate-200 bg-slate-50 p-3">
        <div className="mb-2 flex items-center justify-between">
          <span className="text-xs font-semibold uppercase tracking-wide text-slate-500">Preview</span>
        </div>
        {ctx.ok ? <PreviewFrame html={rendered.output} anchors={anchors} height={f.kind === "modal" || f.kind === "tour" ? 300 : 200} /> : null}
        {rendered.error ? (
          <p role="alert" className="mt-1 text-xs text-amber-700">
            {data.fallback !== undefined ? "Falls back: " : "Template problem: "}
            {rendered.error}
          </p>
        ) : null}
        <div className="mt-2">{controls}</div>
        <details className="mt-2 text-xs">
          <summary className="cursor-pointer text-slate-600">Content as stored (HTML)</summary>
          <code className="mt-1 block whitespace-pre-wrap break-all rounded bg-white p-2 font-mono text-[11px] text-slate-700 ring-1 ring-slate-200" data-testid="composer-html">
            {data.content}
          </code>
        </details>
      </div>
    </div>
  );
}

/**
 * Email: the rendered subject and HTML body and "send test to me". The body's frame runs no script (as
 * mail clients do not); it may open links in a new tab.
 */
export function EmailPreview({ data, flow }: { data: Email; flow: { id: string; name: string } }) {
  const { ctx, controls } = usePreviewData(flow);
  const subject = render(data.subject, ctx, data.fallback);
  const body = render(data.body, ctx, data.fallback);
  const to = render(data.to ?? "{{ user.email }}", ctx);
  const status = useChannelStatus();
  const send = useMutation({ mutationFn: () => api<{ sent: true; to: string }>("/api/v1/channels/email/test", { method: "POST", json: { subject: subject.output, body: body.output } }) });
  return (
    <div className="rounded-lg border border-slate-200 bg-slate-50 p-3" data-testid="email-preview">
      <span className="text-xs font-semibold uppercase tracking-wide text-slate-500">Preview</span>
      {ctx.ok ? (
        <div className="mt-2 overflow-hidden rounded-md bg-white ring-1 ring-slate-200">
          <div className="border-b border-slate-100 px-3 py-2 text-xs text-slate-600">
            <div>
              To: <span className="text-slate-900">{to.output || "(no address: the user has no email trait)"}</span>
            </div>
            <div>
              Subject: <strong className="text-slate-900" data-testid="email-subject">{subject.output || "(empty)"}</strong>
            </div>
          </div>
          <iframe title="Email body preview" sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox" srcDoc={`<!doctype html><meta charset="utf-8"><base target="_blank"><body style="font:14px/1.5 system-ui,sans-serif;margin:12px">${body.output}</body>`} className="h-48 w-full" data-testid="email-body-preview" />
        </div>
      ) : null}
      {subject.error || body.error ? (
        <p role="alert" className="mt-1 text-xs text-amber-700">
          Template problem: {subject.error ?? body.error}
        </p>
      ) : null}
      <div className="mt-2">{controls}</div>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <button
          type="button"
          onClick={() => send.mutate()}
          disabled={send.isPending || !ctx.ok}
          className="rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-800 ring-1 ring-slate-300 hover:bg-slate-100 disabled:opacity-50"
        >
          {send.isPending ? "Sending…" : "Send test to me"}
        </button>
        {status.data && !status.data.email.configured ? <span className="text-xs text-slate-500">Needs SMTP: the test will tell you it is not set up.</span> : null}
      </div>
      {send.isSuccess ? (
        <p role="status" className="mt-1 text-xs text-emerald-700" data-testid="send-test-result">
          Sent to {send.data.to}. Check your inbox.
        </p>
      ) : send.isError ? (
        <p role="alert" className="mt-1 text-xs text-red-700" data-testid="send-test-result">
          Not sent: {send.error.message}
        </p>
      ) : null}
    </div>
  );
}
