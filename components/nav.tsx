"use client";
// The console's top navigation: Flows, Catalog, Users, Settings, and the account with sign-out.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useAccount } from "./account-context";

export const NAV_ITEMS = [
  { href: "/", label: "Home", match: (p: string) => p === "/" },
  { href: "/flows", label: "Flows", match: (p: string) => p.startsWith("/flows") },
  { href: "/catalog", label: "Catalog", match: (p: string) => p.startsWith("/catalog") },
  { href: "/users", label: "Users", match: (p: string) => p.startsWith("/users") || p.startsWith("/data") },
  { href: "/settings/keys", label: "Settings", match: (p: string) => p.startsWith("/settings") },
];

export function Nav() {
  const pathname = usePathname();
  const account = useAccount();
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex h-14 max-w-screen-2xl items-center gap-6 px-4">
        <Link href="/flows" className="flex items-center gap-2 font-semibold text-slate-900">
          <span aria-hidden className="inline-block h-6 w-6 rounded-md bg-gradient-to-br from-brand-500 to-emerald-500" />
          Pathwise
        </Link>
        <nav aria-label="Main" className="flex items-center gap-1">
          {NAV_ITEMS.map((item) => {
            const active = item.match(pathname);
            return (
              <Link
                key={item.href}
                href={item.href}
                aria-current={active ? "page" : undefined}
                className={`rounded-md px-3 py-1.5 text-sm font-medium ${active ? "bg-brand-50 text-brand-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"}`}
              >
                {item.label}
              </Link>
            );
          })}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm text-slate-600">
          <span>
            {account.email} <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-500">{account.role}</span>
          </span>
          <form action="/api/auth/logout" method="post">
            <button type="submit" className="rounded-md px-2 py-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900">
              Sign out
            </button>
          </form>
        </div>
      </div>
    </header>
  );
}
