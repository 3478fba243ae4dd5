"use client";
// The inspector: a form per node type, its fields checked with the lib/flow zod schemas and errors
// shown inline; with nothing selected, the flow's settings.
import { memo, useId } from "react";
import {
  Branch,
  EmailMessage,
  InAppMessage,
  NODE_DATA,
  Settings as SettingsSchema,
  WebhookMessage,
  type Condition,
  type FlowNode,
  type MessageDataT,
  type Settings,
} from "@/lib/flow/schema";
import { describeNode } from "@/lib/flow/describe";
import { plainIssue } from "@/lib/flow/plain-words";
import { toFlowNode, type CanvasNode } from "@/lib/flow/canvas-mapping";
import { Checkbox, HeadersEditor, NumberField, Section, SelectField, SmallButton, TextArea, TextField, zodError } from "./fields";
import { FetchEditor } from "./fetch-inspector";
import { DurationPicker } from "./duration-picker";
import { ConditionBuilder, PredicateList, type SplitRef } from "./condition-builder";
import { LiquidPreview } from "./liquid-preview";
import { ChannelStatusNote, EmailPreview, InAppComposer } from "./composer/message-composer";
import { kindOf } from "./node-kinds";
import { TriggerEditor } from "./trigger-fields";
import { ConflictNotice } from "./conflict-notice";
import { SuggestField } from "./suggest-field";

type Change = (data: FlowNode["data"], key?: string) => void;

function SplitEditor({ node, onChange }: { node: Extract<FlowNode, { type: "split" }>; onChange: Change }) {
  const branches = node.data.branches;
  const total = branches.reduce((s, b) => s + (Number(b.weight) || 0), 0);
  const set = (next: typeof branches, key?: string) => onChange({ branches: next }, key);
  const even = () => {
    const base = Math.floor(100 / branches.length);
    set(branches.map((b, i) => ({ ...b, weight: i === 0 ? 100 - base * (branches.length - 1) : base })));
  };
  return (
    <>
      {branches.map((b, i) => (
        <div key={i} className="grid grid-cols-[1fr_1fr_5rem_auto] items-end gap-2">
          <TextField label={`Branch ${i + 1} id`} value={b.id} onChange={(v) => set(branches.map((x, j) => (j === i ? { ...x, id: v } : x)), `id${i}`)} error={zodError(Branch.shape.id, b.id)} mono />
          <TextField label="Label" value={b.label ?? ""} onChange={(v) => set(branches.map((x, j) => (j === i ? { ...x, label: v || undefined } : x)), `label${i}`)} />
          <NumberField label="Weight" suffix="%" min={0} max={100} value={b.weight} onChange={(n) => set(branches.map((x, j) => (j === i ? { ...x, weight: n === "" ? 0 : n } : x)), `w${i}`)} error={zodError(Branch.shape.weight, b.weight)} />
          <SmallButton tone="danger" label={`Remove branch ${b.id}`} onClick={() => branches.length > 1 && set(branches.filter((_, j) => j !== i))}>
            ✕
          </SmallButton>
        </div>
      ))}
      <div className={`flex items-center justify-between rounded-md px-3 py-2 text-sm ${total === 100 ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-700"}`} role="status">
        <span>
          Total <strong className="tabular-nums">{total}%</strong> {total === 100 ? "✓" : "— weights must total 100"}
        </span>
        <SmallButton onClick={even}>Split evenly</SmallButton>
      </div>
      <SmallButton
        onClick={() => {
          const ids = new Set(branches.map((b) => b.id));
          let c = 97;
          while (ids.has(String.fromCharCode(c))) c++;
          set([...branches, { id: String.fromCharCode(c), weight: 0, label: `Variant ${String.fromCharCode(c).toUpperCase()}` }]);
        }}
      >
        + Branch
      </SmallButton>
    </>
  );
}

function WaitEditor({ node, onChange }: { node: Extract<FlowNode, { type: "wait" }>; onChange: Change }) {
  const d = node.data;
  const mode = "for" in d ? "for" : "until";
  return (
    <>
      <SelectField
        label="Wait"
        value={mode}
        onChange={(m) => onChange(m === "for" ? { for: "P1D" } : { until: { event: "Order Completed" }, timeout: "P3D" })}
        options={[
          { value: "for", label: "For a fixed time" },
          { value: "until", label: "Until an event (with a timeout)" },
        ]}
      />
      {"for" in d ? (
        <DurationPicker label="Wait for" value={d.for} onChange={(v) => onChange({ for: v }, "for")} />
      ) : (
        <>
          <SuggestField label="Until event" field="event" value={d.until.event} onChange={(v) => onChange({ ...d, until: { ...d.until, event: v } }, "until")} placeholder="e.g. Order Completed" error={d.until.event ? undefined : "Name the event"} />
          <PredicateList label="Event filter" event={d.until.event} where={d.until.where} onChange={(where) => onChange({ ...d, until: where ? { ...d.until, where } : { event: d.until.event } }, "where")} />
          <DurationPicker label="At most" value={d.timeout} onChange={(v) => onChange({ ...d, timeout: v }, "timeout")} hint="Then the run leaves by “timeout”" />
        </>
      )}
    </>
  );
}

