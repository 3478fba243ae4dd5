"use client";
// API keys: write keys for browsers and Segment-style clients, secret keys for servers.
import { useState } from "react";
import { useCreateKey, useKeys, useRevokeKey } from "@/components/hooks/use-keys";
import { useCan } from "@/components/account-context";
import { relativeTime } from "@/components/ui/time";

export function KeysPanel() {
  const isAdmin = useCan("admin");
  const keys = useKeys();
  const create = useCreateKey();
  const revoke = useRevokeKey();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"write" | "secret">("write");
  const [shown, setShown] = useState<{ key: string; name: string } | null>(null);
  const [copied, setCopied] = useState(false);

  if (!isAdmin) {
    return (
      <div className="mx-auto max-w-4xl px-4 py-8">
        <h1 className="text-2xl font-semibold">API keys</h1>
        <p className="mt-4 rounded-md bg-amber-50 p-4 text-sm text-amber-900">Only admins can see and manage API keys.</p>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-4xl px-4 py-8">
      <h1 className="text-2xl font-semibold">API keys</h1>
      <p className="mt-1 text-sm text-slate-600">
        Write keys are safe in a browser: they can only send events, ask for decisions and record outcomes. Secret keys can do everything; keep them on your servers.
      </p>
      <form
        className="mt-6 flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ kind, name: name.trim() || (kind === "write" ? "Website" : "Server") }, { onSuccess: (k) => { setShown({ key: k.key, name: k.name }); setName(""); setCopied(false); } });
        }}
      >
        <label className="flex-1">
          <span className="mb-1 block text-sm font-medium text-slate-700">Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Storefront" className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm" />
        </label>
        <label>
          <span className="mb-1 block text-sm font-medium text-slate-700">Kind</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as "write" | "secret")} className="rounded-md border border-slate-300 px-3 py-2 text-sm">
            <option value="write">Write key (browser)</option>
            <option value="secret">Secret key (server)</option>
          </select>
        </label>
        <button type="submit" disabled={create.isPending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-50">
          Create key
        </button>
      </form>
      {create.isError ? <p role="alert" className="mt-2 text-sm text-red-700">{create.error.message}</p> : null}
      {shown ? (
        <div role="status" className="mt-4 rounded-xl border border-emerald-300 bg-emerald-50 p-4">
          <p className="text-sm font-medium text-emerald-900">Copy the key “{shown.name}” now: it will not be shown again.</p>
          <div className="mt-2 flex items-center gap-2">
            <code data-testid="new-key" className="flex-1 overflow-x-auto rounded bg-white px-3 py-2 font-mono text-sm">{shown.key}</code>
            <button type="button" className="rounded-md border border-emerald-400 px-3 py-2 text-sm" onClick={() => navigator.clipboard?.writeText(shown.key).then(() => setCopied(true))}>
              {copied ? "Copied" : "Copy"}
            </button>
            <button type="button" className="rounded-md px-3 py-2 text-sm" onClick={() => setShown(null)}>Done</button>
          </div>
        </div>
      ) : null}
      <div className="mt-6 overflow-hidden rounded-xl border border-slate-200 bg-white">
        {keys.isPending ? (
          <p className="p-4 text-sm text-slate-500">Loading keys…</p>
        ) : keys.isError ? (
          <p role="alert" className="p-4 text-sm text-red-700">{keys.error.message}</p>
        ) : keys.data.length === 0 ? (
          <p className="p-6 text-center text-sm text-slate-600">No keys yet. Create a write key for your website or a secret key for your servers.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-3 font-medium">Name</th>
                <th scope="col" className="px-4 py-3 font-medium">Kind</th>
                <th scope="col" className="px-4 py-3 font-medium">Key</th>
                <th scope="col" className="px-4 py-3 font-medium">Last used</th>
                <th scope="col" className="px-4 py-3 font-medium"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {keys.data.map((k) => (
                <tr key={k.id} className={k.revokedAt ? "text-slate-400" : ""}>
                  <td className="px-4 py-3 font-medium">{k.name}</td>
                  <td className="px-4 py-3">{k.kind}</td>
                  <td className="px-4 py-3 font-mono text-xs">{k.prefix}…</td>
                  <td className="px-4 py-3">{k.revokedAt ? `revoked ${relativeTime(k.revokedAt)}` : k.lastUsedAt ? relativeTime(k.lastUsedAt) : "never"}</td>
                  <td className="px-4 py-3 text-right">
                    {!k.revokedAt ? (
                      <button
                        type="button"
                        className="rounded-md px-2 py-1 text-sm text-red-700 hover:bg-red-50"
                        onClick={() => {
                          if (window.confirm(`Revoke “${k.name}”? Anything using it stops working.`)) revoke.mutate(k.id);
                        }}
                      >
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
