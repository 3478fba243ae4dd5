"use client";
// Sub-navigation of /settings: API keys, Team, Audit log, Policies, Control group.
import Link from "next/link";
import { usePathname } from "next/navigation";

export const SETTINGS_ITEMS = [
  { href: "/settings/keys", label: "API keys" },
  { href: "/settings/team", label: "Team" },
  { href: "/settings/audit", label: "Audit log" },
  { href: "/settings/policies", label: "Policies" },
  { href: "/settings/control-group", label: "Control group" },
];

export function SettingsNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Settings" className="flex gap-1 border-b border-slate-200">
      {SETTINGS_ITEMS.map((item) => {
        const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 ${
              active ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"
            }`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
