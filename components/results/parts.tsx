// Small building blocks of the dashboards: cards, stat tiles, verdict badges, empty and loading states.
import type { ReactNode } from "react";

export function Card({ title, subtitle, actions, children, id }: { title: string; subtitle?: ReactNode; actions?: ReactNode; children: ReactNode; id?: string }) {
  return (
    <section aria-labelledby={id ? `${id}-title` : undefined} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid={id}>
      <div className="mb-4 flex items-start justify-between gap-4">
        <div>
          <h2 id={id ? `${id}-title` : undefined} className="text-base font-semibold text-slate-900">
            {title}
          </h2>
          {subtitle ? <p className="mt-0.5 text-sm text-slate-500">{subtitle}</p> : null}
        </div>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function Stat({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm" data-testid={testId}>
      <div className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</div>
      <div className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{value}</div>
      {hint ? <div className="mt-0.5 text-xs text-slate-500">{hint}</div> : null}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border-2 border-dashed border-slate-200 px-6 py-10 text-center">
      <p className="font-medium text-slate-700">{title}</p>
      {children ? <div className="mx-auto mt-1 max-w-md text-sm text-slate-500">{children}</div> : null}
    </div>
  );
}

export function Skeleton({ label, rows = 3 }: { label: string; rows?: number }) {
  return (
    <div aria-busy="true" aria-label={label} className="space-y-4">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        {Array.from({ length: 5 }, (_, i) => (
          <div key={i} className="h-20 animate-pulse rounded-xl bg-slate-200/60" />
        ))}
      </div>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="h-64 animate-pulse rounded-xl bg-slate-200/60" />
      ))}
    </div>
  );
}

const VERDICTS = {
  better: { cls: "bg-[#009E73]/10 text-[#00664a] ring-[#009E73]/30", icon: "▲" },
  worse: { cls: "bg-[#D55E00]/10 text-[#a34800] ring-[#D55E00]/30", icon: "▼" },
  inconclusive: { cls: "bg-slate-100 text-slate-700 ring-slate-400/30", icon: "≈" },
  not_enough_data: { cls: "bg-[#E69F00]/10 text-[#8a5f00] ring-[#E69F00]/40", icon: "…" },
} as const;

/** A verdict names the winner: "10% off wins", not "Free shipping is worse than control". */
export function verdictText(kind: keyof typeof VERDICTS, name: string, against: string): string {
  if (kind === "better") return `${name} wins`;
  if (kind === "worse") return `${against} wins`;
  if (kind === "inconclusive") return `No clear winner yet`;
  return "Not enough data yet";
}

export function VerdictBadge({ kind, reason, name, against = "Control" }: { kind: keyof typeof VERDICTS; reason?: string; name: string; against?: string }) {
  const v = VERDICTS[kind];
  const text = verdictText(kind, name, against);
  const title = reason ?? (kind === "better" ? `${name} beats ${against}` : kind === "worse" ? `${name} does worse than ${against}` : kind === "inconclusive" ? `${name} and ${against} are not clearly different yet` : undefined);
  return (
    <span title={title} className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${v.cls}`} data-testid="verdict" data-verdict={kind}>
      <span aria-hidden>{v.icon}</span>
      {text}
    </span>
  );
}
