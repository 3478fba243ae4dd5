"use client";
// A stream source (RabbitMQ queue, NATS JetStream stream) in the console: status, counters and lag,
// pause/resume, a connection test, and its dead letters with replay.
import { useState } from "react";
import { useDeadLetters, useDeleteSource, useReplayDeadLetters, useSourceToggle, useTestSource } from "@/components/hooks/use-data";
import { relativeTime } from "@/components/ui/time";
import type { SourceView } from "@/lib/ingest/sources";
import { ErrorNote, secondaryButtonClass } from "./data-tabs";

const STATUS_STYLE: Record<SourceView["status"], string> = {
  connected: "bg-emerald-100 text-emerald-800",
  connecting: "bg-sky-100 text-sky-800",
  paused: "bg-slate-200 text-slate-700",
  error: "bg-red-100 text-red-800",
};

const REASONS: Record<string, string> = { bad_json: "not JSON", too_large: "too large", validation: "wrong shape", tracking_plan: "tracking plan" };

function DeadLetters({ source, canEdit }: { source: SourceView; canEdit: boolean }) {
  const list = useDeadLetters(source.id, true);
  const replay = useReplayDeadLetters();
  if (list.isPending) return <p className="text-xs text-slate-500">Loading dead letters…</p>;
  if (list.isError) return <ErrorNote error={list.error} />;
  const items = list.data.deadLetters;
  return (
    <div className="mt-2">
      <div className="flex items-center gap-3">
        <p className="text-sm text-slate-700">{list.data.pending} waiting for replay</p>
        {canEdit && list.data.pending > 0 ? (
          <button type="button" className={secondaryButtonClass} disabled={replay.isPending} onClick={() => replay.mutate({ id: source.id })}>
            Replay all
          </button>
        ) : null}
      </div>
      {replay.data ? (
        <p role="status" className="mt-1 text-xs text-slate-700">
          Replayed {replay.data.replayed}: {replay.data.stored} stored, {replay.data.failed.length} failed again
        </p>
      ) : null}
      {replay.isError ? <ErrorNote error={replay.error} /> : null}
      {items.length ? (
        <ul className="mt-2 space-y-2" aria-label={`Dead letters of ${source.name}`}>
          {items.map((d) => (
            <li key={d.id} className="rounded border border-slate-200 p-2 text-xs">
              <div className="flex flex-wrap gap-2">
                <span className="rounded bg-amber-100 px-1.5 text-amber-900">{REASONS[d.reason] ?? d.reason}</span>
                <span className="text-slate-500">{relativeTime(d.createdAt)} · {d.size.toLocaleString()} bytes{d.attempts > 1 ? ` · ${d.attempts} attempts` : ""}</span>
              </div>
              <p className="mt-1 text-slate-800">{d.message}</p>
              <details className="mt-1">
                <summary className="cursor-pointer text-slate-600">Message{d.truncated ? " (beginning only)" : ""}</summary>
                <pre className="mt-1 max-h-40 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2">{d.encoding === "base64" ? `base64: ${d.body}` : d.body}</pre>
              </details>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function StreamSourceCard({ source, canEdit }: { source: SourceView; canEdit: boolean }) {
  const toggle = useSourceToggle();
  const test = useTestSource();
  const remove = useDeleteSource();
  const [showDead, setShowDead] = useState(false);
  const c = source.config ?? {};
  const where = source.kind === "rabbitmq" ? `queue ${c.queue}` : `stream ${c.stream}, subject ${c.subject}`;
  return (
    <li className="rounded-xl border border-slate-200 bg-white p-4" aria-label={`Source ${source.name}`}>
      <div className="flex flex-wrap items-center gap-3">
        <h3 className="font-semibold">{source.name}</h3>
        <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-600">{source.kind === "rabbitmq" ? "RabbitMQ" : "NATS JetStream"}</span>
        <span className={`rounded px-1.5 text-xs font-medium ${STATUS_STYLE[source.status]}`} data-testid="source-status">
          {source.status}
        </span>
        {canEdit ? (
          <div className="ml-auto flex gap-2">
            <button type="button" className={secondaryButtonClass} disabled={test.isPending} onClick={() => test.mutate(source.id)}>
              {test.isPending ? "Testing…" : "Test connection"}
            </button>
            <button type="button" className={secondaryButtonClass} disabled={toggle.isPending} onClick={() => toggle.mutate({ id: source.id, pause: source.enabled })}>
              {source.enabled ? "Pause" : "Resume"}
            </button>
            <button type="button" className={secondaryButtonClass} onClick={() => remove.mutate(source.id)}>
              Delete
            </button>
          </div>
        ) : null}
      </div>
      <p className="mt-1 break-all text-xs text-slate-600">
        <code>{c.url ?? `$${c.urlEnv}`}</code> · {where}
      </p>
      <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-sm">
        <div>
          <dt className="inline text-slate-500">Consumed </dt>
          <dd className="inline font-medium">{source.consumed.toLocaleString()}</dd>
        </div>
        <div>
          <dt className="inline text-slate-500">Dead letters </dt>
          <dd className="inline font-medium">{source.failed.toLocaleString()}</dd>
        </div>
        <div>
          <dt className="inline text-slate-500">Lag </dt>
          <dd className="inline font-medium">{source.lag === null ? "—" : source.lag.toLocaleString()}</dd>
        </div>
        <div>
          <dt className="inline text-slate-500">Instances </dt>
          <dd className="inline font-medium">{source.consumers?.length ?? 0}</dd>
        </div>
        {source.lastReceivedAt ? <div className="text-slate-500">last message {relativeTime(source.lastReceivedAt)}</div> : null}
      </dl>
      {source.lastError ? (
        <p role="alert" className="mt-2 text-xs text-red-800">
          {source.lastError}
        </p>
      ) : null}
      {test.data ? (
        <p role="status" className={`mt-2 text-xs ${test.data.ok ? "text-emerald-800" : "text-red-800"}`}>
          {test.data.ok ? "Connection works: " : "Connection failed: "}
          {test.data.message}
        </p>
      ) : null}
      {test.isError ? <ErrorNote error={test.error} /> : null}
      <button type="button" className="mt-2 text-xs font-medium text-brand-700 underline" aria-expanded={showDead} onClick={() => setShowDead(!showDead)}>
        {showDead ? "Hide dead letters" : "Show dead letters"}
      </button>
      {showDead ? <DeadLetters source={source} canEdit={canEdit} /> : null}
    </li>
  );
}
