"use client";
// The workspace policies form: frequency caps per channel, quiet hours and the default time zone.
// Self-contained (data via use-policies); admins edit, everyone else reads.
import { useId, useState } from "react";
import { useCan } from "@/components/account-context";
import { usePolicies, useSavePolicies, type StoredPolicies } from "@/components/hooks/use-policies";
import type { FrequencyCap, QuietHours } from "@/lib/policies/schema";

const CHANNEL_LABEL: Record<FrequencyCap["channel"], string> = { email: "Email", webhook: "Webhook", in_app: "In-app" };
const input = "rounded-md border border-slate-300 px-2 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-brand-600 disabled:bg-slate-50";

function zones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  return intl.supportedValuesOf ? ["UTC", ...intl.supportedValuesOf("timeZone")] : ["UTC"];
}

export function PoliciesForm() {
  const policies = usePolicies();
  // Held here so that "Saved" and errors survive the editor starting again after a save.
  const save = useSavePolicies();
  if (policies.isPending) return <p className="text-sm text-slate-500" role="status">Loading policies…</p>;
  if (policies.isError) return <p className="rounded-md bg-red-50 p-3 text-sm text-red-800" role="alert">Could not load the policies: {policies.error.message}</p>;
  // Keyed by the save time: the form starts again from what the server stored.
  return <PoliciesEditor key={policies.data.updatedAt ?? "defaults"} initial={policies.data} save={save} />;
}

function PoliciesEditor({ initial, save }: { initial: StoredPolicies; save: ReturnType<typeof useSavePolicies> }) {
  const canEdit = useCan("admin");
  const [caps, setCaps] = useState<FrequencyCap[]>(initial.caps);
  const [quiet, setQuiet] = useState<QuietHours>(initial.quietHours ?? { enabled: false, start: "22:00", end: "08:00" });
  const [timezone, setTimezone] = useState(initial.timezone);
  const [edited, setEdited] = useState(false);
  const [zoneList] = useState(zones);
  const id = useId();

  const setCap = (i: number, patch: Partial<FrequencyCap>) => {
    setEdited(true);
    setCaps((cs) => cs.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  };
  const used = new Set(caps.map((c) => `${c.channel}:${c.window}`));
  const nextFree = (["email", "in_app", "webhook"] as const).flatMap((ch) => (["day", "week"] as const).map((w) => ({ channel: ch, window: w }))).find((c) => !used.has(`${c.channel}:${c.window}`));

  return (
    <form
      className="space-y-6"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ caps, quietHours: quiet.enabled ? quiet : null, timezone });
      }}
    >
      <fieldset className="rounded-xl border border-slate-200 bg-white p-4" disabled={!canEdit}>
        <legend className="px-1 text-base font-semibold">Frequency caps</legend>
        <p className="mb-3 text-sm text-slate-600">At most this many touchpoints per user across all flows, counted in the user&apos;s own calendar day or week (Monday to Sunday).</p>
        {caps.length === 0 ? <p className="text-sm text-slate-500">No caps: every touchpoint goes out.</p> : null}
        <ul className="space-y-2">
          {caps.map((c, i) => (
            <li key={i} className="flex flex-wrap items-end gap-2" data-testid="cap-row">
              <label className="text-sm">
                <span className="mb-1 block font-medium text-slate-700">Channel</span>
                <select className={input} value={c.channel} onChange={(e) => setCap(i, { channel: e.target.value as FrequencyCap["channel"] })}>
                  {Object.entries(CHANNEL_LABEL).map(([v, l]) => (
                    <option key={v} value={v}>
                      {l}
                    </option>
                  ))}
                </select>
              </label>
              <label className="text-sm">
                <span className="mb-1 block font-medium text-slate-700">At most</span>
                <input className={`${input} w-20`} type="number" min={0} max={1000} value={c.limit} onChange={(e) => setCap(i, { limit: Math.max(0, Math.floor(Number(e.target.value) || 0)) })} />
              </label>
              <label className="text-sm">
                <span className="mb-1 block font-medium text-slate-700">Per</span>
                <select className={input} value={c.window} onChange={(e) => setCap(i, { window: e.target.value as FrequencyCap["window"] })}>
                  <option value="day">day</option>
                  <option value="week">week</option>
                </select>
              </label>
              <label className="text-sm">
                <span className="mb-1 block font-medium text-slate-700">Over the cap</span>
                <select className={input} value={c.action} onChange={(e) => setCap(i, { action: e.target.value as FrequencyCap["action"] })}>
                  <option value="drop">drop it</option>
                  <option value="delay">delay to the next {c.window}</option>
                </select>
              </label>
              <button type="button" className="rounded-md px-2 py-1.5 text-sm text-red-700 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-brand-600" onClick={() => setCaps((cs) => cs.filter((_, j) => j !== i))} aria-label={`Remove the ${CHANNEL_LABEL[c.channel]} cap per ${c.window}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
        {nextFree ? (
          <button type="button" className="mt-3 rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-600" onClick={() => setCaps((cs) => [...cs, { ...nextFree, limit: 2, action: "drop" }])}>
            Add a cap
          </button>
        ) : null}
      </fieldset>

      <fieldset className="rounded-xl border border-slate-200 bg-white p-4" disabled={!canEdit}>
        <legend className="px-1 text-base font-semibold">Quiet hours</legend>
        <p className="mb-3 text-sm text-slate-600">Emails and webhooks due in quiet hours (in the user&apos;s time zone) go out when they end. In-app messages are not held.</p>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={quiet.enabled} onChange={(e) => setQuiet({ ...quiet, enabled: e.target.checked })} className="h-4 w-4 focus-visible:outline-2 focus-visible:outline-brand-600" />
          Hold emails and webhooks during quiet hours
        </label>
        <div className="mt-3 flex gap-3">
          <label className="text-sm">
            <span className="mb-1 block font-medium text-slate-700">From</span>
            <input className={input} type="time" required value={quiet.start} disabled={!quiet.enabled} onChange={(e) => setQuiet({ ...quiet, start: e.target.value })} />
          </label>
          <label className="text-sm">
            <span className="mb-1 block font-medium text-slate-700">Until</span>
            <input className={input} type="time" required value={quiet.end} disabled={!quiet.enabled} onChange={(e) => setQuiet({ ...quiet, end: e.target.value })} />
          </label>
        </div>
      </fieldset>

      <fieldset className="rounded-xl border border-slate-200 bg-white p-4" disabled={!canEdit}>
        <legend className="px-1 text-base font-semibold">Time zone</legend>
        <label className="block text-sm">
          <span className="mb-1 block text-slate-600">For users without a valid <code>timezone</code> trait (an IANA name such as Europe/Paris)</span>
          <input className={`${input} w-72`} list={`${id}-zones`} value={timezone} onChange={(e) => setTimezone(e.target.value)} name="timezone" />
        </label>
        <datalist id={`${id}-zones`}>
          {zoneList.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </fieldset>

      {save.isError ? (
        <p className="rounded-md bg-red-50 p-3 text-sm text-red-800" role="alert">
          {save.error.message}
        </p>
      ) : null}
      {canEdit ? (
        <div className="flex items-center gap-3">
          <button type="submit" disabled={save.isPending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:opacity-50">
            {save.isPending ? "Saving…" : "Save policies"}
          </button>
          {save.isSuccess && !edited ? (
            <span className="text-sm text-green-700" role="status">
              Saved
            </span>
          ) : null}
        </div>
      ) : (
        <p className="text-sm text-slate-500">Only admins can change policies.</p>
      )}
    </form>
  );
}
