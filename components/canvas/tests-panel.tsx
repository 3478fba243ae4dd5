"use client";
// The editor's test cases: each saved case with pass/fail on the saved draft (run again after every
// save), why it fails, its editable definition, and cases made from a real user's history.
import { useState } from "react";
import type { TestCase, TestRunResult } from "@/lib/cases/schema";
import { TestCase as TestCaseSchema } from "@/lib/cases/schema";
import { caseFromRun } from "@/lib/cases/run";
import type { Graph, Settings } from "@/lib/flow/schema";
import { useCaseFromUser } from "@/components/hooks/use-flow-tests";
import { SmallButton, TextArea, TextField } from "./fields";

/** A name not yet taken by another case: "Admin path", then "Admin path (2)". */
export function freeCaseName(name: string, cases: readonly TestCase[]): string {
  const taken = new Set(cases.map((c) => c.name));
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) if (!taken.has(`${name} (${i})`)) return `${name} (${i})`;
}

function CaseEditor({ value, onSave, onCancel, saving }: { value: TestCase; onSave: (c: TestCase) => void; onCancel: () => void; saving: boolean }) {
  const [text, setText] = useState(() => JSON.stringify(value, null, 2));
  const [error, setError] = useState<string | null>(null);
  const save = () => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      setError("Not valid JSON");
      return;
    }
    const parsed = TestCaseSchema.safeParse(raw);
    if (!parsed.success) {
      setError(parsed.error.issues.map((i) => `${i.path.join(".") || "(case)"}: ${i.message}`).join("; "));
      return;
    }
    onSave(parsed.data);
  };
  return (
    <div className="mt-2 space-y-2">
      <TextArea label="Case (profile, events, expectations)" value={text} onChange={setText} rows={14} mono error={error ?? undefined} hint="expect: enters, steps (by label), messages [{step, contains}], converts, variant {step, branch}; variants forces a split's branch" />
      <div className="flex gap-2">
        <SmallButton onClick={save}>{saving ? "Saving…" : "Save case"}</SmallButton>
        <SmallButton onClick={onCancel}>Cancel</SmallButton>
      </div>
    </div>
  );
}