function MessageEditor({ node, onChange, flow }: { node: Extract<FlowNode, { type: "message" }>; onChange: Change; flow: { id: string; name: string } }) {
  const d = node.data;
  const set = (next: MessageDataT, key?: string) => onChange(next, key);
  return (
    <>
      <SelectField
        label="Channel"
        value={d.channel}
        onChange={(c) =>
          set(
            c === "in_app"
              ? { channel: "in_app", placement: "banner", content: "body" in d ? (d.body ?? "") : "" }
              : c === "email"
                ? { channel: "email", subject: "", body: d.channel === "in_app" ? d.content : (d.body ?? ""), to: "{{ user.email }}" }
                : { channel: "webhook", url: "https://", method: "POST", body: "" },
          )
        }
        options={[
          { value: "in_app", label: "In-app" },
          { value: "email", label: "Email" },
          { value: "webhook", label: "Webhook" },
        ]}
      />
      {d.channel === "in_app" ? (
        <>
          <SuggestField label="Placement" field="placement" value={d.placement} onChange={(v) => set({ ...d, placement: v }, "placement")} placeholder="e.g. banner" hint="The key your app asks /decide for" error={zodError(InAppMessage.shape.placement, d.placement)} />
          <ChannelStatusNote channel="in_app" />
          <InAppComposer key={node.id} data={d} onChange={set} flow={flow} />
        </>
      ) : d.channel === "email" ? (
        <>
          <ChannelStatusNote channel="email" />
          <TextField label="To (Liquid)" value={d.to ?? ""} onChange={(v) => set({ ...d, to: v || undefined }, "to")} placeholder="{{ user.email }}" mono />
          <TextField label="Subject (Liquid)" value={d.subject} onChange={(v) => set({ ...d, subject: v }, "subject")} error={zodError(EmailMessage.shape.subject, d.subject)} />
          <TextArea label="Body (Liquid)" value={d.body} onChange={(v) => set({ ...d, body: v }, "body")} rows={6} />
        </>
      ) : (
        <>
          <ChannelStatusNote channel="webhook" />
          <div className="grid grid-cols-[6rem_1fr] gap-2">
            <SelectField label="Method" value={d.method ?? "POST"} onChange={(m) => set({ ...d, method: m })} options={(["POST", "PUT", "PATCH", "GET", "DELETE"] as const).map((m) => ({ value: m, label: m }))} />
            <TextField label="URL" value={d.url} onChange={(v) => set({ ...d, url: v }, "url")} mono error={zodError(WebhookMessage.shape.url, d.url) ?? (/^https?:\/\/\S+$/.test(d.url) ? undefined : "Use an http(s) URL")} />
          </div>
          <HeadersEditor headers={d.headers ?? {}} onChange={(h) => set({ ...d, headers: Object.keys(h).length ? h : undefined }, "headers")} />
          <TextArea label="Body (Liquid)" value={d.body ?? ""} onChange={(v) => set({ ...d, body: v || undefined }, "body")} rows={5} mono />
        </>
      )}
      <TextField label="Fallback text" value={d.fallback ?? ""} onChange={(v) => set({ ...d, fallback: v || undefined }, "fallback")} hint="Shown when the template fails or reads missing data" />
      {d.channel === "email" ? <EmailPreview key={node.id} data={d} flow={flow} /> : d.channel === "webhook" ? <LiquidPreview flow={flow} fallback={d.fallback} templates={[{ label: "Body", text: d.body ?? "" }]} /> : null}
    </>
  );
}

