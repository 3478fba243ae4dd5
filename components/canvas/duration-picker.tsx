"use client";
// A human duration picker: a number and a unit, stored as ISO 8601 (3 days → P3D, 24 hours → PT24H).
import { useId } from "react";
import { Duration } from "@/lib/flow/schema";
import { FieldError, inputClass, zodError } from "./fields";

const UNITS = [
  { value: "M", label: "minutes", iso: (n: number) => `PT${n}M` },
  { value: "H", label: "hours", iso: (n: number) => `PT${n}H` },
  { value: "D", label: "days", iso: (n: number) => `P${n}D` },
  { value: "W", label: "weeks", iso: (n: number) => `P${n}W` },
  { value: "S", label: "seconds", iso: (n: number) => `PT${n}S` },
] as const;
type Unit = (typeof UNITS)[number]["value"];

/** Splits an ISO duration into one number and unit when it has exactly one part; else null. */
export function splitDuration(iso: string): { n: number; unit: Unit } | null {
  const m = /^P(?:(\d+(?:\.\d+)?)W|(\d+(?:\.\d+)?)D|T(\d+(?:\.\d+)?)H|T(\d+(?:\.\d+)?)M|T(\d+(?:\.\d+)?)S)$/.exec(iso);
  if (!m) return null;
  const units: Unit[] = ["W", "D", "H", "M", "S"];
  const i = m.slice(1).findIndex((v) => v !== undefined);
  return { n: Number(m[i + 1]), unit: units[i] };
}

export function joinDuration(n: number, unit: Unit): string {
  return UNITS.find((u) => u.value === unit)!.iso(n);
}

export function DurationPicker({ label, value, onChange, hint }: { label: string; value: string; onChange: (iso: string) => void; hint?: string }) {
  const id = useId();
  const parts = splitDuration(value);
  const error = zodError(Duration, value);
  const n = parts?.n ?? 1;
  const unit: Unit = parts?.unit ?? "D";
  return (
    <fieldset>
      <legend className="mb-1 block text-xs font-medium text-slate-600">{label}</legend>
      {parts || !value ? (
        <div className="flex gap-2">
          <label htmlFor={`${id}-n`} className="sr-only">
            {label} amount
          </label>
          <input
            id={`${id}-n`}
            type="number"
            min={0}
            step={1}
            value={n}
            onChange={(e) => onChange(joinDuration(Math.max(0, Number(e.target.value) || 0), unit))}
            className={`nodrag ${inputClass.replace("w-full ", "")} w-24 shrink-0`}
            aria-invalid={!!error}
          />
          <label htmlFor={`${id}-u`} className="sr-only">
            {label} unit
          </label>
          <select id={`${id}-u`} value={unit} onChange={(e) => onChange(joinDuration(n, e.target.value as Unit))} className={`nodrag ${inputClass.replace("w-full ", "")} min-w-0 flex-1`}>
            {UNITS.map((u) => (
              <option key={u.value} value={u.value}>
                {u.label}
              </option>
            ))}
          </select>
        </div>
      ) : (
        <div>
          <label htmlFor={`${id}-raw`} className="sr-only">
            {label} (ISO 8601)
          </label>
          <input id={`${id}-raw`} value={value} onChange={(e) => onChange(e.target.value)} className={`nodrag ${inputClass} font-mono text-xs`} aria-invalid={!!error} />
        </div>
      )}
      {hint && !error ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
      <FieldError id={`${id}-err`} message={error} />
    </fieldset>
  );
}
