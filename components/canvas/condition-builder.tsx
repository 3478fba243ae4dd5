"use client";
// The condition builder: all / any / not groups of trait, event and variant rules; operators offered by
// the value's type; property filters, a time window and a count for event rules.
import { Fragment } from "react";
import { Condition as ConditionSchema, Predicate as PredicateSchema, type Condition, type Count, type Op, type Predicate, type Value } from "@/lib/flow/schema";
import { OP_LABELS } from "@/lib/flow/describe";
import { Checkbox, NumberField, SelectField, SmallButton, TextField, omit, zodError } from "./fields";
import { SuggestField } from "./suggest-field";
import type { SuggestScope } from "@/components/hooks/use-suggestions";
import { DurationPicker } from "./duration-picker";

type ValueType = "text" | "number" | "boolean";
const OPS_BY_TYPE: Record<ValueType, Op[]> = {
  text: ["eq", "neq", "contains", "starts_with", "in", "nin", "exists", "not_exists"],
  number: ["eq", "neq", "gt", "gte", "lt", "lte", "in", "nin", "exists", "not_exists"],
  boolean: ["eq", "neq", "exists", "not_exists"],
};
const NO_VALUE: Op[] = ["exists", "not_exists"];
const LIST: Op[] = ["in", "nin"];

function typeOf(value: Value | undefined): ValueType {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "number" ? "number" : typeof first === "boolean" ? "boolean" : "text";
}

function coerce(text: string, type: ValueType): string | number | boolean {
  if (type === "number") return text.trim() === "" || Number.isNaN(Number(text)) ? 0 : Number(text);
  if (type === "boolean") return text === "true";
  return text;
}

function convert(value: Value | undefined, op: Op, type: ValueType): Value | undefined {
  if (NO_VALUE.includes(op)) return undefined;
  const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const typed = items.map((v) => coerce(String(v ?? ""), type));
  if (LIST.includes(op)) return typed;
  return typed[0] ?? coerce("", type);
}

/** The op select and value input of one test: `plan` `is` `pro`. */
export function TestEditor({
  label,
  op,
  value,
  onChange,
  suggest,
}: {
  label: string;
  op: Op;
  value: Value | undefined;
  onChange: (op: Op, value: Value | undefined) => void;
  /** Where values come from: an event's property, or a trait. */
  suggest?: { field: "value" | "trait_value"; scope: SuggestScope };
}) {
  const type = typeOf(value);
  const ops = OPS_BY_TYPE[type];
  return (
    <div className="grid grid-cols-[5.5rem_1fr] gap-2">
      <SelectField
        label={`${label} value type`}
        hideLabel
        value={type}
        onChange={(t) => onChange(OPS_BY_TYPE[t].includes(op) ? op : "eq", convert(value, OPS_BY_TYPE[t].includes(op) ? op : "eq", t))}
        options={[
          { value: "text", label: "Text" },
          { value: "number", label: "Number" },
          { value: "boolean", label: "Yes/no" },
        ]}
      />
      <SelectField label={`${label} operator`} hideLabel value={op} onChange={(o) => onChange(o, convert(value, o, type))} options={ops.map((o) => ({ value: o, label: OP_LABELS[o] }))} />
      {NO_VALUE.includes(op) ? null : type === "boolean" ? (
        <SelectField
          className="col-span-2"
          label={`${label} value`}
          hideLabel
          value={String(value === true)}
          onChange={(v) => onChange(op, v === "true")}
          options={[
            { value: "true", label: "yes (true)" },
            { value: "false", label: "no (false)" },
          ]}
        />
      ) : LIST.includes(op) ? (
        <TextField
          className="col-span-2"
          label={`${label} values (comma separated)`}
          hideLabel
          placeholder="pro, team"
          value={(Array.isArray(value) ? value : []).join(", ")}
          onChange={(t) => onChange(op, t.split(",").map((x) => x.trim()).filter(Boolean).map((x) => coerce(x, type)) as Value)}
          hint="Separate values with commas"
        />
      ) : suggest && type === "text" ? (
        <SuggestField className="col-span-2" label={`${label} value`} hideLabel field={suggest.field} scope={suggest.scope} placeholder="value" value={value === undefined || value === null ? "" : String(value)} onChange={(t) => onChange(op, coerce(t, type))} />
      ) : (
        <TextField className="col-span-2" label={`${label} value`} hideLabel type={type === "number" ? "number" : "text"} placeholder="value" value={value === undefined || value === null ? "" : String(value)} onChange={(t) => onChange(op, coerce(t, type))} />
      )}
    </div>
  );
}

