"use client";
// The trigger's fields in the inspector: what lets a user in (an event, a repeated event, silence, a
// first identify, a trait that starts to satisfy a test), with names and values suggested from what
// the workspace received.
import { NODE_DATA, type FlowNode, type On } from "@/lib/flow/schema";
import { NumberField, SelectField, omit, zodError } from "./fields";
import { DurationPicker } from "./duration-picker";
import { PredicateList, TestEditor } from "./condition-builder";
import { SuggestField } from "./suggest-field";

type Change = (data: FlowNode["data"], key?: string) => void;

export const TRIGGER_OPTIONS = [
  { value: "event", label: "An event arrives" },
  { value: "behavior", label: "An event repeats (behaviour)" },
  { value: "inactivity", label: "They go quiet (inactivity)" },
  { value: "identify", label: "They are first identified" },
  { value: "trait", label: "A trait changes (e.g. score drops below 20)" },
] as const;

/** The trigger a type switch starts with, keeping the event name where both have one. */
export function switchTrigger(on: On, t: On["type"]): On {
  const eventName = "event" in on ? on.event : "";
  switch (t) {
    case "event":
      return { type: "event", event: eventName || "Signed Up" };
    case "behavior":
      return { type: "behavior", event: eventName || "Page Viewed", count: { gte: 3 }, within: "P1D" };
    case "inactivity":
      return { type: "inactivity", after: "PT24H" };
    case "identify":
      return { type: "identify" };
    case "trait":
      return { type: "trait", trait: "engagement_score", op: "lt", value: 20 };
  }
}

export function TriggerEditor({ node, onChange }: { node: Extract<FlowNode, { type: "trigger" }>; onChange: Change }) {
  const on = node.data.on;
  const set = (next: On, key?: string) => onChange({ on: next }, key);
  return (
    <>
      <SelectField label="Users enter when" value={on.type} onChange={(t) => set(switchTrigger(on, t as On["type"]))} options={TRIGGER_OPTIONS.map((o) => ({ value: o.value, label: o.label }))} />
      {on.type === "event" || on.type === "behavior" ? (
        <>
          <SuggestField
            label="Event name"
            field="event"
            value={on.event}
            onChange={(v) => set({ ...on, event: v }, "event")}
            placeholder="e.g. Product Viewed"
            error={zodError(NODE_DATA.trigger, { on: { ...on } }) && !on.event ? "Name the event" : undefined}
          />
          {on.type === "behavior" ? (
            <div className="grid grid-cols-2 gap-2">
              <NumberField label="At least (times)" min={1} step={1} value={on.count.gte} onChange={(n) => set({ ...on, count: { gte: n === "" ? 1 : n } }, "count")} error={on.count.gte >= 1 && Number.isInteger(on.count.gte) ? undefined : "A whole number, 1 or more"} />
              <DurationPicker label="Within" value={on.within} onChange={(d) => set({ ...on, within: d }, "within")} />
            </div>
          ) : null}
          <PredicateList label="Trigger filter" event={on.event} where={on.where} onChange={(where) => set(where ? { ...on, where } : (omit(on, "where") as On), "where")} />
        </>
      ) : on.type === "inactivity" ? (
        <DurationPicker label="No events for" value={on.after} onChange={(d) => set({ ...on, after: d }, "after")} />
      ) : on.type === "trait" ? (
        <>
          <SuggestField label="Trait" field="trait" value={on.trait} onChange={(v) => set({ ...on, trait: v }, "trait")} placeholder="e.g. engagement_score" error={on.trait ? undefined : "Name the trait"} />
          <TestEditor label="Trait test" op={on.op} value={on.value} suggest={on.trait ? { field: "trait_value", scope: { trait: on.trait } } : undefined} onChange={(op, value) => set({ type: "trait", trait: on.trait, op, ...(value !== undefined ? { value } : {}) }, "test")} />
          <p className="text-xs text-slate-500">
            Users enter when the test becomes true, whatever changed the trait: an identify, an import, a CRM source, an update step, or the engagement score falling while they are quiet. Staying true does not let them in again.
          </p>
        </>
      ) : (
        <p className="text-sm text-slate-600">The user enters the first time an identify call names them.</p>
      )}
    </>
  );
}
