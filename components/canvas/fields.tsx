"use client";
// Small labelled form controls for the inspector; each shows its zod error inline, under the field.
import { useId, useState } from "react";
import type { z } from "zod";
import { plainIssue } from "@/lib/flow/plain-words";
import type { NodeType } from "@/lib/flow/schema";

export const inputClass =
  "w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 shadow-xs placeholder:text-slate-400 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30 aria-[invalid=true]:border-red-400";

/** A field's value checked against its schema, the complaint in plain words (lib/flow/plain-words). */
export function zodError(schema: z.ZodType, value: unknown, type: NodeType = "trigger"): string | undefined {
  const r = schema.safeParse(value);
  return r.success ? undefined : r.error.issues[0] ? plainIssue(type, r.error.issues[0]) : undefined;
}

export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className="mt-1 text-xs text-red-600">
      {message}
    </p>
  );
}

/**
 * A labelled field around its control: the label (tied to the control by `id`; `hideLabel` keeps it for
 * screen readers only), the control, its hint while it has no error, then its error (ids `${id}-hint`
 * and `${id}-err`, which describedBy names).
 */
export function FieldFrame({ id, label, hideLabel, hint, error, className, children }: { id: string; label: string; hideLabel?: boolean; hint?: string; error?: string; className?: string; children: React.ReactNode }) {
  return (
    <div className={className}>
      <label htmlFor={id} className={hideLabel ? "sr-only" : "mb-1 block text-xs font-medium text-slate-600"}>
        {label}
      </label>
      {children}
      {hint && !error ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <FieldError id={`${id}-err`} message={error} />
    </div>
  );
}

/** The control's aria-describedby: its error when it has one, else its hint, else none. */
export function describedBy(id: string, error?: string, hint?: string): string | undefined {
  return error ? `${id}-err` : hint ? `${id}-hint` : undefined;
}

type Base = { label: string; error?: string; hint?: string; className?: string; hideLabel?: boolean };

export function TextField({ label, value, onChange, error: complaint, hint, className, placeholder, hideLabel, mono, type = "text" }: Base & { value: string; onChange: (v: string) => void; placeholder?: string; mono?: boolean; type?: string }) {
  const id = useId();
  // A field says what is missing once the person has been in it, not the moment an empty row appears.
  const [touched, setTouched] = useState(value !== "");
  const error = touched ? complaint : undefined;
  return (
    <FieldFrame id={id} label={label} hideLabel={hideLabel} hint={hint} error={error} className={className}>
      <input
        id={id}
        type={type}
        value={value}
        placeholder={placeholder}
        onChange={(e) => {
          setTouched(true);
          onChange(e.target.value);
        }}
        onBlur={() => setTouched(true)}
        aria-invalid={!!error}
        aria-describedby={describedBy(id, error, hint)}
        className={`nodrag ${inputClass} ${mono ? "font-mono text-xs" : ""}`}
      />
    </FieldFrame>
  );
}

export function NumberField({ label, value, onChange, error, hint, className, min, max, step, hideLabel, suffix }: Base & { value: number | ""; onChange: (v: number | "") => void; min?: number; max?: number; step?: number; suffix?: string }) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hideLabel={hideLabel} hint={hint} error={error} className={className}>
      <div className="relative">
        <input
          id={id}
          type="number"
          inputMode="decimal"
          value={value}
          min={min}
          max={max}
          step={step}
          onChange={(e) => onChange(e.target.value === "" ? "" : Number(e.target.value))}
          aria-invalid={!!error}
          aria-describedby={describedBy(id, error, hint)}
          className={`nodrag ${inputClass} ${suffix ? "pr-7" : ""}`}
        />
        {suffix ? <span className="pointer-events-none absolute inset-y-0 right-2 flex items-center text-xs text-slate-500">{suffix}</span> : null}
      </div>
    </FieldFrame>
  );
}