/** Property filters: `where sku is A and price is more than 10`. */
export function PredicateList({ label, where, onChange, event }: { label: string; where: Predicate[] | undefined; onChange: (where: Predicate[] | undefined) => void; /** The event whose properties these are (suggestions). */ event?: string }) {
  const list = where ?? [];
  const set = (i: number, p: Predicate) => onChange(list.map((x, j) => (j === i ? p : x)));
  return (
    <div className="space-y-2">
      {list.map((p, i) => (
        <div key={i} className="rounded-md border border-slate-200 bg-slate-50/60 p-2">
          <div className="mb-2 flex items-end gap-2">
            <SuggestField
              className="flex-1"
              label={`${label} ${i + 1} property`}
              placeholder="property, e.g. name"
              field="property"
              scope={{ event }}
              value={p.property}
              onChange={(v) => set(i, { ...p, property: v })}
              error={zodError(PredicateSchema.shape.property, p.property)}
            />
            <SmallButton tone="danger" label={`Remove filter ${i + 1}`} onClick={() => onChange(list.length > 1 ? list.filter((_, j) => j !== i) : undefined)}>
              Remove
            </SmallButton>
          </div>
          <TestEditor label={`${label} ${i + 1}`} op={p.op} value={p.value} suggest={event && p.property ? { field: "value", scope: { event, property: p.property } } : undefined} onChange={(op, value) => set(i, { property: p.property, op, ...(value !== undefined ? { value } : {}) })} />
        </div>
      ))}
      <SmallButton onClick={() => onChange([...list, { property: "", op: "eq", value: "" }])}>+ Property filter</SmallButton>
    </div>
  );
}

export type SplitRef = { id: string; branches: { id: string; label?: string }[] };

const blank = {
  trait: (): Condition => ({ trait: "", op: "eq", value: "" }),
  event: (): Condition => ({ event: "", within: "P7D" }),
  group: (): Condition => ({ all: [{ trait: "", op: "eq", value: "" }] }),
};

const COUNT_OPS: (keyof Count)[] = ["gte", "eq", "lte", "gt", "lt", "neq"];

function RuleEditor({ c, onChange, splits, path }: { c: Condition; onChange: (c: Condition) => void; splits: SplitRef[]; path: string }) {
  if ("trait" in c) {
    return (
      <div className="space-y-2">
        <SuggestField label={path === "rule" ? "Trait" : `Trait (${path.slice(5)})`} placeholder="trait, e.g. role" field="trait" value={c.trait} onChange={(v) => onChange({ ...c, trait: v })} error={c.trait ? undefined : "Name the trait"} />
        <TestEditor label={`Trait (${path})`} op={c.op} value={c.value} suggest={c.trait ? { field: "trait_value", scope: { trait: c.trait } } : undefined} onChange={(op, value) => onChange({ trait: c.trait, op, ...(value !== undefined ? { value } : {}) })} />
      </div>
    );
  }
  if ("event" in c) {
    const countOp = (Object.keys(c.count ?? {}) as (keyof Count)[])[0] ?? "gte";
    const countN = c.count?.[countOp] ?? 1;
    return (
      <div className="space-y-2">
        <SuggestField label={path === "rule" ? "Event" : `Event (${path.slice(5)})`} placeholder="event, e.g. Product Viewed" field="event" value={c.event} onChange={(v) => onChange({ ...c, event: v })} error={c.event ? undefined : "Name the event"} />
        <div className="grid grid-cols-2 gap-2">
          <SelectField label="Happened" value={countOp} onChange={(o) => onChange({ ...c, count: { [o]: countN } as Count })} options={COUNT_OPS.map((o) => ({ value: o, label: OP_LABELS[o] === "is" ? "exactly" : OP_LABELS[o].replace(/^is /, "") }))} />
          <NumberField label="Times" min={0} value={countN} suffix="×" onChange={(n) => onChange({ ...c, count: { [countOp]: n === "" ? 0 : n } as Count })} />
        </div>
        <Checkbox label="Only in a recent window" checked={c.within !== undefined} onChange={(on) => onChange(on ? { ...c, within: "P7D" } : omit(c, "within"))} />
        {c.within !== undefined ? <DurationPicker label="In the last" value={c.within} onChange={(d) => onChange({ ...c, within: d })} /> : null}
        <PredicateList label="Event filter" event={c.event} where={c.where} onChange={(where) => onChange(where ? { ...c, where } : omit(c, "where"))} />
      </div>
    );
  }
  if ("variant" in c) {
    const split = splits.find((s) => s.id === c.variant.node);
    return (
      <div className="grid grid-cols-2 gap-2">
        <SelectField label="Split" value={c.variant.node} onChange={(node) => onChange({ variant: { node, branch: splits.find((s) => s.id === node)?.branches[0]?.id ?? "" } })} options={[{ value: "", label: "Choose…" }, ...splits.map((s) => ({ value: s.id, label: s.id }))]} />
        <SelectField label="Branch" value={c.variant.branch} onChange={(branch) => onChange({ variant: { ...c.variant, branch } })} options={[{ value: "", label: "Choose…" }, ...(split?.branches ?? []).map((b) => ({ value: b.id, label: b.label || b.id }))]} />
      </div>
    );
  }
  return null;
}

function kindLabel(c: Condition): string {
  if ("trait" in c) return "Trait";
  if ("event" in c) return "Event";
  if ("variant" in c) return "Variant";
  if ("not" in c) return "Not";
  return "Group";
}

