"use client";
// The simulate panel: a profile (traits JSON) and an event timeline, run through the sandbox; the path
// lights up on the canvas step by step, with each step's reason and the rendered messages.
import { useEffect, useMemo, useState } from "react";
import type { Graph, Settings } from "@/lib/flow/schema";
import { useSimulate, type SimEvent, type SimResponse } from "@/components/hooks/use-simulate";
import { caseFromRun } from "@/lib/cases/run";
import type { TestCase } from "@/lib/cases/schema";
import { SelectField, SmallButton, TextArea, TextField } from "./fields";
import { defaultRows, traitOverrides, type Row } from "./simulate-rows";

export type SimPath = { path: Map<string, number[]>; current: string | null; edges: Set<string> };

const PROFILES: Record<string, string> = {
  "Sample user": '{\n  "name": "Ada",\n  "email": "ada@example.com",\n  "plan": "free",\n  "role": "admin"\n}',
  "New member": '{\n  "name": "Sam",\n  "role": "member",\n  "plan": "pro"\n}',
  "No traits": "{}",
};

function reasonText(r?: Record<string, unknown>): string {
  if (!r) return "";
  const parts: string[] = [];
  if (r.seen) parts.push(`saw ${JSON.stringify(r.seen)}`);
  if (r.fellBack) parts.push("data missing, no “missing” edge: took “no”");
  if (typeof r.bucket === "number") parts.push(`bucket ${Number(r.bucket).toFixed(1)}${r.sticky ? " (kept from before)" : ""}`);
  if (r.due) parts.push(`due ${String(r.due).replace("T", " ").replace(/\.\d+Z$/, "Z")}`);
  if (r.event) parts.push(`matched ${String(r.event)}`);
  if (r.suppressed) parts.push(`suppressed (${String(r.suppressed)})`);
  return parts.join(" · ");
}

