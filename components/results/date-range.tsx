"use client";
// The date range of a dashboard: presets (7, 30, 90 days, all time) or two dates. Ranges select runs
// by the UTC day they entered; "to" is inclusive here and sent to the API as the next day's start.
import { useId, useState } from "react";
import type { DateRange } from "@/components/hooks/use-results";

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const todayStart = () => Math.floor(Date.now() / DAY) * DAY;

export const PRESETS = [
  { id: "7d", label: "7 days", days: 7 },
  { id: "30d", label: "30 days", days: 30 },
  { id: "90d", label: "90 days", days: 90 },
  { id: "all", label: "All time", days: 0 },
] as const;

export function presetRange(days: number): DateRange {
  return days ? { from: iso(todayStart() - (days - 1) * DAY) } : {};
}

export function DateRangePicker({ value, onChange }: { value: DateRange; onChange: (r: DateRange) => void }) {
  const id = useId();
  const [preset, setPreset] = useState<string>("all");
  const [from, setFrom] = useState(value.from?.slice(0, 10) ?? "");
  const [to, setTo] = useState(value.to ? iso(Date.parse(value.to) - DAY) : "");
  const applyCustom = (f: string, t: string) => {
    if (f && t && f > t) return;
    onChange({ ...(f ? { from: f } : {}), ...(t ? { to: iso(Date.parse(`${t}T00:00:00Z`) + DAY) } : {}) });
  };
  return (
    <div className="flex flex-wrap items-end gap-2">
      <div role="group" aria-label="Date range" className="inline-flex rounded-lg border border-slate-200 bg-white p-0.5 shadow-sm">
        {PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            aria-pressed={preset === p.id}
            onClick={() => {
              setPreset(p.id);
              setFrom("");
              setTo("");
              onChange(presetRange(p.days));
            }}
            className={`rounded-md px-2.5 py-1 text-sm ${preset === p.id ? "bg-brand-600 font-medium text-white" : "text-slate-600 hover:bg-slate-100"}`}
          >
            {p.label}
          </button>
        ))}
      </div>
      <div className="flex items-end gap-1.5">
        <label htmlFor={`${id}-from`} className="text-xs text-slate-500">
          From
          <input
            id={`${id}-from`}
            type="date"
            value={from}
            max={to || undefined}
            onChange={(e) => {
              setFrom(e.target.value);
              setPreset("custom");
              applyCustom(e.target.value, to);
            }}
            className="mt-0.5 block rounded-md border border-slate-300 px-2 py-1 text-sm text-slate-800"
          />
        </label>
        <label htmlFor={`${id}-to`} className="text-xs text-slate-500">
          To
          <input
            id={`${id}-to`}
            type="date"
            value={to}
            min={from || undefined}
            onChange={(e) => {
              setTo(e.target.value);
              setPreset("custom");
              applyCustom(from, e.target.value);
            }}
            className="mt-0.5 block rounded-md border border-slate-300 px-2 py-1 text-sm text-slate-800"
          />
        </label>
      </div>
    </div>
  );
}