export function SelectField<T extends string>({ label, value, onChange, options, error, className, hideLabel }: Base & { value: T; onChange: (v: T) => void; options: readonly { value: T; label: string }[] }) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hideLabel={hideLabel} error={error} className={className}>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)} aria-invalid={!!error} className={`nodrag ${inputClass}`}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export function TextArea({ label, value, onChange, error, hint, className, rows = 4, mono, placeholder }: Base & { value: string; onChange: (v: string) => void; rows?: number; mono?: boolean; placeholder?: string }) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} className={className}>
      <textarea
        id={id}
        rows={rows}
        value={value}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={!!error}
        aria-describedby={describedBy(id, error, hint)}
        className={`nodrag ${inputClass} ${mono ? "font-mono text-xs" : ""}`}
      />
    </FieldFrame>
  );
}

export function Checkbox({ label, checked, onChange, hint }: { label: string; checked: boolean; onChange: (v: boolean) => void; hint?: string }) {
  const id = useId();
  return (
    <div className="flex items-start gap-2">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} className="nodrag mt-0.5 h-4 w-4 rounded border-slate-300 text-brand-600 focus:ring-brand-500" />
      <label htmlFor={id} className="text-sm text-slate-700">
        {label}
        {hint ? <span className="block text-xs text-slate-500">{hint}</span> : null}
      </label>
    </div>
  );
}

export function Section({ title, children, action }: { title: string; children: React.ReactNode; action?: React.ReactNode }) {
  return (
    <section className="border-b border-slate-100 px-4 py-4 last:border-b-0">
      <div className="mb-3 flex items-center justify-between">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{title}</h3>
        {action}
      </div>
      <div className="space-y-3">{children}</div>
    </section>
  );
}

export function SmallButton({ children, onClick, label, tone = "default" }: { children: React.ReactNode; onClick: () => void; label?: string; tone?: "default" | "danger" }) {
  return (
    <button
      type="button"
      onClick={onClick}
      aria-label={label}
      title={label}
      className={`rounded-md px-2 py-1 text-xs font-medium ${tone === "danger" ? "text-slate-500 hover:bg-red-50 hover:text-red-700" : "text-brand-700 hover:bg-brand-50"}`}
    >
      {children}
    </button>
  );
}

/** A copy of an object without one key (optional fields are removed, never set to undefined). */
export function omit<T extends object, K extends keyof T>(o: T, key: K): Omit<T, K> {
  const copy = { ...o };
  delete copy[key];
  return copy;
}

/** Header name/value pairs (webhook and fetch nodes); values may be Liquid. */
export function HeadersEditor({ headers, onChange }: { headers: Record<string, string>; onChange: (h: Record<string, string>) => void }) {
  const entries = Object.entries(headers);
  return (
    <fieldset className="space-y-2">
      <legend className="mb-1 text-xs font-medium text-slate-600">Headers</legend>
      {entries.map(([k, v], i) => (
        <div key={i} className="grid grid-cols-[1fr_1fr_auto] items-end gap-2">
          <TextField label={`Header ${i + 1} name`} hideLabel placeholder="Header" value={k} mono onChange={(nk) => onChange(Object.fromEntries(entries.map(([a, b], j) => (j === i ? [nk, b] : [a, b]))))} />
          <TextField label={`Header ${i + 1} value`} hideLabel placeholder="Value" value={v} mono onChange={(nv) => onChange(Object.fromEntries(entries.map(([a, b], j) => (j === i ? [a, nv] : [a, b]))))} />
          <SmallButton tone="danger" label={`Remove header ${k}`} onClick={() => onChange(Object.fromEntries(entries.filter((_, j) => j !== i)))}>
            ✕
          </SmallButton>
        </div>
      ))}
      <SmallButton onClick={() => onChange({ ...headers, [entries.length ? `X-Header-${entries.length + 1}` : "Content-Type"]: entries.length ? "" : "application/json" })}>+ Header</SmallButton>
    </fieldset>
  );
}