function UpdateEditor({ node, onChange }: { node: Extract<FlowNode, { type: "update" }>; onChange: Change }) {
  const entries = Object.entries(node.data.set);
  const write = (next: [string, unknown][], key?: string) => onChange({ set: Object.fromEntries(next) as Record<string, string> }, key);
  return (
    <>
      {entries.map(([k, v], i) => (
        <div key={i} className="grid grid-cols-[1fr_1fr_auto] items-end gap-2">
          <SuggestField label={`Trait ${i + 1}`} field="trait" value={k} onChange={(nk) => write(entries.map(([a, b], j) => (j === i ? [nk, b] : [a, b])), `k${i}`)} error={k ? undefined : "Name the trait"} />
          <SuggestField
            label="Value (text, number, true/false or Liquid)"
            field="trait_value"
            scope={{ trait: k }}
            value={typeof v === "string" ? v : JSON.stringify(v)}
            onChange={(nv) => write(entries.map(([a, b], j) => (j === i ? [a, parseLoose(nv)] : [a, b])), `v${i}`)}
          />
          <SmallButton tone="danger" label={`Remove trait ${k}`} onClick={() => write(entries.filter((_, j) => j !== i))}>
            ✕
          </SmallButton>
        </div>
      ))}
      <SmallButton onClick={() => write([...entries, [`trait_${entries.length + 1}`, ""]])}>+ Trait</SmallButton>
    </>
  );
}

function parseLoose(text: string): unknown {
  if (text === "true" || text === "false") return text === "true";
  if (text === "null") return null;
  if (text.trim() !== "" && !Number.isNaN(Number(text)) && /^-?\d/.test(text.trim())) return Number(text);
  return text;
}

// Memoised on the node's document fields: dragging a node changes its position every frame, and the
// inspector (with its live Liquid preview) must not re-render for that.
export const NodeInspector = memo(NodeInspectorForm, (a, b) => a.node.id === b.node.id && a.node.type === b.node.type && a.node.data === b.node.data && a.node.label === b.node.label && a.onLabel === b.onLabel && a.readOnly === b.readOnly && a.splits === b.splits && a.flow.name === b.flow.name && a.onChange === b.onChange && a.onDelete === b.onDelete);