export function SimulatePanel({
  flow,
  graph,
  settings,
  onPath,
  onSelect,
  onSaveCase,
}: {
  flow: { id: string; name: string };
  graph: Graph;
  settings: Settings;
  onPath: (p: SimPath | null) => void;
  onSelect: (nodeId: string) => void;
  /** "Save as test case": the run just seen, with its observed path as the (editable) expectation. */
  onSaveCase?: (c: TestCase) => Promise<string>;
}) {
  const sim = useSimulate();
  const [caseName, setCaseName] = useState("");
  const [caseSaved, setCaseSaved] = useState<string | null>(null);
  const [ran, setRan] = useState<{ traits: Record<string, unknown>; events: SimEvent[] } | null>(null);
  const [traits, setTraits] = useState(PROFILES["Sample user"]);
  const [rows, setRows] = useState<Row[]>(() => defaultRows(graph));
  const [step, setStep] = useState(0);
  const [inputError, setInputError] = useState<string | null>(null);
  const result: SimResponse | undefined = sim.data;
  // An identify row that replaces a profile trait is said out loud, never applied silently.
  const overrides = useMemo(() => {
    try {
      const t = JSON.parse(traits || "{}");
      return t && typeof t === "object" && !Array.isArray(t) ? traitOverrides(t, rows) : [];
    } catch {
      return [];
    }
  }, [traits, rows]);

  const path = useMemo<SimPath | null>(() => {
    if (!result || result.trace.length === 0) return null;
    const upto = result.trace.slice(0, step);
    const p = new Map<string, number[]>();
    upto.forEach((t, i) => p.set(t.nodeId, [...(p.get(t.nodeId) ?? []), i + 1]));
    const edges = new Set<string>();
    for (let i = 1; i < upto.length; i++) {
      const from = upto[i - 1].nodeId;
      const to = upto[i].nodeId;
      const e = graph.edges.find((x) => x.source === from && x.target === to);
      if (e) edges.add(e.id);
    }
    return { path: p, current: upto[upto.length - 1]?.nodeId ?? null, edges };
  }, [result, step, graph.edges]);

  useEffect(() => onPath(path), [path, onPath]);
  useEffect(() => () => onPath(null), [onPath]);

  const run = () => {
    setInputError(null);
    let t: Record<string, unknown>;
    try {
      t = JSON.parse(traits || "{}");
    } catch {
      setInputError("The profile traits are not valid JSON");
      return;
    }
    const events: SimEvent[] = [];
    for (const [i, r] of rows.entries()) {
      let props: Record<string, unknown> = {};
      try {
        props = r.props.trim() ? JSON.parse(r.props) : {};
      } catch {
        setInputError(`Event ${i + 1}: the properties are not valid JSON`);
        return;
      }
      events.push(r.type === "identify" ? { at: r.at, type: "identify", traits: props } : r.type === "page" ? { at: r.at, type: "page", name: r.name, properties: props } : { at: r.at, type: "track", event: r.name, properties: props });
    }
    setCaseSaved(null);
    sim.mutate(
      { flowId: flow.id, flowName: flow.name, graph, settings, profile: { traits: t, userId: "simulated-user" }, events },
      { onSuccess: (r) => { setStep(r.trace.length); setRan({ traits: t, events }); } },
    );
  };

  const saveCase = async () => {
    if (!ran || !onSaveCase) return;
    const name = caseName.trim() || `Case from simulation ${new Date().toISOString().slice(0, 16).replace("T", " ")}`;
    const events = ran.events.map((e) => (e.type === "track" ? { at: e.at, type: e.type, event: e.event, properties: e.properties } : e.type === "page" ? { at: e.at, type: e.type, name: e.name, properties: e.properties } : { at: e.at, type: e.type, traits: e.traits }));
    const c = caseFromRun({ graph, settings, flowId: flow.id, flowName: flow.name }, { name, profile: { traits: ran.traits }, events });
    setCaseSaved(await onSaveCase(c));
  };

  return (
    <div className="space-y-4 px-4 py-4">
      <div>
        <h2 className="text-sm font-semibold text-slate-900">Simulate</h2>
        <p className="mt-1 text-xs text-slate-500">Try the draft on a made-up user. Waits resolve instantly; nothing is stored or sent.</p>
      </div>
      <div className="space-y-2">
        <div className="flex flex-wrap gap-1">
          {Object.keys(PROFILES).map((k) => (
            <SmallButton key={k} onClick={() => setTraits(PROFILES[k])}>
              {k}
            </SmallButton>
          ))}
        </div>
        <TextArea label="Profile traits (JSON)" value={traits} onChange={setTraits} rows={5} mono />
      </div>
      <fieldset className="space-y-2">
        <legend className="text-xs font-medium text-slate-600">Event timeline</legend>
        {rows.map((r, i) => (
          <div key={i} className="space-y-2 rounded-md border border-slate-200 bg-white p-2">
            <div className="grid grid-cols-[5rem_6rem_1fr_auto] items-end gap-2">
              <TextField label={`Event ${i + 1} at`} value={r.at} mono onChange={(v) => setRows(rows.map((x, j) => (j === i ? { ...x, at: v } : x)))} hint={i === 0 ? "offset" : undefined} />
              <SelectField label="Type" value={r.type} onChange={(v) => setRows(rows.map((x, j) => (j === i ? { ...x, type: v } : x)))} options={[{ value: "track", label: "track" }, { value: "page", label: "page" }, { value: "identify", label: "identify" }]} />
              <TextField label={r.type === "identify" ? "—" : r.type === "page" ? "Page name" : "Event"} value={r.name} onChange={(v) => setRows(rows.map((x, j) => (j === i ? { ...x, name: v } : x)))} />
              <SmallButton tone="danger" label={`Remove event ${i + 1}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                ✕
              </SmallButton>
            </div>
            <TextField label={r.type === "identify" ? `Event ${i + 1} traits (JSON)` : `Event ${i + 1} properties (JSON)`} value={r.props} mono onChange={(v) => setRows(rows.map((x, j) => (j === i ? { ...x, props: v } : x)))} />
          </div>
        ))}
        {overrides.length ? (
          <p className="rounded-md bg-amber-50 p-2 text-xs text-amber-800" data-testid="sim-overrides">
            {overrides.map((o) => `Event ${o.event} sets ${o.trait} to ${JSON.stringify(o.to)}, replacing the profile's ${JSON.stringify(o.from)}.`).join(" ")}
          </p>
        ) : null}
        <div className="flex gap-2">
          <SmallButton onClick={() => setRows([...rows, { at: `PT${rows.length}H`, type: "track", name: "Order Completed", props: "{}" }])}>+ Event</SmallButton>
          <SmallButton onClick={() => setRows(defaultRows(graph))}>Reset from trigger</SmallButton>
        </div>
      </fieldset>
      <button type="button" onClick={run} disabled={sim.isPending} className="w-full rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-50">
        {sim.isPending ? "Running…" : "Run simulation"}
      </button>
      {inputError ? (
        <p role="alert" className="text-sm text-red-700">
          {inputError}
        </p>
      ) : null}
      {sim.isError ? (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-700">
          {sim.error.message}
        </p>
      ) : null}
      {result ? (
        <div className="space-y-3" data-testid="sim-result">
          {result.source === "browser" ? <p className="rounded-md bg-amber-50 p-2 text-xs text-amber-800">The simulate endpoint is not available on this server yet; the same engine ran in your browser.</p> : null}
          {result.problems?.length ? <p className="rounded-md bg-amber-50 p-2 text-xs text-amber-800">{result.problems.join("; ")}</p> : null}
          <p className="text-sm">
            {result.trace.length === 0 ? "The user did not enter the flow." : `${result.trace.length} steps.`} {result.converted ? <span className="font-semibold text-emerald-700">Converted ✓</span> : null}
          </p>
          {result.why ? (
            <div className="rounded-md bg-slate-50 p-2 text-sm" data-testid="sim-why">
              <p className="font-medium">{result.why.summary}</p>
              {!result.why.wouldEnter && result.why.reasons[0] ? <p className="text-xs text-slate-600">{result.why.reasons[0].message}</p> : null}
            </div>
          ) : null}
          {result.trace.length ? (
            <div>
              <label htmlFor="sim-step" className="mb-1 block text-xs font-medium text-slate-600">
                Step {step} of {result.trace.length}
              </label>
              <input id="sim-step" type="range" min={0} max={result.trace.length} value={step} onChange={(e) => setStep(Number(e.target.value))} className="w-full accent-brand-600" />
            </div>
          ) : null}
          <ol className="space-y-1">
            {result.trace.map((t, i) => (
              <li key={i}>
                <button type="button" onClick={() => { setStep(i + 1); onSelect(t.nodeId); }} className={`w-full rounded-md px-2 py-1.5 text-left text-xs ${i + 1 === step ? "bg-brand-50 ring-1 ring-brand-500/40" : i < step ? "bg-white" : "bg-white opacity-50"}`}>
                  <span className="font-semibold tabular-nums">{i + 1}.</span> <span className="font-mono">{t.nodeId}</span> → <span className="font-medium">{t.result === "sent" && (graph.nodes.find((n) => n.id === t.nodeId)?.data as { channel?: string } | undefined)?.channel === "in_app" ? "ready to show" : t.result}</span>
                  <span className="float-right text-slate-400">{t.at.replace("T", " ").slice(5, 16)}</span>
                  {reasonText(t.reason) ? <span className="block text-slate-500">{reasonText(t.reason)}</span> : null}
                </button>
              </li>
            ))}
          </ol>
          {onSaveCase && ran ? (
            <div className="space-y-2 rounded-md border border-slate-200 bg-slate-50 p-2">
              <TextField label="Test case name" value={caseName} onChange={setCaseName} placeholder="e.g. Admin gets the admin tour" />
              <button type="button" onClick={() => void saveCase()} className="w-full rounded-md bg-white px-3 py-1.5 text-sm font-semibold text-brand-700 ring-1 ring-brand-600/40 hover:bg-brand-50">
                Save as test case
              </button>
              {caseSaved ? (
                <p role="status" className="text-xs text-emerald-700">
                  {caseSaved}
                </p>
              ) : null}
            </div>
          ) : null}
          {result.messages.length ? (
            <div>
              <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Messages</h3>
              <ul className="space-y-2">
                {result.messages.map((m, i) => (
                  <li key={i} className="rounded-md border border-emerald-200 bg-emerald-50/50 p-2 text-xs">
                    <div className="mb-1 font-medium text-emerald-800">
                      {m.channel} · <span className="font-mono">{m.nodeId}</span> {m.placement ? `· ${m.placement}` : ""} {m.suppressed ? "· suppressed (holdout)" : ""}
                    </div>
                    <div className="whitespace-pre-wrap break-words text-slate-800">{String(m.content ?? m.subject ?? m.body ?? m.url ?? "")}</div>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