function ConditionBlock({ c, onChange, onRemove, splits, depth, path }: { c: Condition; onChange: (c: Condition) => void; onRemove?: () => void; splits: SplitRef[]; depth: number; path: string }) {
  const negated = "not" in c;
  const inner = negated ? c.not : c;
  const setInner = (x: Condition) => onChange(negated ? { not: x } : x);
  const isGroup = "all" in inner || "any" in inner;
  return (
    <div className={`rounded-lg border ${negated ? "border-rose-200 bg-rose-50/40" : isGroup ? "border-sky-200 bg-sky-50/40" : "border-slate-200 bg-white"} p-2.5`}>
      <div className="mb-2 flex items-center gap-2">
        <span className="rounded bg-slate-100 px-1.5 py-0.5 text-[10px] font-semibold uppercase tracking-wide text-slate-600">
          {negated ? "Not · " : ""}
          {kindLabel(inner)}
        </span>
        <span className="flex-1" />
        <SmallButton label={negated ? `Stop negating ${path}` : `Negate ${path}`} onClick={() => onChange(negated ? inner : { not: inner })}>
          {negated ? "Un-negate" : "Negate"}
        </SmallButton>
        {onRemove ? (
          <SmallButton tone="danger" label={`Remove ${path}`} onClick={onRemove}>
            Remove
          </SmallButton>
        ) : null}
      </div>
      {"all" in inner || "any" in inner ? (
        <GroupEditor c={inner} onChange={setInner} splits={splits} depth={depth} path={path} />
      ) : "not" in inner ? (
        <ConditionBlock c={inner.not} onChange={(x) => setInner({ not: x })} splits={splits} depth={depth + 1} path={`${path}.not`} />
      ) : (
        <RuleEditor c={inner} onChange={setInner} splits={splits} path={path} />
      )}
    </div>
  );
}

function GroupEditor({ c, onChange, splits, depth, path }: { c: { all: Condition[] } | { any: Condition[] }; onChange: (c: Condition) => void; splits: SplitRef[]; depth: number; path: string }) {
  const mode: "all" | "any" = "all" in c ? "all" : "any";
  const items = "all" in c ? c.all : c.any;
  const set = (next: Condition[]) => onChange(mode === "all" ? { all: next } : { any: next });
  return (
    <div className="space-y-2">
      <SelectField
        label={`Group ${path} matches`}
        value={mode}
        onChange={(m) => onChange(m === "all" ? { all: items } : { any: items })}
        options={[
          { value: "all", label: "All of these (and)" },
          { value: "any", label: "Any of these (or)" },
        ]}
      />
      {items.map((x, i) => (
        <Fragment key={i}>
          {i > 0 ? <div className="text-center text-[10px] font-bold uppercase tracking-wider text-slate-400">{mode === "all" ? "and" : "or"}</div> : null}
          <ConditionBlock c={x} onChange={(nx) => set(items.map((y, j) => (j === i ? nx : y)))} onRemove={() => set(items.filter((_, j) => j !== i))} splits={splits} depth={depth + 1} path={`${path}.${i + 1}`} />
        </Fragment>
      ))}
      <AddRule onAdd={(x) => set([...items, x])} splits={splits} allowGroup={depth < 3} />
    </div>
  );
}

function AddRule({ onAdd, splits, allowGroup }: { onAdd: (c: Condition) => void; splits: SplitRef[]; allowGroup: boolean }) {
  return (
    <div className="flex flex-wrap gap-1">
      <SmallButton onClick={() => onAdd(blank.trait())}>+ Trait rule</SmallButton>
      <SmallButton onClick={() => onAdd(blank.event())}>+ Event rule</SmallButton>
      {splits.length ? <SmallButton onClick={() => onAdd({ variant: { node: splits[0].id, branch: splits[0].branches[0]?.id ?? "" } })}>+ Variant rule</SmallButton> : null}
      {allowGroup ? <SmallButton onClick={() => onAdd(blank.group())}>+ Group</SmallButton> : null}
    </div>
  );
}

/** The whole condition of a condition node. A single rule can be turned into a group to add more. */
export function ConditionBuilder({ value, onChange, splits }: { value: Condition; onChange: (c: Condition) => void; splits: SplitRef[] }) {
  const shapeError = zodError(ConditionSchema, value);
  const isGroup = "all" in value || "any" in value;
  return (
    <div className="space-y-2">
      <ConditionBlock c={value} onChange={onChange} splits={splits} depth={0} path="rule" />
      {!isGroup ? (
        <div className="flex flex-wrap items-center gap-1">
          <span className="text-xs text-slate-500">Combine with:</span>
          <AddRule onAdd={(x) => onChange({ all: [value, x] })} splits={splits} allowGroup={false} />
        </div>
      ) : null}
      {shapeError ? (
        <p role="alert" className="text-xs text-red-600">
          Not complete yet: {shapeError}
        </p>
      ) : null}
    </div>
  );
}
