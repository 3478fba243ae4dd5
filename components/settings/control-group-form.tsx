"use client";
// The global control group's form: one percentage (0-20), saved for the whole workspace.
import { useState } from "react";
import { useGlobalControl, useSaveGlobalControl } from "@/components/hooks/use-global-control";

export function ControlGroupForm() {
  const current = useGlobalControl();
  const save = useSaveGlobalControl();
  // null: not edited yet, the stored value shows.
  const [edited, setValue] = useState<string | null>(null);
  const value = edited ?? (current.data ? String(current.data.percent) : "");
  const [saved, setSaved] = useState(false);
  const n = Number(value);
  const invalid = value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 20;

  return (
    <form
      className="max-w-md space-y-4 rounded-lg border border-slate-200 bg-white p-5"
      onSubmit={(e) => {
        e.preventDefault();
        if (invalid) return;
        setSaved(false);
        save.mutate({ percent: n }, { onSuccess: () => setSaved(true) });
      }}
    >
      <div>
        <label htmlFor="global-control-percent" className="block text-sm font-medium text-slate-800">
          Share of all users held out
        </label>
        <div className="mt-1 flex items-center gap-2">
          <input
            id="global-control-percent"
            type="number"
            min={0}
            max={20}
            step={0.5}
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
              setSaved(false);
            }}
            aria-invalid={invalid || undefined}
            aria-describedby="global-control-hint"
            className="w-28 rounded-md border border-slate-300 px-3 py-2 text-sm tabular-nums"
          />
          <span className="text-sm text-slate-600">%</span>
        </div>
        <p id="global-control-hint" className={`mt-1 text-xs ${invalid && value !== "" ? "text-red-700" : "text-slate-500"}`}>
          {invalid && value !== "" ? "Enter a number from 0 to 20." : "0 turns it off. The same users stay in the group as long as the share is unchanged; raising it only adds users."}
        </p>
      </div>
      {save.isError ? (
        <p role="alert" className="text-sm text-red-700">
          {save.error.message}
        </p>
      ) : null}
      {saved ? (
        <p role="status" className="text-sm text-emerald-700">
          Saved: {n}% of users get no message from any flow.
        </p>
      ) : null}
      <button type="submit" disabled={invalid || save.isPending || current.isLoading} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-50">
        {save.isPending ? "Saving…" : "Save"}
      </button>
    </form>
  );
}
