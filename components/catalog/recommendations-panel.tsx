"use client";
// The profile page's recommendations: each strategy's items for this person, as templates and the API see them.
import { useState } from "react";
import { useRecommendations } from "@/components/hooks/use-catalog";
import { ErrorNote, Loading } from "@/components/data/data-tabs";
import { STRATEGIES, type Strategy } from "@/lib/catalog/schema";

const LABELS: Record<Strategy, { label: string; hint: string }> = {
  for_you: { label: "For you", hint: "Co-viewed with their latest items, blended with what is popular in their categories; bought items left out" },
  recently_viewed: { label: "Recently viewed", hint: "What they viewed, newest first" },
  also_viewed: { label: "Also viewed", hint: "Viewed in the same sessions as their last viewed item; bought items left out" },
  popular: { label: "Popular", hint: "Most viewed and bought over the window; bought items left out" },
};

export function RecommendationsPanel({ userId }: { userId: string }) {
  const [strategy, setStrategy] = useState<Strategy>("for_you");
  const recs = useRecommendations(userId, strategy);
  return (
    <section aria-labelledby="recommendations" className="mt-6 rounded-xl border border-slate-200 bg-white p-4" data-testid="recommendations">
      <h2 id="recommendations" className="text-sm font-semibold uppercase tracking-wide text-slate-500">Recommendations</h2>
      <div role="tablist" aria-label="Strategy" className="mt-3 flex flex-wrap gap-1">
        {STRATEGIES.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={s === strategy}
            onClick={() => setStrategy(s)}
            className={`rounded-md px-3 py-1 text-sm font-medium ${s === strategy ? "bg-brand-50 text-brand-700" : "text-slate-600 hover:bg-slate-100"}`}
          >
            {LABELS[s].label}
          </button>
        ))}
      </div>
      <p className="mt-2 text-xs text-slate-500">
        {LABELS[strategy].hint}. In templates: <code>{`recommendations.${strategy}`}</code>
      </p>
      <div role="tabpanel" className="mt-3">
        {recs.isPending ? (
          <Loading label="Loading recommendations" />
        ) : recs.isError ? (
          <ErrorNote error={recs.error} />
        ) : recs.data.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing to suggest yet: this list fills as the person views and buys catalog items.</p>
        ) : (
          <ol className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
            {recs.data.map((it) => (
              <li key={it.id} className="rounded-lg border border-slate-200 p-3 text-sm" data-testid="recommended-item">
                <div className="font-medium">{it.name}</div>
                <div className="font-mono text-xs text-slate-500">{it.id}</div>
                <div className="mt-1 text-xs text-slate-600">
                  {it.category ?? "no category"}
                  {it.price !== null ? ` · ${it.price.toFixed(2)}` : ""}
                </div>
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}
