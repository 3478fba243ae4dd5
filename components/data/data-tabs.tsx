"use client";
// Tabs of the Users area: profiles, import, tracking plan, sources.
import Link from "next/link";
import { usePathname } from "next/navigation";

const TABS = [
  { href: "/users", label: "Profiles", match: (p: string) => p.startsWith("/users") },
  { href: "/data/import", label: "Import", match: (p: string) => p.startsWith("/data/import") },
  { href: "/data/tracking-plan", label: "Tracking plan", match: (p: string) => p.startsWith("/data/tracking-plan") },
  { href: "/data/sources", label: "Sources", match: (p: string) => p.startsWith("/data/sources") },
];

export function DataTabs() {
  const pathname = usePathname();
  return (
    <nav aria-label="Users and data" className="mb-6 flex gap-1 border-b border-slate-200">
      {TABS.map((t) => {
        const active = t.match(pathname);
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={active ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline focus-visible:outline-2 focus-visible:outline-brand-500 ${active ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}

export function PageShell({ title, intro, children }: { title: string; intro?: string; children: React.ReactNode }) {
  return (
    <div className="mx-auto max-w-6xl px-4 py-8">
      <DataTabs />
      <h1 className="text-2xl font-semibold">{title}</h1>
      {intro ? <p className="mt-1 text-sm text-slate-600">{intro}</p> : null}
      <div className="mt-6">{children}</div>
    </div>
  );
}

export function ErrorNote({ error }: { error: Error }) {
  return (
    <p role="alert" className="rounded-md bg-red-50 p-4 text-sm text-red-700">
      {error.message}
    </p>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <div className="space-y-2" aria-busy="true" aria-label={label}>
      {[0, 1, 2].map((i) => (
        <div key={i} className="h-10 animate-pulse rounded-lg bg-slate-200/60" />
      ))}
    </div>
  );
}

export const inputClass = "rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-brand-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500";
export const buttonClass = "rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500";
export const secondaryButtonClass = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-brand-500";
