"use client";
// /data/tracking-plan: per event, the required properties and their types; reject or flag; recent violations.
import { useState } from "react";
import { useSaveTrackingPlan, useTrackingPlan, useViolations } from "@/components/hooks/use-data";
import { useCan } from "@/components/account-context";
import { relativeTime } from "@/components/ui/time";
import type { TrackingPlan } from "@/lib/ingest/settings";
import { buttonClass, ErrorNote, inputClass, Loading, PageShell, secondaryButtonClass } from "./data-tabs";

const TYPES = ["string", "number", "boolean", "object", "array", "any"] as const;

export function TrackingPlanPanel() {
  const plan = useTrackingPlan();
  const save = useSaveTrackingPlan();
  const violations = useViolations();
  const canEdit = useCan("editor");
  const [edited, setDraft] = useState<TrackingPlan | null>(null);
  // The saved plan until the first edit, then the edited copy.
  const draft = edited ?? plan.data ?? null;
  const set = (fn: (d: TrackingPlan) => TrackingPlan) => {
    if (draft) setDraft(fn(structuredClone(draft)));
  };
  return (
    <PageShell title="Tracking plan" intro="Rules per event name. In reject mode a violating event is refused with 400 naming the property; in flag mode it is stored and listed below.">
      {plan.isPending || !draft ? (
        plan.isError ? <ErrorNote error={plan.error} /> : <Loading label="Loading tracking plan" />
      ) : (
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(draft);
          }}
        >
          <fieldset className="flex items-center gap-4 text-sm" disabled={!canEdit}>
            <legend className="sr-only">Mode</legend>
            {(["flag", "reject"] as const).map((m) => (
              <label key={m} className="flex items-center gap-2">
                <input type="radio" name="mode" value={m} checked={draft.mode === m} onChange={() => set((d) => ({ ...d, mode: m }))} />
                {m === "flag" ? "Flag violations (accept the event)" : "Reject violating events (400)"}
              </label>
            ))}
          </fieldset>
          {draft.events.length === 0 ? <p className="text-sm text-slate-600">No rules yet: every event is accepted as sent.</p> : null}
          {draft.events.map((ev, i) => (
            <fieldset key={i} className="rounded-xl border border-slate-200 bg-white p-4" disabled={!canEdit}>
              <legend className="sr-only">Event {i + 1}</legend>
              <div className="flex items-end gap-3">
                <div>
                  <label htmlFor={`ev-${i}`} className="block text-xs font-medium text-slate-600">Event name</label>
                  <input id={`ev-${i}`} className={inputClass} value={ev.event} onChange={(e) => set((d) => ((d.events[i].event = e.target.value), d))} required />
                </div>
                <button type="button" className={secondaryButtonClass} onClick={() => set((d) => ((d.events[i].properties = [...d.events[i].properties, { name: "", type: "string", required: true }]), d))}>Add property</button>
                <button type="button" className={`${secondaryButtonClass} ml-auto`} onClick={() => set((d) => ((d.events = d.events.filter((_, j) => j !== i)), d))}>Remove event</button>
              </div>
              {ev.properties.map((p, k) => (
                <div key={k} className="mt-2 flex items-end gap-3 text-sm">
                  <div>
                    <label htmlFor={`p-${i}-${k}`} className="block text-xs text-slate-600">Property</label>
                    <input id={`p-${i}-${k}`} className={inputClass} value={p.name} required onChange={(e) => set((d) => ((d.events[i].properties[k].name = e.target.value), d))} />
                  </div>
                  <div>
                    <label htmlFor={`t-${i}-${k}`} className="block text-xs text-slate-600">Type</label>
                    <select id={`t-${i}-${k}`} className={inputClass} value={p.type} onChange={(e) => set((d) => ((d.events[i].properties[k].type = e.target.value as (typeof TYPES)[number]), d))}>
                      {TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
                    </select>
                  </div>
                  <label className="flex items-center gap-1 pb-2">
                    <input type="checkbox" checked={p.required} onChange={(e) => set((d) => ((d.events[i].properties[k].required = e.target.checked), d))} /> required
                  </label>
                  <button type="button" className={secondaryButtonClass} aria-label={`Remove property ${p.name || k + 1}`} onClick={() => set((d) => ((d.events[i].properties = d.events[i].properties.filter((_, j) => j !== k)), d))}>Remove</button>
                </div>
              ))}
            </fieldset>
          ))}
          {canEdit ? (
            <div className="flex gap-3">
              <button type="button" className={secondaryButtonClass} onClick={() => set((d) => ((d.events = [...d.events, { event: "", properties: [] }]), d))}>Add event</button>
              <button type="submit" className={buttonClass} disabled={save.isPending}>{save.isPending ? "Saving…" : "Save plan"}</button>
              {save.isSuccess ? <span role="status" className="self-center text-sm text-emerald-700">Saved</span> : null}
            </div>
          ) : null}
          {save.isError ? <ErrorNote error={save.error} /> : null}
        </form>
      )}
      <h2 className="mt-10 text-lg font-semibold">Recent violations</h2>
      {violations.isPending ? (
        <Loading label="Loading violations" />
      ) : violations.isError ? (
        <ErrorNote error={violations.error} />
      ) : violations.data.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No flagged events.</p>
      ) : (
        <table className="mt-2 w-full rounded-xl border border-slate-200 bg-white text-left text-sm">
          <thead className="bg-slate-50 text-xs uppercase text-slate-500">
            <tr><th scope="col" className="px-3 py-2">Event</th><th scope="col" className="px-3 py-2">User</th><th scope="col" className="px-3 py-2">Problems</th><th scope="col" className="px-3 py-2">Received</th></tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {violations.data.map((v) => (
              <tr key={v.eventId}>
                <td className="px-3 py-2 font-medium">{v.event}</td>
                <td className="px-3 py-2">{v.userId ?? <span className="text-slate-500">anonymous</span>}</td>
                <td className="px-3 py-2 text-amber-800">{v.violations.map((x) => x.message).join("; ")}</td>
                <td className="px-3 py-2 text-slate-500">{relativeTime(v.receivedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </PageShell>
  );
}
