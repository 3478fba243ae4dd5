"use client";
// /users/:userId: a profile's identities, traits, event timeline, and runs with their steps and reasons.
import { RecommendationsPanel } from "@/components/catalog/recommendations-panel";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useEraseUser, useUser } from "@/components/hooks/use-users";
import { useCan } from "@/components/account-context";
import { StatusBadge } from "@/components/ui/status-badge";
import { relativeTime } from "@/components/ui/time";
import { ErrorNote, Loading, PageShell, secondaryButtonClass } from "./data-tabs";
import { explainStep, type Tone } from "./explain-step";
import { AddCaseFromProfile } from "./add-case-from-profile";
import { WhyNotPanel } from "./why-not-panel";
import type { MessageFate } from "@/lib/profiles/message-fates";

const fmt = (iso: string) => new Date(iso).toLocaleString();
const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
const TONE: Record<Tone, string> = {
  ok: "bg-emerald-50 text-emerald-800",
  info: "bg-slate-100 text-slate-700",
  warn: "bg-amber-50 text-amber-900",
  bad: "bg-red-50 text-red-800",
  muted: "bg-slate-50 text-slate-500",
};

const FATE_TONE: Record<MessageFate["fate"], Tone> = { seen: "ok", sent: "ok", lost: "warn", failed: "bad", suppressed: "muted", waiting: "info", expired: "muted", not_seen: "info" };

function StepLine({ step }: { step: { nodeId: string; stepName?: string; at: string; result: string; reason: unknown; delivery?: MessageFate } }) {
  const e = explainStep(step);
  // The delivery line below says the error already; the step line does not repeat it.
  const details = e.details.filter((d) => d !== step.delivery?.error);
  const raw = step.reason && typeof step.reason === "object" && Object.keys(step.reason).length ? JSON.stringify(step.reason) : null;
  return (
    <li className="py-0.5">
      <span className="font-medium text-slate-900" title={`Step ${step.nodeId}`}>{step.stepName ?? step.nodeId}</span>{" "}
      <span className={`rounded px-1.5 py-0.5 font-medium ${TONE[e.tone]}`} data-result={step.result}>{e.label}</span>{" "}
      <span className="text-slate-500">{fmt(step.at)}</span>
      {details.length ? <span className="block text-slate-700">{details.join(" ")}</span> : null}
      {step.delivery ? (
        <span className={`mt-0.5 inline-block rounded px-1.5 py-0.5 ${TONE[FATE_TONE[step.delivery.fate]]}`} data-fate={step.delivery.fate}>
          {step.delivery.message}
        </span>
      ) : null}
      {raw ? (
        <details className="text-slate-500">
          <summary className="cursor-pointer select-none focus-visible:outline-2 focus-visible:outline-brand-500">Raw reason</summary>
          <code className="block break-all font-mono">{raw}</code>
        </details>
      ) : null}
    </li>
  );
}