export function TestsPanel({
  flowId,
  graph,
  settings,
  cases,
  run,
  running,
  runError,
  notes,
  saving,
  saveError,
  onSave,
  readOnly,
}: {
  flowId: string;
  graph: Graph;
  settings: Settings;
  cases: TestCase[] | undefined;
  run: TestRunResult | undefined;
  running: boolean;
  runError: string | null;
  notes: string[];
  saving: boolean;
  saveError: string | null;
  onSave: (cases: TestCase[]) => void;
  readOnly: boolean;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const [userId, setUserId] = useState("");
  const fromUser = useCaseFromUser(flowId);
  const list = cases ?? [];
  const resultOf = (name: string) => run?.results.find((r) => r.name === name);
  const replace = (name: string, next: TestCase) => onSave(list.map((c) => (c.name === name ? next : c)));

  const addFromUser = () => {
    const id = userId.trim();
    if (!id) return;
    fromUser.mutate({ userId: id, name: freeCaseName(`Like ${id}`, list) }, { onSuccess: (c) => { onSave([...list, c]); setUserId(""); } });
  };

  return (
    <div className="space-y-4 px-4 py-4">
      <div>
        <h2 className="text-sm font-semibold text-slate-900">Test cases</h2>
        <p className="mt-1 text-xs text-slate-500">Saved scenarios the flow must keep passing. They run on the saved draft after every change; publish is refused while one fails.</p>
      </div>
      {cases === undefined ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : list.length === 0 ? (
        <p className="rounded-md bg-slate-50 p-3 text-sm text-slate-600">No cases yet. Run a simulation and choose “Save as test case”, or add one from a real user below.</p>
      ) : (
        <p className="text-sm" role="status" data-testid="tests-summary">
          {run ? (
            <>
              <span className="font-semibold text-emerald-700">{run.passed} passing</span>
              {" · "}
              <span className={run.failed ? "font-semibold text-red-700" : "text-slate-500"}>{run.failed} failing</span>
            </>
          ) : (
            "Not run yet"
          )}
          {running ? <span className="ml-2 text-xs text-slate-400">running…</span> : null}
        </p>
      )}
      {runError ? <p role="alert" className="rounded-md bg-red-50 p-2 text-xs text-red-700">{runError}</p> : null}
      {saveError ? <p role="alert" className="rounded-md bg-red-50 p-2 text-xs text-red-700">{saveError}</p> : null}
      {notes.length ? <p className="rounded-md bg-amber-50 p-2 text-xs text-amber-800">{notes.join(" ")}</p> : null}
      <ul className="space-y-2">
        {list.map((c) => {
          const r = resultOf(c.name);
          const state = !r ? "pending" : r.passed ? "passed" : "failed";
          return (
            <li key={c.name} data-testid="test-case" data-state={state} className={`rounded-md border p-2 text-xs ${state === "failed" ? "border-red-200 bg-red-50/50" : state === "passed" ? "border-emerald-200 bg-white" : "border-slate-200 bg-white"}`}>
              <div className="flex items-start gap-2">
                <span className={`mt-0.5 rounded-full px-1.5 py-0.5 text-[10px] font-bold uppercase ${state === "failed" ? "bg-red-600 text-white" : state === "passed" ? "bg-emerald-600 text-white" : "bg-slate-200 text-slate-600"}`}>
                  {state === "failed" ? "Fails" : state === "passed" ? "Passes" : "…"}
                </span>
                <span className="min-w-0 flex-1 text-sm font-medium text-slate-900">{c.name}</span>
              </div>
              {r && r.failures.length ? (
                <ul className="mt-1 list-disc space-y-0.5 pl-5 text-red-800">
                  {r.failures.map((f, i) => (
                    <li key={i}>{f}</li>
                  ))}
                </ul>
              ) : null}
              {r && r.notes.length ? <p className="mt-1 text-amber-800">{r.notes.join(" ")}</p> : null}
              {r ? (
                <p className="mt-1 text-slate-600">
                  Path: <span data-testid="test-case-path">{r.path.length ? r.path.join(" → ") : "did not enter"}</span>
                </p>
              ) : null}
              {readOnly ? null : (
                <div className="mt-2 flex flex-wrap gap-1">
                  <SmallButton onClick={() => setEditing(editing === c.name ? null : c.name)}>Edit</SmallButton>
                  {state === "failed" ? (
                    <SmallButton label={`Expect what ${c.name} does now`} onClick={() => replace(c.name, caseFromRun({ graph, settings, flowId }, c))}>
                      Accept current behaviour
                    </SmallButton>
                  ) : null}
                  <SmallButton tone="danger" label={`Delete case ${c.name}`} onClick={() => onSave(list.filter((x) => x.name !== c.name))}>
                    Delete
                  </SmallButton>
                </div>
              )}
              {editing === c.name ? (
                <CaseEditor
                  value={c}
                  saving={saving}
                  onCancel={() => setEditing(null)}
                  onSave={(next) => {
                    replace(c.name, { ...next, name: next.name === c.name ? c.name : freeCaseName(next.name, list) });
                    setEditing(null);
                  }}
                />
              ) : null}
            </li>
          );
        })}
      </ul>
      {readOnly ? null : (
        <div className="space-y-2 border-t border-slate-100 pt-3">
          <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Add case from real user</h3>
          <div className="flex items-end gap-2">
            <TextField label="User id" value={userId} onChange={setUserId} placeholder="e.g. user-42" className="flex-1" />
            <SmallButton onClick={addFromUser}>{fromUser.isPending ? "Adding…" : "Add case"}</SmallButton>
          </div>
          <p className="text-xs text-slate-500">Their traits and recent events become the case; what the draft does with them becomes the expectation.</p>
          {fromUser.isError ? <p role="alert" className="text-xs text-red-700">{fromUser.error.message}</p> : null}
        </div>
      )}
    </div>
  );
}