function NodeInspectorForm({
  node,
  onChange,
  onLabel,
  onDelete,
  splits,
  flow,
  readOnly,
}: {
  node: CanvasNode;
  onChange: Change;
  /** The node's label: the name shown on the canvas and used by test cases. */
  onLabel?: (label: string) => void;
  onDelete: () => void;
  splits: SplitRef[];
  flow: { id: string; name: string };
  readOnly?: boolean;
}) {
  const doc = toFlowNode(node);
  const kind = kindOf(node.type, node.data);
  const parsed = NODE_DATA[node.type].safeParse(node.data);
  let summary = "";
  try {
    summary = describeNode(doc);
  } catch {
    summary = "Incomplete";
  }
  return (
    <div>
      <div className="flex items-start gap-3 border-b border-slate-100 px-4 py-4">
        <span className={`flex h-9 w-9 shrink-0 items-center justify-center rounded-lg ${kind.tile}`}>{kind.icon}</span>
        <div className="min-w-0 flex-1">
          <h2 className="text-sm font-semibold text-slate-900">{kind.label}</h2>
          <p className="font-mono text-[11px] text-slate-400">{node.id}</p>
          <p className="mt-1 text-xs text-slate-600">{summary}</p>
        </div>
        {readOnly ? null : (
          <SmallButton tone="danger" label={`Delete ${node.id}`} onClick={onDelete}>
            Delete
          </SmallButton>
        )}
      </div>
      {doc.type === "trigger" || doc.type === "message" ? (
        <div className="pt-3">
          <ConflictNotice flowId={flow.id} node={doc} />
        </div>
      ) : null}
      <fieldset disabled={readOnly} className="min-w-0">
        {onLabel ? (
          <div className="border-b border-slate-100 px-4 py-3">
            <TextField label="Step label" value={node.label ?? ""} onChange={(v) => onLabel(v.slice(0, 200))} placeholder="e.g. Admin tour" hint="The name shown on the canvas and used by test cases" />
          </div>
        ) : null}
        <Section title="Settings">
          {doc.type === "trigger" ? (
            <TriggerEditor node={doc} onChange={onChange} />
          ) : doc.type === "condition" ? (
            <>
              <p className="text-xs text-slate-500">Users who match leave by “yes”, others by “no”. Connect “missing” to treat absent traits apart.</p>
              <ConditionBuilder value={doc.data.if} onChange={(c: Condition) => onChange({ if: c }, "if")} splits={splits.filter((s) => s.id !== node.id)} />
            </>
          ) : doc.type === "split" ? (
            <SplitEditor node={doc} onChange={onChange} />
          ) : doc.type === "wait" ? (
            <WaitEditor node={doc} onChange={onChange} />
          ) : doc.type === "message" ? (
            <MessageEditor node={doc} onChange={onChange} flow={flow} />
          ) : doc.type === "update" ? (
            <UpdateEditor node={doc} onChange={onChange} />
          ) : doc.type === "fetch" ? (
            <FetchEditor node={doc} onChange={onChange} flow={flow} />
          ) : (
            <p className="text-sm text-slate-600">The run ends here. Nodes with an unconnected handle end the run too.</p>
          )}
        </Section>
      </fieldset>
      {!parsed.success ? (
        <div role="alert" className="mx-4 mb-4 rounded-md bg-red-50 p-3 text-xs text-red-700">
          <strong className="font-semibold">Not saved until fixed:</strong>
          <ul className="mt-1 list-disc pl-4">
            {[...new Set(parsed.error.issues.slice(0, 5).map((i) => plainIssue(node.type, i)))].map((text) => (
              <li key={text}>{text}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

export function SettingsInspector({ settings, onChange, readOnly }: { settings: Settings; onChange: (s: Settings, key?: string) => void; readOnly?: boolean }) {
  const id = useId();
  const goal = settings.goal ?? null;
  const reentryMode = settings.reentry === "never" || settings.reentry === "always" ? settings.reentry : "after";
  const shape = SettingsSchema.shape;
  return (
    <fieldset disabled={readOnly} className="min-w-0" aria-labelledby={`${id}-t`}>
      <div className="border-b border-slate-100 px-4 py-4">
        <h2 id={`${id}-t`} className="text-sm font-semibold text-slate-900">
          Flow settings
        </h2>
        <p className="mt-1 text-xs text-slate-500">Select a node to edit it. These apply to the whole flow.</p>
      </div>
      <Section title="Goal">
        <Checkbox label="Track a conversion goal" checked={goal !== null} onChange={(on) => onChange({ ...settings, goal: on ? { event: "Order Completed", within: "P7D" } : null })} />
        {goal ? (
          <>
            <SuggestField label="Goal event" field="event" value={goal.event} onChange={(v) => onChange({ ...settings, goal: { ...goal, event: v } }, "goal.event")} error={goal.event ? undefined : "Name the goal event"} />
            <PredicateList label="Goal filter" event={goal.event} where={goal.where} onChange={(where) => onChange({ ...settings, goal: where ? { ...goal, where } : { event: goal.event, ...(goal.within ? { within: goal.within } : {}) } })} />
            <Checkbox label="Only within a window after entry" checked={goal.within !== undefined} onChange={(on) => onChange({ ...settings, goal: on ? { ...goal, within: "P7D" } : { event: goal.event, ...(goal.where ? { where: goal.where } : {}) } })} />
            {goal.within ? <DurationPicker label="Converts within" value={goal.within} onChange={(d) => onChange({ ...settings, goal: { ...goal, within: d } }, "goal.within")} /> : null}
            <Checkbox label="Exit the flow on conversion" checked={settings.exitOnGoal} onChange={(v) => onChange({ ...settings, exitOnGoal: v })} />
          </>
        ) : null}
      </Section>
      <Section title="Entry">
        <SelectField
          label="Re-entry"
          value={reentryMode}
          onChange={(m) => onChange({ ...settings, reentry: m === "after" ? "P7D" : m })}
          options={[
            { value: "never", label: "Never: once per user" },
            { value: "always", label: "Always: every time the trigger fires" },
            { value: "after", label: "After a cool-down" },
          ]}
        />
        {reentryMode === "after" ? <DurationPicker label="May enter again after" value={settings.reentry} onChange={(d) => onChange({ ...settings, reentry: d }, "reentry")} /> : null}
        <div className="grid grid-cols-2 gap-2">
          <NumberField label="Rollout" suffix="%" min={0} max={100} value={settings.rollout} onChange={(n) => onChange({ ...settings, rollout: n === "" ? 0 : n }, "rollout")} error={zodError(shape.rollout, settings.rollout)} hint="Share of eligible users let in" />
          <NumberField label="Holdout" suffix="%" min={0} max={100} value={settings.holdout} onChange={(n) => onChange({ ...settings, holdout: n === "" ? 0 : n }, "holdout")} error={zodError(shape.holdout, settings.holdout)} hint="Control group, no messages" />
        </div>
        <NumberField label="Priority" min={0} max={100} step={1} value={settings.priority} onChange={(n) => onChange({ ...settings, priority: n === "" ? 0 : n }, "priority")} error={zodError(shape.priority, settings.priority)} hint="Higher wins when two flows fill one placement" />
      </Section>
    </fieldset>
  );
}
