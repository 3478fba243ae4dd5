"use client";
// "Add case from real user" on a profile: this user's traits and recent events become a test case of the
// chosen flow, expecting what its draft does with them.
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useFlows } from "@/components/hooks/use-flows";
import type { TestSuiteDoc } from "@/components/hooks/use-flow-tests";
import { freeCaseName } from "@/components/canvas/tests-panel";
import { api } from "@/lib/client/api";
import { qk } from "@/lib/client/query-keys";
import type { TestCase } from "@/lib/cases/schema";

export function AddCaseFromProfile({ userId }: { userId: string }) {
  const flows = useFlows();
  const qc = useQueryClient();
  const [flowId, setFlowId] = useState("");
  const add = useMutation({
    mutationFn: async (id: string) => {
      const suite = await api<TestSuiteDoc>(`/api/v1/flows/${id}/tests`);
      const c = await api<TestCase>(`/api/v1/flows/${id}/tests/from-user`, { method: "POST", json: { userId, name: freeCaseName(`Like ${userId}`, suite.cases) } });
      const saved = await api<TestSuiteDoc>(`/api/v1/flows/${id}/tests`, { method: "PUT", json: { cases: [...suite.cases, c] } });
      return { flowId: id, name: c.name, saved };
    },
    onSuccess: (r) => qc.setQueryData(qk.flowTests(r.flowId), r.saved),
  });
  const list = flows.data ?? [];
  const chosen = flowId || list[0]?.id || "";
  if (list.length === 0) return null;
  return (
    <section aria-labelledby="add-case" className="mt-6 rounded-xl border border-slate-200 bg-white p-4">
      <h2 id="add-case" className="text-sm font-semibold uppercase tracking-wide text-slate-500">Add as a test case</h2>
      <p className="mt-1 text-sm text-slate-600">Keep what this user went through as a test case of a flow: their traits and latest events, expecting what the flow’s draft does with them.</p>
      <div className="mt-3 flex flex-wrap items-end gap-2">
        <div className="text-sm">
          <label htmlFor="add-case-flow" className="mb-1 block text-xs font-medium text-slate-600">
            Flow
          </label>
          <select id="add-case-flow" value={chosen} onChange={(e) => setFlowId(e.target.value)} className="rounded-md border border-slate-300 px-2 py-1.5 text-sm">
            {list.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </div>
        <button type="button" disabled={!chosen || add.isPending} onClick={() => add.mutate(chosen)} className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-50">
          {add.isPending ? "Adding…" : "Add case from this user"}
        </button>
      </div>
      {add.isSuccess ? (
        <p role="status" className="mt-2 text-sm text-emerald-700">
          Added “{add.data.name}”. <Link className="underline" href={`/flows/${add.data.flowId}`}>Open the flow</Link> and its Tests tab to edit it.
        </p>
      ) : null}
      {add.isError ? <p role="alert" className="mt-2 text-sm text-red-700">{add.error.message}</p> : null}
    </section>
  );
}
