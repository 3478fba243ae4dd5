"use client";
// /data/sources: inbound CRM webhooks — create one (secret shown once), edit its mapping, try it on a
// sample payload; cohort syncs from Mixpanel and Amplitude; stream sources consuming RabbitMQ or NATS JetStream.
import { useState, type ReactNode } from "react";
import { useCreateSource, useDeleteSource, usePreviewSource, useSources, useUpdateSource } from "@/components/hooks/use-data";
import { useCan } from "@/components/account-context";
import { relativeTime } from "@/components/ui/time";
import type { SourceView } from "@/lib/ingest/sources";
import { buttonClass, ErrorNote, inputClass, Loading, PageShell, secondaryButtonClass } from "./data-tabs";
import { StreamSourceCard } from "./stream-source-card";

const STREAM_KINDS = new Set(["rabbitmq", "nats"]);
const COHORT_KINDS = new Set(["mixpanel", "amplitude"]);

/**
 * A webhook source's card, the same for CRM and cohort sources: its name and kind, enabled or not, how
 * many `countNoun` it received and when last, Enable/Disable and Delete for editors, where to send it
 * (`address`, given the page's origin) and its last problem; `children` below.
 */
function SourceCard({
  source,
  canEdit,
  kindLabel,
  countNoun,
  onToggle,
  address,
  children,
}: {
  source: SourceView;
  canEdit: boolean;
  kindLabel: string;
  countNoun: string;
  onToggle: () => void;
  address: (origin: string) => ReactNode;
  children?: ReactNode;
}) {
  const remove = useDeleteSource();
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return (
    <li className="rounded-xl border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center gap-3">
        <h3 className="font-semibold">{source.name}</h3>
        <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-600">{kindLabel}</span>
        <span className={`text-xs ${source.enabled ? "text-emerald-700" : "text-slate-500"}`}>{source.enabled ? "enabled" : "disabled"}</span>
        <span className="text-xs text-slate-500">{source.receivedCount} {countNoun}{source.lastReceivedAt ? `, last ${relativeTime(source.lastReceivedAt)}` : ""}</span>
        {canEdit ? (
          <div className="ml-auto flex gap-2">
            <button type="button" className={secondaryButtonClass} onClick={onToggle}>{source.enabled ? "Disable" : "Enable"}</button>
            <button type="button" className={secondaryButtonClass} onClick={() => remove.mutate(source.id)}>Delete</button>
          </div>
        ) : null}
      </div>
      <p className="mt-1 break-all text-xs text-slate-600">{address(origin)}</p>
      {source.lastError ? <p className="mt-1 text-xs text-amber-800">Last problem: {source.lastError}</p> : null}
      {children}
    </li>
  );
}

function CohortSourceCard({ source, canEdit }: { source: SourceView; canEdit: boolean }) {
  const update = useUpdateSource();
  return (
    <SourceCard
      source={source}
      canEdit={canEdit}
      kindLabel={source.kind === "mixpanel" ? "Mixpanel cohorts" : "Amplitude cohorts"}
      countNoun="syncs"
      onToggle={() => update.mutate({ id: source.id, enabled: !source.enabled })}
      address={(origin) => (
        <>
          {source.kind === "mixpanel" ? "Mixpanel → Integrations → Custom Webhook: URL" : "Amplitude → Destinations → Cohort Webhook: URL"} <code>{origin}{source.webhookPath}</code>,{" "}
          {source.kind === "mixpanel" ? <>Basic authentication with the secret ({source.secretPrefix}…) as password</> : <>header <code>X-Pathwise-Secret: {source.secretPrefix}…</code></>}. Members get the cohort&apos;s name in the <code>cohorts</code> trait.
        </>
      )}
    />
  );
}