export function ProfileView({ id }: { id: string }) {
  const user = useUser(id);
  const isAdmin = useCan("admin");
  const canEdit = useCan("editor");
  const erase = useEraseUser();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [open, setOpen] = useState<number | null>(null);

  if (user.isPending) return <PageShell title={id}><Loading label="Loading profile" /></PageShell>;
  if (user.isError) {
    const missing = (user.error as { status?: number }).status === 404;
    return (
      <PageShell title={id}>
        {missing ? <p className="text-sm text-slate-600">No profile has the id “{id}”. <Link href="/users" className="text-brand-700 hover:underline">Back to users</Link></p> : <ErrorNote error={user.error} />}
      </PageShell>
    );
  }
  const p = user.data;
  const traits = Object.entries(p.traits);
  const groups = p.groups ?? [];
  return (
    <PageShell title={p.userId ?? `Anonymous ${p.anonymousIds[0] ?? ""}`} intro={`First seen ${fmt(p.firstSeen)} · last seen ${relativeTime(p.lastSeen)}`}>
      <div className="grid gap-6 lg:grid-cols-3">
        <section aria-labelledby="identities" className="rounded-xl border border-slate-200 bg-white p-4">
          <h2 id="identities" className="text-sm font-semibold uppercase tracking-wide text-slate-500">Identities</h2>
          <ul className="mt-2 space-y-1 text-sm">
            {p.userIds.map((u) => <li key={`u${u}`}><span className="text-slate-500">userId</span> <code>{u}</code></li>)}
            {p.anonymousIds.map((a) => <li key={`a${a}`}><span className="text-slate-500">anonymousId</span> <code>{a}</code></li>)}
          </ul>
          {isAdmin ? (
            <div className="mt-4 flex flex-wrap gap-2 border-t border-slate-100 pt-4">
              <a className={secondaryButtonClass} href={`/api/v1/users/${encodeURIComponent(id)}/export`} download>Export data</a>
              {confirming ? (
                <>
                  <button
                    type="button"
                    className="rounded-md bg-red-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-700 disabled:opacity-50"
                    disabled={erase.isPending}
                    onClick={() => erase.mutate(id, { onSuccess: () => router.push("/users") })}
                  >
                    Erase for good
                  </button>
                  <button type="button" className={secondaryButtonClass} onClick={() => setConfirming(false)}>Cancel</button>
                </>
              ) : (
                <button type="button" className={secondaryButtonClass} onClick={() => setConfirming(true)}>Erase user…</button>
              )}
              {erase.isError ? <ErrorNote error={erase.error} /> : null}
            </div>
          ) : null}
        </section>
        <section aria-labelledby="traits" className="rounded-xl border border-slate-200 bg-white p-4 lg:col-span-2">
          <h2 id="traits" className="text-sm font-semibold uppercase tracking-wide text-slate-500">Traits</h2>
          {traits.length === 0 ? (
            <p className="mt-2 text-sm text-slate-600">No traits yet. An identify call or an import sets them.</p>
          ) : (
            <dl className="mt-2 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
              {traits.map(([k, v]) => (
                <div key={k} className="flex gap-2 border-b border-slate-50 py-1">
                  <dt className="w-40 shrink-0 truncate text-slate-500">{k}</dt>
                  <dd className="truncate font-mono text-slate-900" title={show(v)}>{show(v)}</dd>
                </div>
              ))}
            </dl>
          )}
        </section>
        <section aria-labelledby="groups" className="rounded-xl border border-slate-200 bg-white p-4 lg:col-span-3">
          <h2 id="groups" className="text-sm font-semibold uppercase tracking-wide text-slate-500">Groups</h2>
          {groups.length === 0 ? (
            <p className="mt-2 text-sm text-slate-600">In no group. A group call names the account this user belongs to.</p>
          ) : (
            <ul className="mt-2 space-y-2 text-sm">
              {groups.map((g, i) => (
                <li key={g.groupId} className="rounded-lg border border-slate-100 p-3" data-group={g.groupId}>
                  <div className="flex flex-wrap items-center gap-2">
                    <code className="font-medium text-slate-900">{g.groupId}</code>
                    {i === 0 ? <span className="rounded bg-brand-50 px-1.5 text-xs text-brand-700">current · read as group.*</span> : null}
                    <span className="text-slate-500">joined {relativeTime(g.joinedAt)}</span>
                  </div>
                  {Object.keys(g.traits).length ? (
                    <dl className="mt-1 grid grid-cols-1 gap-x-6 gap-y-1 sm:grid-cols-2">
                      {Object.entries(g.traits).map(([k, v]) => (
                        <div key={k} className="flex gap-2 border-b border-slate-50 py-1">
                          <dt className="w-40 shrink-0 truncate text-slate-500">group.{k}</dt>
                          <dd className="truncate font-mono text-slate-900" title={show(v)}>{show(v)}</dd>
                        </div>
                      ))}
                    </dl>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      {p.userId ? <RecommendationsPanel userId={p.userId} /> : null}

      <WhyNotPanel userId={id} />

      <section aria-labelledby="runs" className="mt-6 rounded-xl border border-slate-200 bg-white p-4">
        <h2 id="runs" className="text-sm font-semibold uppercase tracking-wide text-slate-500">Flow runs</h2>
        {p.runs.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">This user has not entered any flow.</p>
        ) : (
          <ul className="mt-2 space-y-3">
            {p.runs.map((r) => (
              <li key={r.id} className="rounded-lg border border-slate-100 p-3">
                <div className="flex flex-wrap items-center gap-2 text-sm">
                  <Link href={`/flows/${r.flowId}`} className="font-medium text-slate-900 hover:text-brand-700">{r.flowName ?? r.flowId}</Link>
                  <span className="text-slate-500">v{r.version}</span>
                  <StatusBadge status={r.status} />
                  {r.holdout ? <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-600">holdout</span> : null}
                  {r.convertedAt ? <span className="rounded bg-emerald-50 px-1.5 text-xs text-emerald-700">converted</span> : null}
                  <span className="text-slate-500">entered {relativeTime(r.enteredAt)}{r.nodeId ? ` · at ${r.nodeId}` : ""}</span>
                </div>
                {r.steps.length ? (
                  <ol className="mt-2 space-y-1 border-l-2 border-slate-100 pl-3 text-xs">
                    {r.steps.map((s, i) => (
                      <StepLine key={i} step={s} />
                    ))}
                  </ol>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      {canEdit && p.userId ? <AddCaseFromProfile userId={p.userId} /> : null}

      <section aria-labelledby="timeline" className="mt-6 rounded-xl border border-slate-200 bg-white p-4">
        <h2 id="timeline" className="text-sm font-semibold uppercase tracking-wide text-slate-500">Latest events</h2>
        {p.events.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">No events yet.</p>
        ) : (
          <ol className="mt-2 divide-y divide-slate-100 text-sm">
            {p.events.map((e) => (
              <li key={e.id} className="py-2">
                <button type="button" className="flex w-full items-center gap-3 text-left focus-visible:outline focus-visible:outline-2 focus-visible:outline-brand-500" aria-expanded={open === e.id} onClick={() => setOpen(open === e.id ? null : e.id)}>
                  <span className="w-44 shrink-0 text-slate-500">{fmt(e.timestamp)}</span>
                  <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-600">{e.type}</span>
                  <span className="font-medium text-slate-900">{e.name}</span>
                  {e.violations?.length ? <span className="rounded bg-amber-50 px-1.5 text-xs text-amber-800">{e.violations.length} plan violation(s)</span> : null}
                </button>
                {open === e.id ? <pre className="mt-2 overflow-x-auto rounded bg-slate-50 p-2 text-xs">{JSON.stringify({ properties: e.properties, context: e.context, messageId: e.messageId, violations: e.violations ?? undefined }, null, 2)}</pre> : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </PageShell>
  );
}
