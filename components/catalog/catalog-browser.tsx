"use client";
// /catalog: the items recommendations draw from, searched by name, id or category; CSV import with progress.
import { useState } from "react";
import { useCatalogItems } from "@/components/hooks/use-catalog";
import { useImportJob, useUploadImport } from "@/components/hooks/use-data";
import { useCan } from "@/components/account-context";
import { ImportProgress } from "@/components/data/import-panel";
import { buttonClass, ErrorNote, inputClass, Loading, secondaryButtonClass } from "@/components/data/data-tabs";
import { formatNumber, relativeTime } from "@/components/ui/time";

const PAGE = 50;

function price(p: number | null) {
  return p === null ? "—" : p.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function ImportItems() {
  const upload = useUploadImport("/api/v1/catalog/import");
  const [file, setFile] = useState<File | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useImportJob(jobId);
  return (
    <details className="mb-6 rounded-xl border border-slate-200 bg-white p-4">
      <summary className="cursor-pointer text-sm font-medium text-slate-700">Import items from a CSV</summary>
      <p className="mt-2 text-sm text-slate-600">
        Columns <code>id</code> (or <code>product_id</code>), <code>name</code>, <code>url</code>, <code>image</code>, <code>price</code>, <code>category</code>; every other column becomes an attribute. An id already in the catalog is replaced.
      </p>
      <form
        className="mt-3 flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (file) upload.mutate(file, { onSuccess: (id) => setJobId(id) });
        }}
      >
        <div>
          <label htmlFor="catalog-file" className="block text-sm font-medium text-slate-700">File (.csv)</label>
          <input id="catalog-file" name="file" type="file" accept=".csv,text/csv" className={`${inputClass} mt-1`} onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        <button type="submit" className={buttonClass} disabled={!file || upload.isPending}>{upload.isPending ? "Uploading…" : "Import items"}</button>
        {upload.isError ? <ErrorNote error={upload.error} /> : null}
      </form>
      {jobId ? <div className="mt-4">{job.data ? <ImportProgress job={job.data} /> : job.isError ? <ErrorNote error={job.error} /> : <Loading label="Starting import" />}</div> : null}
    </details>
  );
}

export function CatalogBrowser() {
  const canEdit = useCan("editor");
  const [text, setText] = useState("");
  const [filter, setFilter] = useState({ q: "", category: "", offset: 0 });
  const items = useCatalogItems(filter, PAGE);
  const categories = items.data?.categories ?? [];
  const searching = filter.q !== "" || filter.category !== "";
  return (
    <div className="mx-auto max-w-6xl px-4 py-8">
      <h1 className="text-2xl font-semibold">Catalog</h1>
      <p className="mt-1 text-sm text-slate-600">
        The items events name by <code>product_id</code> and recommendations are drawn from. Send them with <code>POST /api/v1/catalog/items</code> (up to 1,000 a call) or import a CSV.
      </p>
      <div className="mt-6">
        {canEdit ? <ImportItems /> : null}
        <form
          role="search"
          className="mb-4 flex flex-wrap gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            setFilter((f) => ({ ...f, q: text.trim(), offset: 0 }));
          }}
        >
          <label htmlFor="catalog-search" className="sr-only">Search items</label>
          <input id="catalog-search" name="q" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Search by name, id or category" className={`${inputClass} w-96`} />
          <label htmlFor="catalog-category" className="sr-only">Category</label>
          <select id="catalog-category" value={filter.category} onChange={(e) => setFilter((f) => ({ ...f, category: e.target.value, offset: 0 }))} className={inputClass}>
            <option value="">All categories</option>
            {categories.map((c) => (
              <option key={c} value={c}>{c}</option>
            ))}
          </select>
          <button type="submit" className={secondaryButtonClass}>Search</button>
        </form>
        {items.isPending ? (
          <Loading label="Loading items" />
        ) : items.isError ? (
          <ErrorNote error={items.error} />
        ) : items.data.items.length === 0 ? (
          <div className="rounded-2xl border-2 border-dashed border-slate-300 bg-white p-10 text-center">
            <h2 className="text-lg font-semibold">{searching ? "No item matches" : "No items yet"}</h2>
            <p className="mx-auto mt-2 max-w-md text-sm text-slate-600">
              {searching
                ? "Try part of a name, an id or a category."
                : "Add items with POST /api/v1/catalog/items or import a CSV above. Events that name a product before it is here are kept: it is recommended once the catalog names it."}
            </p>
          </div>
        ) : (
          <>
            <p className="mb-2 text-sm text-slate-600" aria-live="polite">{formatNumber(items.data.total)} {items.data.total === 1 ? "item" : "items"}</p>
            <div className="overflow-hidden rounded-xl border border-slate-200 bg-white">
              <table className="w-full text-left text-sm">
                <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
                  <tr>
                    <th scope="col" className="px-4 py-3 font-medium">Item</th>
                    <th scope="col" className="px-4 py-3 font-medium">Category</th>
                    <th scope="col" className="px-4 py-3 text-right font-medium">Price</th>
                    <th scope="col" className="px-4 py-3 font-medium">Attributes</th>
                    <th scope="col" className="px-4 py-3 font-medium">Updated</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {items.data.items.map((it) => (
                    <tr key={it.id} data-testid="catalog-row">
                      <td className="px-4 py-3">
                        <div className="flex items-center gap-3">
                          {it.image ? (
                            // eslint-disable-next-line @next/next/no-img-element -- images live on the customer's own hosts
                            <img src={it.image} alt="" className="h-10 w-10 rounded object-cover" loading="lazy" />
                          ) : (
                            <span aria-hidden className="inline-block h-10 w-10 rounded bg-slate-100" />
                          )}
                          <div>
                            <div className="font-medium">{it.url ? <a href={it.url} className="hover:underline" target="_blank" rel="noreferrer noopener">{it.name}</a> : it.name}</div>
                            <div className="font-mono text-xs text-slate-500">{it.id}</div>
                          </div>
                        </div>
                      </td>
                      <td className="px-4 py-3 text-slate-600">{it.category ?? "—"}</td>
                      <td className="px-4 py-3 text-right tabular-nums">{price(it.price)}</td>
                      <td className="max-w-xs truncate px-4 py-3 text-xs text-slate-500" title={JSON.stringify(it.attributes)}>
                        {Object.entries(it.attributes).slice(0, 4).map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`).join(" · ") || "—"}
                      </td>
                      <td className="px-4 py-3 text-slate-500">{relativeTime(it.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="mt-4 flex items-center gap-3 text-sm">
              <button type="button" className={secondaryButtonClass} disabled={filter.offset === 0} onClick={() => setFilter((f) => ({ ...f, offset: Math.max(0, f.offset - PAGE) }))}>Previous</button>
              <span className="text-slate-600 tabular-nums">{filter.offset + 1}–{filter.offset + items.data.items.length} of {formatNumber(items.data.total)}</span>
              <button type="button" className={secondaryButtonClass} disabled={filter.offset + PAGE >= items.data.total} onClick={() => setFilter((f) => ({ ...f, offset: f.offset + PAGE }))}>Next</button>
            </div>
          </>
        )}
      </div>
    </div>
  );
}