const SAMPLES: Record<string, unknown> = {
  hubspot: [{ eventId: 1, objectId: 123, propertyName: "lifecyclestage", propertyValue: "customer", subscriptionType: "contact.propertyChange", occurredAt: Date.now() }],
  salesforce: { records: [{ Id: "0035g00000ABCDE", Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", Title: "CTO", Account: { Name: "Acme" } }] },
  custom: { userId: "user-1", traits: { plan: "pro" } },
};

function SourceEditor({ source, canEdit }: { source: SourceView; canEdit: boolean }) {
  const update = useUpdateSource();
  const preview = usePreviewSource();
  const [mappingText, setMappingText] = useState(JSON.stringify(source.mapping, null, 2));
  const [payloadText, setPayloadText] = useState(JSON.stringify(SAMPLES[source.kind] ?? SAMPLES.custom, null, 2));
  const [parseError, setParseError] = useState<string | null>(null);
  const parse = (text: string, what: string) => {
    try {
      setParseError(null);
      return JSON.parse(text) as unknown;
    } catch (e) {
      setParseError(`${what} is not valid JSON: ${(e as Error).message}`);
      return undefined;
    }
  };
  return (
    <SourceCard
      source={source}
      canEdit={canEdit}
      kindLabel={source.kind}
      countNoun="deliveries"
      onToggle={() => update.mutate({ id: source.id, enabled: !source.enabled })}
      address={(origin) => (
        <>
          POST <code>{origin}{source.webhookPath}</code> with header <code>X-Pathwise-Secret: {source.secretPrefix}…</code>
        </>
      )}
    >
      <div className="mt-3 grid gap-3 lg:grid-cols-2">
        <div>
          <label htmlFor={`map-${source.id}`} className="block text-xs font-medium text-slate-600">Mapping (paths into each record: userId, traits, traitsFrom, dynamicTrait, event, timestamp, messageId)</label>
          <textarea id={`map-${source.id}`} rows={10} className={`${inputClass} mt-1 w-full font-mono text-xs`} value={mappingText} onChange={(e) => setMappingText(e.target.value)} readOnly={!canEdit} />
        </div>
        <div>
          <label htmlFor={`payload-${source.id}`} className="block text-xs font-medium text-slate-600">Sample payload</label>
          <textarea id={`payload-${source.id}`} rows={10} className={`${inputClass} mt-1 w-full font-mono text-xs`} value={payloadText} onChange={(e) => setPayloadText(e.target.value)} />
        </div>
      </div>
      <div className="mt-2 flex gap-2">
        <button
          type="button"
          className={secondaryButtonClass}
          onClick={() => {
            const mapping = parse(mappingText, "The mapping");
            const payload = mapping === undefined ? undefined : parse(payloadText, "The payload");
            if (mapping !== undefined && payload !== undefined) preview.mutate({ id: source.id, mapping: mapping as SourceView["mapping"], payload });
          }}
        >
          Preview
        </button>
        {canEdit ? (
          <button
            type="button"
            className={buttonClass}
            disabled={update.isPending}
            onClick={() => {
              const mapping = parse(mappingText, "The mapping");
              if (mapping !== undefined) update.mutate({ id: source.id, mapping: mapping as SourceView["mapping"] });
            }}
          >
            Save mapping
          </button>
        ) : null}
      </div>
      {parseError ? <p role="alert" className="mt-2 text-sm text-red-700">{parseError}</p> : null}
      {update.isError ? <ErrorNote error={update.error} /> : null}
      {preview.isError ? <ErrorNote error={preview.error} /> : null}
      {preview.data ? (
        <pre className="mt-2 max-h-64 overflow-auto rounded bg-slate-50 p-2 text-xs" aria-label="Preview result">{JSON.stringify(preview.data, null, 2)}</pre>
      ) : null}
    </SourceCard>
  );
}

export function SourcesPanel() {
  const sources = useSources();
  const create = useCreateSource();
  const canEdit = useCan("editor");
  const [name, setName] = useState("");
  const [kind, setKind] = useState("hubspot");
  const [url, setUrl] = useState("");
  const [queue, setQueue] = useState("");
  const [stream, setStream] = useState("");
  const [subject, setSubject] = useState("");
  const streamKind = STREAM_KINDS.has(kind);
  return (
    <PageShell
      title="Sources"
      intro="Inbound webhooks from a CRM (each with its own secret and a mapping to a userId, traits or an event), cohort syncs from Mixpanel and Amplitude, and stream sources that consume Segment-shaped messages from RabbitMQ or NATS JetStream."
    >
      {canEdit ? (
        <form
          className="mb-6 flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-4"
          onSubmit={(e) => {
            e.preventDefault();
            const extra = kind === "rabbitmq" ? { url, queue } : kind === "nats" ? { url, stream, subject } : {};
            create.mutate(
              { name, kind, ...extra },
              {
                onSuccess: () => {
                  setName("");
                  // The URL may hold a password: it is not kept in the page once saved.
                  setUrl("");
                },
              },
            );
          }}
        >
          <div>
            <label htmlFor="source-name" className="block text-sm font-medium text-slate-700">Name</label>
            <input id="source-name" className={`${inputClass} mt-1`} value={name} onChange={(e) => setName(e.target.value)} required />
          </div>
          <div>
            <label htmlFor="source-kind" className="block text-sm font-medium text-slate-700">Kind</label>
            <select id="source-kind" className={`${inputClass} mt-1`} value={kind} onChange={(e) => setKind(e.target.value)}>
              <option value="hubspot">HubSpot webhook</option>
              <option value="salesforce">Salesforce records</option>
              <option value="custom">Custom JSON</option>
              <option value="mixpanel">Mixpanel cohort sync</option>
              <option value="amplitude">Amplitude cohort webhook</option>
              <option value="rabbitmq">RabbitMQ queue</option>
              <option value="nats">NATS JetStream</option>
            </select>
          </div>
          {streamKind ? (
            <div className="min-w-72 flex-1">
              <label htmlFor="source-url" className="block text-sm font-medium text-slate-700">Connection URL</label>
              <input
                id="source-url"
                className={`${inputClass} mt-1 w-full font-mono`}
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                placeholder={kind === "rabbitmq" ? "amqp://user:password@host:5672/vhost" : "nats://user:password@host:4222"}
                autoComplete="off"
                spellCheck={false}
                required
              />
            </div>
          ) : null}
          {kind === "rabbitmq" ? (
            <div>
              <label htmlFor="source-queue" className="block text-sm font-medium text-slate-700">Queue</label>
              <input id="source-queue" className={`${inputClass} mt-1`} value={queue} onChange={(e) => setQueue(e.target.value)} required />
            </div>
          ) : null}
          {kind === "nats" ? (
            <>
              <div>
                <label htmlFor="source-stream" className="block text-sm font-medium text-slate-700">Stream</label>
                <input id="source-stream" className={`${inputClass} mt-1`} value={stream} onChange={(e) => setStream(e.target.value)} required />
              </div>
              <div>
                <label htmlFor="source-subject" className="block text-sm font-medium text-slate-700">Subject</label>
                <input id="source-subject" className={`${inputClass} mt-1`} value={subject} onChange={(e) => setSubject(e.target.value)} required />
              </div>
            </>
          ) : null}
          <button type="submit" className={buttonClass} disabled={create.isPending || !name.trim()}>Create source</button>
          {create.isError ? <ErrorNote error={create.error} /> : null}
        </form>
      ) : null}
      {create.data && !create.data.secret ? (
        <div role="status" className="mb-6 rounded-xl border border-emerald-300 bg-emerald-50 p-4 text-sm">
          “{create.data.source.name}” saved. Its connection URL is stored encrypted and will not be shown again.
        </div>
      ) : null}
      {create.data?.secret ? (
        <div role="status" className="mb-6 rounded-xl border border-amber-300 bg-amber-50 p-4 text-sm">
          Secret of “{create.data.source.name}” (shown once): <code className="break-all font-mono">{create.data.secret}</code>
        </div>
      ) : null}
      {sources.isPending ? (
        <Loading label="Loading sources" />
      ) : sources.isError ? (
        <ErrorNote error={sources.error} />
      ) : sources.data.sources.length === 0 ? (
        <p className="text-sm text-slate-600">No sources yet. Create one to receive contact updates from your CRM.</p>
      ) : (
        <ul className="space-y-4">
          {sources.data.sources.map((s) =>
            STREAM_KINDS.has(s.kind) ? (
              <StreamSourceCard key={s.id} source={s} canEdit={canEdit} />
            ) : COHORT_KINDS.has(s.kind) ? (
              <CohortSourceCard key={s.id} source={s} canEdit={canEdit} />
            ) : (
              <SourceEditor key={s.id} source={s} canEdit={canEdit} />
            ),
          )}
        </ul>
      )}
    </PageShell>
  );
}
