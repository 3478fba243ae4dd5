"use client";
// A text field that suggests what the workspace has received (event names, properties, traits, their
// values, placements) with their counts, through the browser's own autocomplete list: any text may
// still be typed.
import { useId } from "react";
import { useSuggestions, type SuggestFieldName, type SuggestScope } from "@/components/hooks/use-suggestions";
import { describedBy, FieldFrame, inputClass } from "./fields";

const fmt = new Intl.NumberFormat("en-US");

export function SuggestField({
  label,
  value,
  onChange,
  field,
  scope,
  error,
  hint,
  placeholder,
  className,
  hideLabel,
  type = "text",
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  field: SuggestFieldName;
  scope?: SuggestScope;
  error?: string;
  hint?: string;
  placeholder?: string;
  className?: string;
  hideLabel?: boolean;
  type?: string;
}) {
  const id = useId();
  const list = `${id}-list`;
  const s = useSuggestions(field, scope);
  const items = s.data?.suggestions ?? [];
  return (
    <FieldFrame id={id} label={label} hideLabel={hideLabel} hint={hint} error={error} className={className}>
      <input
        id={id}
        type={type}
        value={value}
        placeholder={placeholder}
        list={list}
        autoComplete="off"
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={!!error}
        aria-describedby={describedBy(id, error, hint)}
        data-suggest={field}
        className={`nodrag ${inputClass}`}
      />
      <datalist id={list} data-testid={`suggest-${field}`}>
        {items.map((i) => (
          <option key={i.value} value={i.value} label={`${fmt.format(i.count)}${i.capped ? "+" : ""} ${s.data?.basis ?? ""}`.trim()} />
        ))}
      </datalist>
    </FieldFrame>
  );
}
