"use client";
// A sandboxed iframe (scripts only, no same-origin access) that loads the real browser SDK bundle
// (/sdk.js, built by scripts/build-sdk.mjs) and renders the content with pathwise.preview(), as a
// visitor's page would, with stand-in elements for the anchors tooltips and tours point at. What the
// visitor would record (shown, clicked, dismissed, answered with a score) comes back by postMessage.
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";

type Outcome = { type: string; score?: number };

/** The stand-in element for a simple selector (#id, .class); other selectors are not faked. */
function standIn(selector: string): string {
  const id = /^#([\w-]+)$/.exec(selector.trim());
  if (id) return `<button type="button" id="${id[1]}" class="stand-in">${id[1]}</button>`;
  const cls = /^\.([\w-]+)$/.exec(selector.trim());
  if (cls) return `<button type="button" class="stand-in ${cls[1]}">${cls[1]}</button>`;
  return "";
}

export function previewDocument(origin: string, html: string, anchors: string[]): string {
  // JSON inside a script: "<" escaped so no "</script>" in the content can end the script early.
  const payload = JSON.stringify(html).replace(/</g, "\\u003c");
  const stands = [...new Set(anchors)].map(standIn).join(" ");
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<style>body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#0f172a;background:#f8fafc}header{display:flex;gap:10px;align-items:center;padding:10px 14px;background:#fff;border-bottom:1px solid #e2e8f0}h1{font-size:15px;margin:0 auto 0 0}.stand-in{font:12px system-ui;padding:3px 8px;border:1px dashed #94a3b8;border-radius:6px;background:#f1f5f9}main{padding:14px}#slot{min-height:40px}.skeleton{height:10px;border-radius:4px;background:#e2e8f0;margin:10px 0}</style>
</head><body><header><h1>Your app</h1>${stands}</header><main><div id="slot" data-testid="preview-slot"></div><div class="skeleton" style="width:70%"></div><div class="skeleton" style="width:45%"></div></main>
<script src="${origin}/sdk.js"></script>
<script>
(function(){
  function post(m){ parent.postMessage(Object.assign({ source: "pathwise-preview" }, m), "*"); }
  try {
    var r = window.pathwise.preview(document.getElementById("slot"), ${payload}, { tourSrc: ${JSON.stringify(`${origin}/sdk-tour.js`)}, onOutcome: function(type, score){ post({ type: type, score: score }); } });
    post({ type: "rendered", kind: r.kind });
  } catch (e) { post({ type: "error", message: String(e && e.message || e) }); }
})();
</script></body></html>`;
}

const noSubscription = () => () => undefined;

export function PreviewFrame({ html, anchors = [], title = "Message preview", height = 220 }: { html: string; anchors?: string[]; title?: string; height?: number }) {
  const ref = useRef<HTMLIFrameElement>(null);
  const origin = useSyncExternalStore(noSubscription, () => window.location.origin, () => "");
  const [rendered, setRendered] = useState<{ doc: string; kind: string } | null>(null);
  const [outcomes, setOutcomes] = useState<{ doc: string; list: Outcome[] }>({ doc: "", list: [] });
  const [error, setError] = useState<{ doc: string; message: string } | null>(null);
  const doc = useMemo(() => (origin ? previewDocument(origin, html, anchors) : ""), [origin, html, anchors]);
  useEffect(() => {
    const on = (e: MessageEvent) => {
      if (e.source !== ref.current?.contentWindow) return;
      const m = e.data as { source?: string; type?: string; kind?: string; score?: number; message?: string };
      if (m?.source !== "pathwise-preview" || !m.type) return;
      if (m.type === "rendered") setRendered({ doc, kind: m.kind ?? "" });
      else if (m.type === "error") setError({ doc, message: m.message ?? "" });
      else setOutcomes((o) => (o.doc === doc ? { doc, list: [...o.list, { type: m.type!, score: m.score }] } : { doc, list: [{ type: m.type!, score: m.score }] }));
    };
    window.addEventListener("message", on);
    return () => window.removeEventListener("message", on);
  }, [doc]);
  const seen = outcomes.doc === doc ? outcomes.list : [];
  const unique = [...new Map(seen.map((o) => [`${o.type}${o.score ?? ""}`, o])).values()];
  return (
    <div className="space-y-1">
      {doc ? (
        <iframe
          ref={ref}
          title={title}
          sandbox="allow-scripts"
          srcDoc={doc}
          data-testid="composer-preview"
          data-rendered={rendered?.doc === doc ? rendered.kind : ""}
          className="w-full rounded-md bg-white ring-1 ring-slate-200"
          style={{ height }}
        />
      ) : null}
      {error?.doc === doc ? (
        <p role="alert" className="text-xs text-red-700">
          The SDK could not render it: {error.message}
        </p>
      ) : null}
      <p className="text-[11px] text-slate-500" aria-live="polite" data-testid="preview-outcomes">
        Rendered by the browser SDK{rendered?.doc === doc ? ` as ${rendered.kind}` : ""}.{" "}
        {unique.length ? `A visitor would record: ${unique.map((o) => (o.score !== undefined ? `${o.type} (score ${o.score})` : o.type)).join(", ")}.` : "Try it: clicks, × and answers show here, nothing is recorded."}
      </p>
    </div>
  );
}
