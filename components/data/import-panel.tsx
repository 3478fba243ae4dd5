"use client";
// /data/import: upload a CSV or JSON file, follow its progress, read the errors per row.
import { useState } from "react";
import { useImportJob, useImports, useUploadImport } from "@/components/hooks/use-data";
import { useCan } from "@/components/account-context";
import { formatNumber, relativeTime } from "@/components/ui/time";
import type { ImportStatus } from "@/lib/ingest/import";
import { buttonClass, ErrorNote, inputClass, Loading, PageShell } from "./data-tabs";

export function ImportProgress({ job }: { job: ImportStatus }) {
  const handled = job.done + job.failed;
  const pct = job.total ? Math.min(100, Math.round((handled / job.total) * 100)) : job.status === "done" ? 100 : 0;
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4" data-testid="import-progress">
      <div className="flex justify-between text-sm">
        <span className="font-medium">{job.source ?? "Upload"} · {job.status}</span>
        <span className="tabular-nums text-slate-600">{formatNumber(handled)} / {job.total ? formatNumber(job.total) : "…"} rows</span>
      </div>
      <div role="progressbar" aria-label="Import progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} className="mt-2 h-2 overflow-hidden rounded bg-slate-100">
        <div className={`h-full ${job.status === "failed" ? "bg-red-500" : "bg-brand-600"}`} style={{ width: `${pct}%` }} />
      </div>
      <p className="mt-2 text-sm text-slate-600">{formatNumber(job.done)} imported, {formatNumber(job.failed)} failed</p>
      {job.errors.length ? (
        <table className="mt-3 w-full text-left text-sm">
          <caption className="sr-only">Rows that failed</caption>
          <thead className="text-xs uppercase text-slate-500"><tr><th scope="col" className="py-1">Row</th><th scope="col" className="py-1">Problem</th></tr></thead>
          <tbody>
            {job.errors.slice(0, 100).map((e, i) => (
              <tr key={i} className="border-t border-slate-100"><td className="py-1 tabular-nums">{e.row}</td><td className="py-1 text-red-700">{e.message}</td></tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

export function ImportPanel() {
  const canEdit = useCan("editor");
  const upload = useUploadImport();
  const [file, setFile] = useState<File | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useImportJob(jobId);
  const imports = useImports();
  return (
    <PageShell title="Import profiles" intro="A CSV with a userId column (every other column becomes a trait; numbers and true/false are converted, an empty cell leaves a trait alone, null removes it), or JSON [{userId, traits}].">
      {canEdit ? (
        <form
          className="mb-6 flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-4"
          onSubmit={(e) => {
            e.preventDefault();
            if (file) upload.mutate(file, { onSuccess: (id) => setJobId(id) });
          }}
        >
          <div>
            <label htmlFor="import-file" className="block text-sm font-medium text-slate-700">File (.csv or .json)</label>
            <input id="import-file" name="file" type="file" accept=".csv,.json,text/csv,application/json" className={`${inputClass} mt-1`} onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </div>
          <button type="submit" className={buttonClass} disabled={!file || upload.isPending}>{upload.isPending ? "Uploading…" : "Import"}</button>
          {upload.isError ? <ErrorNote error={upload.error} /> : null}
        </form>
      ) : (
        <p className="mb-6 text-sm text-slate-600">Importing needs the editor role.</p>
      )}
      {jobId ? (job.data ? <ImportProgress job={job.data} /> : job.isError ? <ErrorNote error={job.error} /> : <Loading label="Starting import" />) : null}
      <h2 className="mt-8 text-lg font-semibold">Recent imports</h2>
      {imports.isPending ? (
        <Loading label="Loading imports" />
      ) : imports.isError ? (
        <ErrorNote error={imports.error} />
      ) : imports.data.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No imports yet.</p>
      ) : (
        <ul className="mt-2 divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white text-sm">
          {imports.data.map((i) => (
            <li key={i.id} className="flex items-center gap-4 px-4 py-2">
              <button type="button" className="font-medium text-brand-700 hover:underline" onClick={() => setJobId(i.id)}>{i.source ?? i.id.slice(0, 8)}</button>
              <span className="text-slate-600">{i.status}</span>
              <span className="tabular-nums text-slate-600">{formatNumber(i.done)} ok · {formatNumber(i.failed)} failed</span>
              <span className="ml-auto text-slate-500">{relativeTime(i.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </PageShell>
  );
}
